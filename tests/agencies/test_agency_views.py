import pytest
from django.urls import reverse

from agencies.middleware import SESSION_KEY
from tests.factories import MembershipFactory


def detail_url(agency):
    return reverse("agencies:detail", args=[agency.pk])


def test_member_sees_their_agency_people(client_for, insider, colleague, agency):
    response = client_for(insider).get(detail_url(agency))
    assert response.status_code == 200
    assert agency.name in response.text
    assert "colleague" in response.text


def test_outsider_gets_404(client_for, outsider, agency):
    assert client_for(outsider).get(detail_url(agency)).status_code == 404


def test_supervisor_sees_agencies_of_their_jurisdiction(client_for, supervisor, agency):
    assert client_for(supervisor).get(detail_url(agency)).status_code == 200


def test_foreign_supervisor_gets_404(client_for, foreign_supervisor, agency):
    assert client_for(foreign_supervisor).get(detail_url(agency)).status_code == 404


def test_anonymous_is_sent_to_login(client, agency):
    response = client.get(detail_url(agency))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_unknown_agency_is_404(client_for, insider):
    assert client_for(insider).get("/agencies/999999/").status_code == 404


@pytest.fixture
def two_agency_user(agency, other_agency):
    user = MembershipFactory(agency=agency).user
    MembershipFactory(user=user, agency=other_agency, role="liaison")
    return user


def test_switch_changes_the_acting_agency(client_for, two_agency_user, other_agency):
    client = client_for(two_agency_user)
    response = client.post(reverse("agencies:switch"), {"agency": other_agency.pk, "next": "/"})
    assert response.status_code == 302
    assert response.url == "/"
    assert client.session[SESSION_KEY] == other_agency.pk
    assert other_agency.name in client.get(reverse("dashboards:home")).text


def test_switch_to_an_agency_one_does_not_belong_to_is_404(client_for, insider, other_agency):
    client = client_for(insider)
    response = client.post(reverse("agencies:switch"), {"agency": other_agency.pk})
    assert response.status_code == 404
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("value", ["abc", "", "1.5", "99999999999999999999"])
def test_switch_to_something_not_an_agency_number_is_404(client_for, two_agency_user, value):
    client = client_for(two_agency_user)
    assert client.post(reverse("agencies:switch"), {"agency": value}).status_code == 404
    assert SESSION_KEY not in client.session


def test_switch_ignores_an_offsite_next(client_for, two_agency_user, other_agency):
    response = client_for(two_agency_user).post(
        reverse("agencies:switch"), {"agency": other_agency.pk, "next": "https://evil.example/"}
    )
    assert response.url == reverse("dashboards:home")


@pytest.mark.parametrize("target", ["logout", "dashboards:home", "//evil.example/", "javascript:alert(1)"])
def test_switch_only_follows_a_path_on_this_site(client_for, two_agency_user, other_agency, target):
    response = client_for(two_agency_user).post(
        reverse("agencies:switch"), {"agency": other_agency.pk, "next": target}
    )
    assert response.url == reverse("dashboards:home")


def test_switch_requires_post(client_for, two_agency_user):
    assert client_for(two_agency_user).get(reverse("agencies:switch")).status_code == 405


def test_switcher_is_shown_only_to_people_in_several_agencies(client_for, insider, two_agency_user):
    assert 'id="agency-switch"' not in client_for(insider).get("/").text
    assert 'id="agency-switch"' in client_for(two_agency_user).get("/").text
