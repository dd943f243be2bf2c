"""Every page renders in Chinese (the default) and in English."""

import pytest
from django.urls import reverse

PAGES = [
    ("login", False, "登录", "Log in"),
    ("dashboards:home", True, "我的待办", "My tasks"),
    ("password_change", True, "修改密码", "Change password"),
    ("portal:index", False, "公开信息", "Public information"),
]


@pytest.mark.parametrize(("name", "needs_login", "chinese", "english"), PAGES)
def test_page_renders_in_both_languages(client_for, client, insider, name, needs_login, chinese, english):
    if needs_login:
        client = client_for(insider)
    url = reverse(name)
    assert chinese in client.get(url).text
    client.post(reverse("set_language"), {"language": "en", "next": url})
    response = client.get(url)
    assert response.status_code == 200
    assert english in response.text
    assert '<html lang="en">' in response.text


def test_agency_and_duty_pages_render_in_english(client_for, insider, agency):
    client = client_for(insider)
    client.post(reverse("set_language"), {"language": "en"})
    assert "People and roles" in client.get(reverse("agencies:detail", args=[agency.pk])).text
    assert (
        "Powers and responsibilities list" in client.get(reverse("portal:duty_list", args=[agency.pk])).text
    )


def test_header_offers_the_other_language(client):
    text = client.get(reverse("login")).text
    assert 'value="en"' in text
    client.post(reverse("set_language"), {"language": "en"})
    assert 'value="zh-hans"' in client.get(reverse("login")).text


def test_a_browser_set_up_in_english_still_gets_chinese_until_english_is_chosen(client):
    # Accept-Language is the computer's setting, not the person's choice (ADR 0005).
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in page.text
    assert page.headers["Content-Language"] == "zh-hans"
    client.post(reverse("set_language"), {"language": "en"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert '<html lang="en">' in page.text
    assert page.headers["Content-Language"] == "en"
    assert "Cookie" in page.headers["Vary"]


def test_a_language_cookie_the_portal_does_not_speak_falls_back_to_chinese(client):
    client.cookies["django_language"] = "fr"
    assert '<html lang="zh-hans">' in client.get(reverse("login")).text


def test_english_field_labels_start_with_a_capital(client_for, insider):
    # The filters share their labels with the models' field names, which are lower case by Django's convention.
    client = client_for(insider)
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("cases:list")).text
    assert 'for="id_state">State</label>' in page
    assert 'for="id_source">Source</label>' in page
