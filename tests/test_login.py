import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_chinese_by_default(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.text
    assert "登录" in response.text


def test_login_leads_to_home(client, insider):
    response = log_in(client, "insider", TEST_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("dashboards:home")


def test_wrong_password_says_what_is_wrong(client, insider):
    response = log_in(client, "insider", "wrong")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.text


def test_an_empty_username_and_password_say_what_is_missing(client, db):
    response = log_in(client, "", "")
    assert response.status_code == 200
    assert response.text.count("这个字段是必填项") == 2
    assert response.text.count("is-invalid") == 2


@pytest.mark.parametrize("url", ["login", "admin:login"])
def test_a_username_longer_than_any_accounts_is_a_wrong_login_not_a_500(client, db, url):
    response = client.post(reverse(url), {"username": "x" * 256, "password": "whatever"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.text
    # Recorded as any failed log-in, under the name cut to the longest an account may have.
    assert AccessAttempt.objects.get().username == "x" * 150
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED).payload == {"username": "x" * 150}


def test_four_failures_do_not_lock_the_account(client, insider):
    for _ in range(4):
        log_in(client, "insider", "wrong")
    assert log_in(client, "insider", TEST_PASSWORD).status_code == 302


def test_five_failures_lock_the_account_and_are_recorded(client, insider):
    for _ in range(5):
        log_in(client, "insider", "wrong")
    response = log_in(client, "insider", TEST_PASSWORD)
    assert response.status_code == 429
    assert "账户已被锁定" in response.text
    assert AccessAttempt.objects.get(username="insider").failures_since_start >= 5
    assert AccessFailureLog.objects.filter(username="insider").count() >= 5


def test_the_locked_out_page_gives_the_lock_in_minutes_and_the_failures_allowed(client, insider):
    for _ in range(5):
        log_in(client, "insider", "wrong")
    text = log_in(client, "insider", TEST_PASSWORD).text
    assert "连续 5 次登录失败" in text
    assert "请在 30 分钟后重试" in text
    assert "PT30M" not in text


def test_the_login_page_states_the_configured_lockout(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = 0.25  # hours, as config/settings.py gives it
    text = client.get(reverse("login")).text
    assert "连续 3 次登录失败后账户将被锁定 15 分钟" in text


def test_locking_one_account_leaves_others_alone(client, insider, colleague):
    for _ in range(5):
        log_in(client, "insider", "wrong")
    assert log_in(client, "colleague", TEST_PASSWORD).status_code == 302


def test_logout_requires_post_and_ends_the_session(client_for, insider):
    client = client_for(insider)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("dashboards:home")).status_code == 302


def test_idle_sessions_end_after_30_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_session_cookie_is_secure_and_http_only(client, insider):
    response = log_in(client, "insider", TEST_PASSWORD)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["max-age"] == ""  # dies with the browser; the server side expires it after idling


@pytest.mark.parametrize(
    "path",
    ["/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/MQ/set-password/"],
)
def test_there_is_no_password_reset_by_email(client, path):
    # A forgotten password is reset by the agency's administrator: no public page sends mail to any address typed.
    assert client.get(path).status_code == 404
