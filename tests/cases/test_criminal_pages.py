"""The pages of criminal referrals as people use them: starting one from the lead, each side's steps through the
case page, refusals (400), roles that may not act (403), stale and double clicks (409), and outsiders (404), the
region's supervisors included."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agencies.models import Membership
from audit.models import AuditEvent
from cases.complaint_views import PAGE
from cases.models import CriminalReferral, Lead
from cases.todo import tasks_for
from cases.workflows import criminal as steps
from documents.models import Document
from tests.concurrency import run_concurrently, transactional
from tests.factories import AgencyFactory, MembershipFactory

from .criminal import advance, make_cast, start
from .files import PDF

pytestmark = pytest.mark.django_db

State = CriminalReferral.State


def in_english(client):
    """The client as someone who chose English with the header's button (the language cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def post_step(client, criminal, step, **data):
    token = CriminalReferral.objects.get(pk=criminal.pk).page_token
    return client.post(
        reverse("cases:criminal_step", args=[criminal.pk, step]), {"seen_state": token, **data}
    )


def state_of(criminal) -> str:
    return CriminalReferral.objects.get(pk=criminal.pk).state


# Starting one from the lead -----------------------------------------------------------------------------------------


def test_the_lead_page_loads_the_card_with_the_start_button(client_for, lead, insider):
    client = client_for(insider)
    page = client.get(lead.get_absolute_url()).text
    assert reverse("cases:criminal_lead_card", args=[lead.pk]) in page
    card = client.get(reverse("cases:criminal_lead_card", args=[lead.pk])).text
    assert reverse("cases:criminal_new", args=[lead.pk]) in card


def test_a_handler_starts_one_through_the_form(client_for, lead, insider, second_handler, cast):
    client = client_for(insider)
    url = reverse("cases:criminal_new", args=[lead.pk])
    form = client.get(url).text
    assert cast.police.name in form
    response = client.post(
        url,
        {
            "team": [insider.pk, second_handler.pk],
            "police": cast.police.pk,
            "suspected_offence": "串通投标罪",
        },
    )
    criminal = CriminalReferral.objects.get()
    assert response.status_code == 302
    assert response.url == criminal.get_absolute_url()
    assert set(criminal.team.all()) == {insider, second_handler}
    card = client.get(reverse("cases:criminal_lead_card", args=[lead.pk])).text
    assert criminal.get_absolute_url() in card
    assert reverse("cases:criminal_new", args=[lead.pk]) not in card  # one under way at a time


def test_a_team_of_one_is_refused_and_the_input_kept(client_for, lead, insider, cast):
    response = client_for(insider).post(
        reverse("cases:criminal_new", args=[lead.pk]),
        {"team": [insider.pk], "police": cast.police.pk, "suspected_offence": "串通投标罪"},
    )
    assert response.status_code == 400
    assert "串通投标罪" in response.text
    response = in_english(client_for(insider)).post(
        reverse("cases:criminal_new", args=[lead.pk]),
        {"team": [insider.pk], "police": cast.police.pk, "suspected_offence": "串通投标罪"},
    )
    assert "at least 2 staff members" in response.text
    assert not CriminalReferral.objects.exists()


def test_the_form_offers_only_the_police_of_the_same_level(client_for, lead, insider, foreign_region, cast):
    elsewhere = AgencyFactory(region=foreign_region, name="鄂尔多斯市公安局", kind="police")
    client = client_for(insider)
    url = reverse("cases:criminal_new", args=[lead.pk])
    assert elsewhere.name not in client.get(url).text
    response = client.post(
        url, {"team": [insider.pk, cast.police_handler.pk], "police": elsewhere.pk, "suspected_offence": "罪"}
    )
    assert response.status_code == 400
    assert not CriminalReferral.objects.exists()


def test_submitting_the_start_form_twice_starts_one(client_for, lead, insider, second_handler, cast):
    client, url = client_for(insider), reverse("cases:criminal_new", args=[lead.pk])
    data = {
        "team": [insider.pk, second_handler.pk],
        "police": cast.police.pk,
        "suspected_offence": "串通投标罪",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 409
    assert CriminalReferral.objects.count() == 1


def test_a_liaison_of_the_agency_may_not_start_one(client_for, lead, agency):
    liaison = MembershipFactory(agency=agency, role=Membership.Role.LIAISON).user
    assert client_for(liaison).get(reverse("cases:criminal_new", args=[lead.pk])).status_code == 403


# The whole path through the pages ----------------------------------------------------------------------------------


def test_the_whole_path_through_the_pages(client_for, criminal, team, colleague, cast):
    page = client_for(team[0]).get(criminal.get_absolute_url())
    assert page.status_code == 200
    assert 'data-step="submit"' in page.text

    def as_(user):
        return client_for(user)

    report = SimpleUploadedFile("专案组书面报告.pdf", PDF + b"criminal")
    assert post_step(as_(team[1]), criminal, "submit", report=report).status_code == 302
    assert post_step(as_(team[0]), criminal, "approve").status_code == 403  # the head decides
    head = as_(colleague)
    assert 'data-step="approve"' in head.get(criminal.get_absolute_url()).text
    assert post_step(head, criminal, "refuse", reasons="").status_code == 400
    assert post_step(head, criminal, "approve").status_code == 302
    assert state_of(criminal) == State.APPROVED
    # The police see nothing until the transfer.
    assert as_(cast.police_handler).get(criminal.get_absolute_url()).status_code == 404
    assert post_step(as_(team[0]), criminal, "transfer", investigation_report="").status_code == 400
    response = post_step(
        as_(team[0]),
        criminal,
        "transfer",
        investigation_report="on",
        items_list="on",
        other_materials="询问笔录",
    )
    assert response.status_code == 302
    police_page = as_(cast.police_handler).get(criminal.get_absolute_url()).text
    letter = Document.objects.get(title="涉嫌犯罪案件移送书")
    assert letter.number in police_page
    assert letter.verification_code in police_page
    assert 'data-step="receive"' in police_page
    assert post_step(as_(cast.police_handler), criminal, "receive").status_code == 302
    assert post_step(as_(cast.police_handler), criminal, "decline", reasons="证据不足。").status_code == 403
    assert post_step(as_(cast.police_head), criminal, "decline", reasons=" ").status_code == 400
    assert post_step(as_(cast.police_head), criminal, "decline", reasons="证据不足。").status_code == 302
    assert (
        post_step(as_(team[1]), criminal, "request_reconsideration", grounds="有串通故意。").status_code
        == 302
    )
    assert post_step(as_(cast.police_head), criminal, "uphold", reasons="仍证据不足。").status_code == 302
    assert as_(cast.prosecutor).get(criminal.get_absolute_url()).status_code == 404
    response = post_step(
        as_(team[0]),
        criminal,
        "request_supervision",
        procuratorate=cast.procuratorate.pk,
        grounds="应当立案。",
    )
    assert response.status_code == 302
    prosecutor_page = as_(cast.prosecutor).get(criminal.get_absolute_url())
    assert prosecutor_page.status_code == 200
    assert 'data-step="' not in prosecutor_page.text  # it reads; it takes no step here
    assert post_step(as_(cast.police_head), criminal, "open_case").status_code == 302
    assert post_step(as_(team[0]), criminal, "hand_over", note="").status_code == 400
    assert post_step(as_(team[0]), criminal, "hand_over", note="投标文件原件12册。").status_code == 302
    assert state_of(criminal) == State.HANDED_OVER
    # Each side sees the other's steps in the trail, the documents and the met clocks.
    page = as_(team[0]).get(criminal.get_absolute_url()).text
    for document in Document.objects.filter(object_id=criminal.pk, content_type__model="criminalreferral"):
        assert document.number in page
    assert "C12" in page
    police_page = in_english(as_(cast.police_head)).get(criminal.get_absolute_url()).text
    assert "Transfer to the police approved" in police_page  # the agency's step, in the police's trail
    assert set(
        AuditEvent.objects.filter(object_id=criminal.pk, action__startswith="criminal_").values_list(
            "agency_id", flat=True
        )
    ) == {criminal.agency_id, cast.police.pk}


def test_the_page_shows_the_clocks_and_the_team(client_for, criminal, team, colleague, cast):
    advance(criminal, State.APPROVED, team=team, head=colleague, cast=cast)
    page = in_english(client_for(team[0])).get(criminal.get_absolute_url()).text
    assert "C3" in page
    assert "hours left" in page  # the 24-hour clock counts hours
    assert page.count('class="team-member"') == 2


def test_a_button_only_step_refused_by_a_rule_shows_the_page_with_400(client_for, criminal, agency, team):
    head_on_team = MembershipFactory(agency=agency, role=Membership.Role.HEAD).user
    criminal.team.add(head_on_team)
    criminal = advance(criminal, State.AWAITING_DECISION, team=team, head=None, cast=None)
    response = post_step(client_for(head_on_team), criminal, "approve")
    assert response.status_code == 400
    assert state_of(criminal) == State.AWAITING_DECISION


# Stale and double clicks --------------------------------------------------------------------------------------------


def test_a_stale_click_gets_409_and_changes_nothing(client_for, criminal, team, colleague, cast):
    criminal = advance(criminal, State.AWAITING_DECISION, team=team, head=colleague, cast=cast)
    token = CriminalReferral.objects.get(pk=criminal.pk).page_token
    client = client_for(colleague)
    url = reverse("cases:criminal_step", args=[criminal.pk, "approve"])
    assert client.post(url, {"seen_state": token}).status_code == 302
    second = client.post(url, {"seen_state": token})
    assert second.status_code == 409
    assert criminal.get_absolute_url() in second.text
    refused = client.post(
        reverse("cases:criminal_step", args=[criminal.pk, "refuse"]),
        {"seen_state": token, "reasons": "不批准。"},
    )
    assert refused.status_code == 409
    assert state_of(criminal) == State.APPROVED
    assert AuditEvent.objects.filter(object_id=criminal.pk, action="criminal_approved").count() == 1


@transactional
def test_two_heads_clicking_approve_at_once_make_one_transition(
    lead, agency, insider, second_handler, colleague
):
    cast = make_cast(agency.region)
    criminal = advance(
        start(lead, insider, [insider, second_handler], cast.police),
        State.AWAITING_DECISION,
        team=[insider, second_handler],
        head=colleague,
        cast=cast,
    )
    heads = iter([colleague, MembershipFactory(agency=agency, role=Membership.Role.HEAD).user])
    token = CriminalReferral.objects.get(pk=criminal.pk).page_token

    def click():
        client = Client()
        client.force_login(next(heads))
        url = reverse("cases:criminal_step", args=[criminal.pk, "approve"])
        return client.post(url, {"seen_state": token}).status_code

    assert sorted(run_concurrently(click, times=2)) == [302, 409]
    assert state_of(criminal) == State.APPROVED
    assert AuditEvent.objects.filter(object_id=criminal.pk, action="criminal_approved").count() == 1


# Outsiders ----------------------------------------------------------------------------------------------------------


def test_outsiders_get_404_on_every_criminal_view(
    client_for, criminal, team, colleague, cast, lead, stranger, outsider, supervisor, foreign_supervisor
):
    criminal = advance(criminal, State.RECEIVED, team=team, head=colleague, cast=cast)
    gets = [
        reverse("cases:criminal", args=[criminal.pk]),
        reverse("cases:criminal_new", args=[lead.pk]),
        reverse("cases:criminal_lead_card", args=[lead.pk]),
    ]
    posts = [reverse("cases:criminal_step", args=[criminal.pk, step]) for step in ("open_case", "hand_over")]
    # The region's supervisor sees the lead, but not its criminal referral: the two sides only.
    assert client_for(supervisor).get(lead.get_absolute_url()).status_code == 200
    for user in (stranger, outsider, supervisor, foreign_supervisor, cast.prosecutor):
        client = client_for(user)
        for url in gets:
            assert client.get(url).status_code == 404, (user, url)
        for url in posts:
            assert client.post(url, {"seen_state": criminal.page_token}).status_code == 404, (user, url)


def test_the_police_do_not_see_the_lead_side(client_for, criminal, team, colleague, cast, lead):
    advance(criminal, State.TRANSFERRED, team=team, head=colleague, cast=cast)
    client = client_for(cast.police_head)
    assert client.get(criminal.get_absolute_url()).status_code == 200
    assert client.get(reverse("cases:criminal_new", args=[lead.pk])).status_code == 404
    assert client.get(reverse("cases:criminal_lead_card", args=[lead.pk])).status_code == 404
    assert client.get(lead.get_absolute_url()).status_code == 404


def test_the_supervisors_lead_page_has_no_card(client_for, criminal, supervisor, lead):
    page = client_for(supervisor).get(lead.get_absolute_url()).text
    assert reverse("cases:criminal_lead_card", args=[lead.pk]) not in page
    assert criminal.get_absolute_url() not in page


def test_an_unknown_step_is_refused_and_steps_are_post_only(client_for, criminal, insider):
    client = client_for(insider)
    assert client.post(reverse("cases:criminal_step", args=[criminal.pk, "delete"])).status_code == 403
    assert client.get(reverse("cases:criminal_step", args=[criminal.pk, "submit"])).status_code == 405


def test_the_page_takes_as_many_queries_with_more_documents_events_and_clocks(
    client_for, criminal, team, colleague, cast
):
    def queries(user) -> int:
        client = client_for(user)
        client.get(criminal.get_absolute_url())  # sessions and the like settled
        with CaptureQueriesContext(connection) as captured:
            assert client.get(criminal.get_absolute_url()).status_code == 200
        return len(captured)

    criminal = advance(criminal, State.TRANSFERRED, team=team, head=colleague, cast=cast)
    early = queries(cast.police_head)
    criminal = advance(criminal, State.SUPERVISION, team=team, head=colleague, cast=cast)
    criminal = steps.criminal_open_case(actor=cast.police_head, criminal=criminal)
    criminal = steps.criminal_hand_over(actor=team[0], criminal=criminal, note="投标文件原件。")
    assert queries(cast.police_head) == early


def test_the_criminal_list_and_my_tasks_show_each_side_its_own(
    client_for, criminal, team, insider, colleague, cast, supervisor
):
    url = reverse("cases:criminal_list")
    assert criminal.lead.project.name in client_for(insider).get(url).text
    assert criminal.lead.project.name not in client_for(supervisor).get(url).text
    [task] = [task for task in tasks_for(insider, criminal.agency) if task.url == criminal.get_absolute_url()]
    assert task.label == "提交书面报告"
    assert not [
        task for task in tasks_for(colleague, criminal.agency) if task.url == criminal.get_absolute_url()
    ]
    criminal = advance(criminal, State.TRANSFERRED, team=team, head=colleague, cast=cast)
    police_tasks = tasks_for(cast.police_handler, cast.police)
    assert [task.label for task in police_tasks if task.url == criminal.get_absolute_url()] == ["签收"]


def test_the_supervisor_sees_the_clocks_timing_but_neither_documents_nor_what_they_concern(
    client_for, criminal, team, colleague, cast, supervisor, insider
):
    from deadlines.models import Deadline
    from documents.models import Document

    criminal = advance(criminal, State.TRANSFERRED, team=team, head=colleague, cast=cast)
    letter = Document.objects.get(pk=criminal.transfer_letter_id)
    assert letter.confidential
    assert client_for(supervisor).get(letter.get_absolute_url()).status_code == 404
    assert client_for(cast.police_handler).get(letter.get_absolute_url()).status_code == 200
    clock = Deadline.objects.filter(object_id=criminal.pk, rule__code="C3").get()
    assert clock.confidential
    page = client_for(supervisor).get(reverse("deadlines:detail", args=[clock.pk]))
    assert page.status_code == 200
    assert criminal.suspected_offence not in page.text
    own = client_for(insider).get(reverse("deadlines:detail", args=[clock.pk]))
    assert criminal.suspected_offence in own.text


def test_the_team_report_stays_with_the_agency_although_filed_among_the_leads_evidence(
    client_for, approved, insider, team, colleague, cast, other_agency, receiver_handler, supervisor
):
    from .test_referral import send

    send(approved, insider, other_agency)
    criminal = advance(
        start(approved, insider, team, cast.police),
        State.AWAITING_DECISION,
        team=team,
        head=colleague,
        cast=cast,
    )
    report = criminal.report
    url = reverse("cases:evidence", args=[report.pk])
    assert client_for(insider).get(url).status_code == 200
    assert report.original_name in client_for(insider).get(approved.get_absolute_url()).text
    # The region's supervisor and the agency the lead was referred to see the lead and its other files, not this.
    for user in (supervisor, receiver_handler):
        client = client_for(user)
        page = client.get(approved.get_absolute_url()).text
        assert approved.report.original_name in page
        assert report.original_name not in page
        assert client.get(url).status_code == 404
        assert client.get(reverse("cases:evidence", args=[approved.report.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["insider", "supervisor", "receiver_handler", "admin_user"])
def test_a_leads_files_read_for_its_page_are_the_visible_ones(
    request, approved, insider, team, colleague, cast, other_agency, persona
):
    from cases.models import Evidence

    from .test_referral import send

    send(approved, insider, other_agency)
    advance(
        start(approved, insider, team, cast.police),
        State.AWAITING_DECISION,
        team=team,
        head=colleague,
        cast=cast,
    )
    user = request.getfixturevalue(persona)
    assert approved.evidence.count() == 2  # the lead's written report, and the team's report filed beside it
    expected = set(Evidence.objects.visible_to(user).filter(lead=approved))
    assert set(approved.evidence.of_a_visible_lead(user)) == expected
    assert len(expected) == (2 if persona in ("insider", "admin_user") else 1)


def test_a_step_the_role_never_takes_is_refused_before_its_form_is_read(
    client_for, criminal, team, colleague, cast
):
    criminal = advance(criminal, State.SUPERVISION, team=team, head=colleague, cast=cast)
    # Empty reasons would be a form error (400) for those who may: these never may, so 403 and nothing shown.
    for user, step in (
        (cast.police_handler, "decline"),
        (cast.police_handler, "refuse"),
        (cast.prosecutor, "uphold"),
    ):
        response = post_step(client_for(user), criminal, step, reasons="")
        assert response.status_code == 403, (user, step)
    assert state_of(criminal) == State.SUPERVISION


def test_the_list_pages_to_the_oldest(client_for, lead, insider, cast):
    leads = Lead.objects.bulk_create(
        Lead(agency=lead.agency, source=lead.source, project=lead.project, facts="事实。",
             discovered_on=lead.discovered_on, created_by=insider)
        for _ in range(PAGE + 1)
    )  # fmt: skip
    CriminalReferral.objects.bulk_create(
        CriminalReferral(lead=each, agency=lead.agency, police=cast.police, suspected_offence=f"第{n}号罪名",
                         created_by=insider)
        for n, each in enumerate(leads)
    )  # fmt: skip
    client, url = client_for(insider), reverse("cases:criminal_list")
    first = client.get(url).text
    assert "第0号罪名" not in first  # the oldest: newest first, and one too many for a page
    assert 'href="?page=2"' in first
    assert "第0号罪名" in client.get(url, {"page": 2}).text
