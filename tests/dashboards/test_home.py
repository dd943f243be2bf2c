from django.urls import reverse

from deadlines.clocks import deadline_start
from tests.factories import DutyItemFactory, MembershipFactory, UserFactory


def test_home_shows_the_acting_agency_and_roles(client_for, insider, agency):
    response = client_for(insider).get(reverse("dashboards:home"))
    assert response.status_code == 200
    assert agency.name in response.text
    assert "经办人" in response.text
    assert "宣恩县政务服务和大数据管理局" in response.text  # the jurisdiction's coordinator


def test_home_says_what_to_do_without_an_agency(db, client_for):
    response = client_for(UserFactory()).get(reverse("dashboards:home"))
    assert response.status_code == 200
    assert "您尚未加入任何单位" in response.text


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


def test_navigation_opens_every_section_to_staff_and_the_board_to_supervisors_and_heads(
    client_for, insider, colleague
):
    text = client_for(insider).get(reverse("dashboards:home")).text
    for url in (reverse("cases:list"), reverse("meetings:index"), reverse("credit:index")):
        assert url in text
    assert 'aria-disabled="true"' not in text  # nothing greyed out any more
    assert reverse("dashboards:board") not in text  # the board is for supervisors and heads
    assert reverse("dashboards:board") in client_for(colleague).get(reverse("dashboards:home")).text


def test_the_public_navigation_leads_to_the_published_credit_information(db, client):
    assert reverse("credit:public_records") in client.get(reverse("portal:index")).text


def test_administration_link_only_for_staff(db, client_for, insider):
    assert reverse("admin:index") not in client_for(insider).get("/").text
    staff = UserFactory(is_staff=True)
    assert reverse("admin:index") in client_for(staff).get("/").text


def test_home_query_count_does_not_grow_with_the_clocks(
    client_for, insider, agency, django_assert_num_queries
):
    client = client_for(insider)
    deadline_start(rule="L3", target=DutyItemFactory(agency=agency), agency=agency)
    client.get(reverse("dashboards:home"))  # loads the calendar into this process's cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one_clock:
        client.get(reverse("dashboards:home"))
    for _ in range(5):
        deadline_start(rule="L3", target=DutyItemFactory(agency=agency), agency=agency)
    with django_assert_num_queries(len(one_clock)):
        client.get(reverse("dashboards:home"))


def test_chinese_names_are_written_family_name_first(client_for, insider):
    insider.last_name, insider.first_name = "王", "小明"
    insider.save()
    assert "王小明" in client_for(insider).get("/").text


def test_home_agency_is_the_first_membership(client_for, agency, other_agency):
    user = MembershipFactory(agency=other_agency).user
    MembershipFactory(user=user, agency=agency)
    assert f'<h1 class="h3 mb-1">{other_agency.name}</h1>' in client_for(user).get("/").text


def test_anonymous_requests_have_no_acting_agency(rf):
    from django.contrib.auth.models import AnonymousUser

    from agencies.middleware import current_agency

    request = rf.get("/")
    request.user, request.session = AnonymousUser(), {}
    assert current_agency(request) is None
