"""The coordinator designates the competent agency for a lead returned twice (指定管辖, issue 5 point 4): who may,
when, what it issues and tells, and what it binds (the next referral goes there and is not returned)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from agencies.models import Agency, Membership
from audit.models import AuditEvent
from cases.models import Lead, Referral
from cases.workflows import (
    lead_designate,
    referral_accept,
    referral_forward,
    referral_receive,
    referral_return,
    referral_send,
)
from documents.models import Document
from notifications.models import Notification
from tests.concurrency import run_concurrently, transactional
from tests.factories import AgencyFactory, MembershipFactory

from .test_referral import MATERIALS, send

pytestmark = pytest.mark.django_db

REASONS = "该项目的监督职责属水利部门，由水利局依法查处。"


@pytest.fixture
def returned_twice(approved, insider, other_agency, receiver_handler, receiver_head, supervisor):
    """The lead of test_referral's test_a_lead_returned_twice_is_flagged_for_the_coordinator: returned twice."""
    for reasons in ("不属本局职责。", "仍不属本局职责。"):
        referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
        referral_return(actor=receiver_head, referral=referral, reasons=reasons)
    approved.refresh_from_db()
    assert approved.needs_designation is True
    return approved


def test_the_supervisors_notice_of_the_flag_leads_to_the_form(returned_twice, supervisor):
    notice = Notification.objects.get(recipient=supervisor, key=f"lead:{returned_twice.pk}:needs-designation")
    assert notice.url == returned_twice.get_absolute_url()


@pytest.fixture
def designee(region):
    return AgencyFactory(region=region, name="宣恩县水利和湖泊局", doc_prefix="宣水")


@pytest.fixture
def designee_head(designee):
    return MembershipFactory(agency=designee, role=Membership.Role.HEAD, user__username="water_head").user


@pytest.fixture
def designee_handler(designee):
    return MembershipFactory(
        agency=designee, role=Membership.Role.HANDLER, user__username="water_handler"
    ).user


def designate(lead, actor, agency, reasons=REASONS, **kwargs):
    return lead_designate(actor=actor, lead=lead, agency=agency, reasons=reasons, **kwargs)


def refer(lead, actor, receiver):
    return referral_send(
        actor=actor,
        lead=lead,
        receiver=receiver,
        destination=Referral.Destination.SUPERVISORY,
        method=Referral.Method.DIRECT,
        legal_basis="《中华人民共和国招标投标法实施条例》第四条",
        materials=MATERIALS,
    )


# The workflow ----------------------------------------------------------------------------------------------------


def test_the_supervisor_designates_the_competent_agency(
    returned_twice, supervisor, coordinator, designee, designee_head, designee_handler, insider, colleague
):
    lead = designate(returned_twice, supervisor, designee)
    lead = Lead.objects.get(pk=lead.pk)
    assert lead.needs_designation is False
    assert (lead.designated_agency, lead.designated_by) == (designee, supervisor)
    assert lead.designated_at is not None
    assert lead.designation_reasons == REASONS
    notice = lead.designation_document
    assert (notice.kind, notice.agency, notice.addressee) == (Document.Kind.CIRCULAR, coordinator, designee)
    assert notice.number == f"{coordinator.doc_prefix}发〔{notice.year}〕1号"
    assert (notice.content_type.model, notice.object_id) == ("lead", lead.pk)
    assert notice.title == "关于指定宣恩县某道路改造工程有关问题线索管辖的通知"
    body = "".join(notice.context["body"])
    assert "宣恩县某道路改造工程" in body
    assert body.count("经宣恩县交通运输局审查后退回") == 2
    assert "退回理由：不属本局职责）" in body  # the two returns' reasons
    assert "退回理由：仍不属本局职责）" in body
    assert f"现指定宣恩县水利和湖泊局管辖该线索。指定理由：{REASONS}" in body
    for person in (designee_head, designee_handler, insider, colleague):
        assert Notification.objects.filter(
            recipient=person, key__startswith=f"lead:{lead.pk}:designated:"
        ).exists()
    event = AuditEvent.objects.get(action="designated", object_id=lead.pk, content_type__model="lead")
    assert (event.actor, event.agency, event.role) == (supervisor, lead.agency, Membership.Role.SUPERVISOR)
    assert event.payload["number"] == notice.number
    assert event.payload["designated"] == designee.name


@pytest.mark.parametrize("who", ["insider", "colleague", "outsider", "receiver_head", "foreign_supervisor"])
def test_only_a_supervisor_over_the_region_may_designate(returned_twice, designee, who, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        designate(returned_twice, actor, designee)
    returned_twice.refresh_from_db()
    assert (returned_twice.needs_designation, returned_twice.designated_agency) == (True, None)
    assert not Document.objects.filter(kind=Document.Kind.CIRCULAR).exists()


def test_a_supervisor_whose_membership_ended_is_refused(returned_twice, supervisor, designee):
    from agencies.querysets import supervised_region_ids

    supervised_region_ids(supervisor)  # cached on the user object, as a request would have it
    Membership.objects.filter(user=supervisor).update(is_active=False)
    with pytest.raises(PermissionDenied):
        designate(returned_twice, supervisor, designee)


def test_no_designation_without_the_flag(approved, supervisor, designee):
    with pytest.raises(ValidationError, match="该线索无需指定管辖"):
        designate(approved, supervisor, designee)
    approved.refresh_from_db()
    assert approved.designated_agency is None


def test_the_agency_must_be_an_active_one_of_the_jurisdiction_other_than_the_leads(
    returned_twice, supervisor, agency, foreign_agency
):
    inactive = AgencyFactory(region=agency.region, name="宣恩县原林业局", is_active=False)
    for wrong in (agency, foreign_agency, inactive):
        with pytest.raises(ValidationError, match="请选择本辖区内"):
            designate(returned_twice, supervisor, wrong)
    with pytest.raises(ValidationError, match="请写明指定该单位管辖的理由"):
        designate(returned_twice, supervisor, AgencyFactory(region=agency.region), reasons=" ")
    returned_twice.refresh_from_db()
    assert returned_twice.needs_designation is True


def test_a_page_out_of_date_is_a_conflict(returned_twice, supervisor, designee):
    from django_fsm import ConcurrentTransition

    with pytest.raises(ConcurrentTransition):
        designate(returned_twice, supervisor, designee, seen_state="approved.0")


def test_the_next_referral_must_go_to_the_designated_agency(
    returned_twice, supervisor, insider, other_agency, designee
):
    designate(returned_twice, supervisor, designee)
    lead = Lead.objects.get(pk=returned_twice.pk)
    assert lead.designated_receiver_id() == designee.pk
    with pytest.raises(ValidationError, match="协调机构已指定宣恩县水利和湖泊局管辖该线索"):
        refer(lead, insider, other_agency)
    referral = refer(lead, insider, designee)
    assert referral.receiver == designee
    assert Lead.objects.get(pk=lead.pk).designated_receiver_id() is None  # the designation bound that one


def test_the_designated_agency_cannot_return_the_referral(
    returned_twice, supervisor, insider, designee, designee_head, designee_handler
):
    designate(returned_twice, supervisor, designee)
    referral = refer(Lead.objects.get(pk=returned_twice.pk), insider, designee)
    referral = referral_receive(actor=designee_handler, referral=referral)
    with pytest.raises(ValidationError, match="该线索已由协调机构指定你单位管辖，不得退回"):
        referral_return(actor=designee_head, referral=referral, reasons="不属本局职责。")
    referral.refresh_from_db()
    assert referral.state == Referral.State.RECEIVED
    assert referral_accept(actor=designee_head, referral=referral).state == Referral.State.ACCEPTED


def test_the_designated_agency_may_still_forward_to_another_level(
    returned_twice, supervisor, insider, designee, designee_head, designee_handler, upper_region
):
    competent = AgencyFactory(region=upper_region, name="恩施州水利和湖泊局", doc_prefix="恩水")
    designate(returned_twice, supervisor, designee)
    referral = refer(Lead.objects.get(pk=returned_twice.pk), insider, designee)
    referral = referral_receive(actor=designee_handler, referral=referral)
    referral = referral_forward(actor=designee_head, referral=referral, competent=competent)
    assert referral.forwarded_to.receiver == competent


def test_a_return_after_a_designation_alone_does_not_flag_the_lead_again(
    returned_twice, supervisor, insider, designee, designee_head, designee_handler, upper_region
):
    """Only returns since the designation count: the two before it were decided on."""
    designate(returned_twice, supervisor, designee)
    lead = Lead.objects.get(pk=returned_twice.pk)
    assert lead.returns_counted().count() == 0
    referral = referral_receive(actor=designee_handler, referral=refer(lead, insider, designee))
    referral = referral_forward(
        actor=designee_head,
        referral=referral,
        competent=AgencyFactory(region=upper_region, name="恩施州水利和湖泊局", doc_prefix="恩水"),
    )
    upper_head = MembershipFactory(agency=referral.forwarded_to.receiver, role=Membership.Role.HEAD).user
    onward = referral_receive(actor=upper_head, referral=referral.forwarded_to)
    referral_return(actor=upper_head, referral=onward, reasons="不属州级管辖。")
    lead = Lead.objects.get(pk=lead.pk)
    assert (lead.state, lead.needs_designation) == (Lead.State.APPROVED, False)  # one return since: not yet


@transactional
def test_two_designations_at_once_give_one(returned_twice, supervisor, designee, region):
    other = AgencyFactory(region=region, name="宣恩县自然资源和规划局", doc_prefix="宣自")

    def designate_one(agency):
        return lambda: designate(Lead.objects.get(pk=returned_twice.pk), supervisor, agency)

    choices = iter([designee, other])
    results = run_concurrently(lambda: designate_one(next(choices))(), times=2)
    assert sorted(type(result).__name__ for result in results) == ["Lead", "ValidationError"]
    assert Document.objects.filter(kind=Document.Kind.CIRCULAR).count() == 1
    assert AuditEvent.objects.filter(action="designated").count() == 1
    lead = Lead.objects.get(pk=returned_twice.pk)
    assert lead.designation_document == Document.objects.get(kind=Document.Kind.CIRCULAR)


# The page --------------------------------------------------------------------------------------------------------


def designate_url(lead):
    return reverse("cases:designate", args=[lead.pk])


def post_designation(client, lead, agency, reasons=REASONS, seen_state=None):
    lead.refresh_from_db()
    data = {
        "seen_state": seen_state or lead.page_token,
        "agency": agency.pk if agency else "",
        "reasons": reasons,
    }
    return client.post(designate_url(lead), data)


def test_the_page_shows_the_form_only_to_the_supervisor(
    client_for,
    returned_twice,
    supervisor,
    insider,
    colleague,
    receiver_head,
    designee,
    agency,
    foreign_agency,
):
    page = client_for(supervisor).get(returned_twice.get_absolute_url()).text
    assert designate_url(returned_twice) in page
    assert 'id="id_designate_agency"' in page
    form = page[
        page.index('id="id_designate_agency"') : page.index(
            "</select>", page.index('id="id_designate_agency"')
        )
    ]
    assert designee.name in form
    assert "宣恩县交通运输局" in form
    assert agency.name not in form
    assert foreign_agency.name not in form
    for person in (insider, colleague, receiver_head):
        page = client_for(person).get(returned_twice.get_absolute_url()).text
        assert designate_url(returned_twice) not in page, person


def test_no_form_without_the_flag(client_for, approved, supervisor):
    page = client_for(supervisor).get(approved.get_absolute_url()).text
    assert designate_url(approved) not in page


def test_the_supervisor_designates_on_the_page_and_everyone_sees_it(
    client_for, returned_twice, supervisor, insider, designee, designee_handler
):
    response = post_designation(client_for(supervisor), returned_twice, designee)
    assert response.status_code == 302
    assert response.url == returned_twice.get_absolute_url()
    lead = Lead.objects.get(pk=returned_twice.pk)
    number = lead.designation_document.number
    page = client_for(supervisor).get(lead.get_absolute_url()).text
    assert designate_url(lead) not in page  # done: no form any more
    assert 'id="designation"' in page
    assert designee.name in page
    assert number in page
    assert lead.designation_document.get_absolute_url() in page  # the coordinator opens its own notice
    page = client_for(insider).get(lead.get_absolute_url()).text
    assert 'id="designation"' in page
    assert number in page
    # The lead's agency is not a party to the notice: it gets the notice's public verification page.
    assert reverse("portal:verify_code", args=[lead.designation_document.verification_code]) in page
    # The referral form proposes the designated agency, and only it.
    form = client_for(insider).get(reverse("cases:refer", args=[lead.pk])).text
    assert 'id="designated-receiver"' in form
    receiver = form[form.index('name="receiver"') : form.index("</select>", form.index('name="receiver"'))]
    assert designee.name in receiver
    assert "宣恩县交通运输局" not in receiver
    assert "selected" in receiver
    # Once referred, the designated agency sees the designation on the lead, and no button to return it.
    referral = refer(lead, insider, designee)
    referral_receive(actor=designee_handler, referral=referral)
    head = MembershipFactory(agency=designee, role=Membership.Role.HEAD).user
    page = client_for(head).get(lead.get_absolute_url()).text
    assert 'id="designation"' in page
    assert lead.designation_document.get_absolute_url() in page
    assert 'data-step="accept"' in page
    assert 'data-step="return"' not in page
    assert (
        client_for(head)
        .post(
            reverse("cases:referral_step", args=[referral.pk, "return"]),
            {"seen_state": Referral.objects.get(pk=referral.pk).page_token, "reasons": "不属本局职责。"},
        )
        .status_code
        == 400
    )


def test_a_wrong_form_keeps_the_input_and_says_what_is_wrong(client_for, returned_twice, supervisor):
    response = post_designation(client_for(supervisor), returned_twice, None, reasons="理由写在这里")
    assert response.status_code == 400
    assert "这个字段是必填项" in response.text
    assert "理由写在这里" in response.text
    assert Lead.objects.get(pk=returned_twice.pk).needs_designation is True


def test_a_second_click_gets_the_conflict_page(client_for, returned_twice, supervisor, designee):
    client = client_for(supervisor)
    returned_twice.refresh_from_db()
    seen = returned_twice.page_token
    assert post_designation(client, returned_twice, designee, seen_state=seen).status_code == 302
    response = post_designation(client, returned_twice, designee, seen_state=seen)
    assert response.status_code == 409
    assert Document.objects.filter(kind=Document.Kind.CIRCULAR).count() == 1


@pytest.mark.parametrize("who", ["insider", "colleague", "receiver_head"])
def test_those_who_see_the_lead_but_do_not_supervise_get_403(
    client_for, returned_twice, designee, who, request
):
    response = post_designation(client_for(request.getfixturevalue(who)), returned_twice, designee)
    assert response.status_code == 403
    assert Lead.objects.get(pk=returned_twice.pk).needs_designation is True


def test_those_who_cannot_see_the_lead_get_404(client_for, returned_twice, designee, foreign_supervisor):
    assert post_designation(client_for(foreign_supervisor), returned_twice, designee).status_code == 404
    # the designated agency, before anything was referred to it, does not see the lead either
    stranger = MembershipFactory(agency=designee, role=Membership.Role.HEAD).user
    assert post_designation(client_for(stranger), returned_twice, designee).status_code == 404


def test_a_get_is_not_a_designation(client_for, returned_twice, supervisor):
    assert client_for(supervisor).get(designate_url(returned_twice)).status_code == 405


def test_the_designation_agency_choices_are_the_jurisdictions(returned_twice, supervisor, designee):
    from cases.destinations import designation_candidates
    from cases.permissions import supervised_regions

    names = set(
        designation_candidates(returned_twice, supervised_regions(supervisor)).values_list("name", flat=True)
    )
    assert designee.name in names
    assert returned_twice.agency.name not in names
    assert all(Agency.objects.get(name=name).is_active for name in names)


def test_the_lead_page_stays_within_its_query_budget_with_the_form_and_the_designation(
    client_for, returned_twice, supervisor, insider, designee, django_assert_max_num_queries
):
    """The same budget as tests/cases/test_pages.py: the form's choices and the designation are a query or two."""

    def within_budget(person):
        client = client_for(person)
        client.get(returned_twice.get_absolute_url())
        with django_assert_max_num_queries(30):
            client.get(returned_twice.get_absolute_url())

    within_budget(supervisor)  # with the form
    designate(returned_twice, supervisor, designee)
    within_budget(supervisor)  # the designation, its notice readable
    within_budget(insider)  # the designation, its notice by its verification code
