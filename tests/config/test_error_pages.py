"""The error pages say what is wrong and what to do. A NUL character in an address's query: PostgreSQL refuses it in
any text, so every page answers 400 instead of failing at the database. A refused CSRF token: the portal's page."""

import pytest
from django.urls import reverse

PUBLIC = [
    ("portal:verify", "code"),
    ("portal:complaint_status", "code"),
    ("credit:public_records", "q"),
    ("credit:honour_list", "q"),
    ("credit:check", "code"),
]


@pytest.mark.parametrize(("name", "parameter"), PUBLIC)
def test_a_nul_in_a_public_pages_query_is_a_400_that_says_why(db, client, name, parameter):
    assert client.get(reverse(name), {parameter: "9111"}).status_code < 500
    response = client.get(reverse(name), {parameter: "91\x0011"})
    assert response.status_code == 400
    assert "无法识别的字符" in response.content.decode()


def test_a_nul_in_a_public_pages_path_is_a_400_too(db, client):
    """The verification code printed under a document's QR code is part of the path: a NUL there is refused alike."""
    assert client.get(reverse("portal:verify_code", args=["ABCD"])).status_code == 200
    response = client.get("/public/verify/AB%00CD/")
    assert response.status_code == 400
    assert "无法识别的字符" in response.content.decode()


def test_a_nul_in_the_credit_checks_json_query_is_a_json_400(db, client):
    """A program reads check.json: the refusal is JSON it can parse, in Chinese whatever the visitor's language."""
    client.cookies["django_language"] = "en"
    response = client.get(reverse("credit:check_json"), {"code": "91\x0011"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response["Content-Language"] == "zh-hans"
    assert "无法识别的字符" in response.json()["error"]
    assert "请检查代码" in response.json()["error"]


def test_a_session_cookie_holding_a_nul_starts_a_new_session_instead_of_failing(client_for, insider):
    """A quoted cookie may spell a NUL as \\000; the session key never reaches the database with it."""
    client = client_for(insider)
    assert client.get(reverse("credit:index")).status_code == 200
    client.cookies["sessionid"] = "abc\x00defghijk"
    response = client.get(reverse("credit:index"))
    assert response.status_code == 302  # signed out, sent to the login page, as when a session has ended
    response = client.get(reverse("portal:complaint_new"))
    assert response.status_code == 200


def test_a_nul_in_a_query_key_or_a_staff_page(client_for, insider):
    client = client_for(insider)
    assert client.get(reverse("credit:index"), {"q": "a\x00b"}).status_code == 400
    assert client.get(reverse("credit:index") + "?q%00=a").status_code == 400
    response = client.get(reverse("credit:index"), {"q": "某公司"})
    assert response.status_code == 200


def test_djangos_own_400_page_renders_without_a_request(db, client):
    """Django renders 400.html without the request (a host not allowed, too many fields or files in a post): the page
    says the request could not be read, and nothing of a NUL character it did not have."""
    response = client.get("/", HTTP_HOST="not-ours.example")
    assert response.status_code == 400
    text = response.content.decode()
    assert "请求有误" in text
    assert "平台无法处理该请求" in text
    assert "NUL" not in text


def test_a_refused_csrf_token_gets_the_portals_page_that_says_what_to_do(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("portal:complaint_new"), {})
    assert response.status_code == 403
    text = response.content.decode()
    assert "请返回并刷新页面，然后重新提交" in text
    assert "表单未能提交" in text
