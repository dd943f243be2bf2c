"""The case list and a lead's page: what members, supervisors and outsiders see."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from cases.workflows import lead_verify

from .files import PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(file_lead, insider):
    lead = file_lead([SimpleUploadedFile("雷同分析.pdf", PDF)])
    lead_verify(actor=insider, lead=lead, findings="比对投标文件，雷同属实。")
    return lead


def test_the_list_shows_my_agencys_cases(client_for, insider, outsider, lead):
    assert lead.project.name in client_for(insider).get(reverse("cases:list")).text
    assert lead.project.name not in client_for(outsider).get(reverse("cases:list")).text


def test_the_lead_page_shows_clock_evidence_verification_and_trail(client_for, insider, lead):
    text = client_for(insider).get(reverse("cases:lead", args=[lead.pk])).text
    for shown in (
        "L2 完成案件移送",
        "雷同分析.pdf",
        "比对投标文件，雷同属实。",
        "登记线索",
        "核实",
        "某建设集团有限公司",
    ):
        assert shown in text


def test_the_report_form_waits_for_a_second_verifier(client_for, insider, second_handler, lead):
    submit = reverse("cases:lead_step", args=[lead.pk, "submit"])
    page = client_for(insider).get(reverse("cases:lead", args=[lead.pk])).text
    assert submit not in page  # one verification: lead_submit would refuse the report
    assert "待另一名同事记录核实情况后，方可报送书面报告。" in page
    lead_verify(actor=second_handler, lead=lead, findings="复核属实。")
    page = client_for(insider).get(reverse("cases:lead", args=[lead.pk])).text
    assert submit in page
    assert "待另一名同事记录核实情况后" not in page


def test_the_amount_is_grouped_by_thousands_in_both_languages(client_for, insider, lead):
    from decimal import Decimal

    lead.project.amount = Decimal("1280000")
    lead.project.save(update_fields=["amount"])
    client = client_for(insider)
    assert "1,280,000.00 元" in client.get(reverse("cases:lead", args=[lead.pk])).text
    client.post(reverse("set_language"), {"language": "en"})
    assert "1,280,000.00 yuan" in client.get(reverse("cases:lead", args=[lead.pk])).text


def test_supervisor_sees_the_lead(client_for, supervisor, lead):
    assert client_for(supervisor).get(reverse("cases:lead", args=[lead.pk])).status_code == 200


def test_outsider_gets_404_on_the_lead_and_its_evidence(client_for, outsider, lead):
    client = client_for(outsider)
    assert client.get(reverse("cases:lead", args=[lead.pk])).status_code == 404
    assert client.get(reverse("cases:evidence", args=[lead.evidence.get().pk])).status_code == 404


def test_evidence_downloads_are_recorded(client_for, insider, lead):
    evidence = lead.evidence.get()
    response = client_for(insider).get(reverse("cases:evidence", args=[evidence.pk]))
    assert b"".join(response.streaming_content) == PDF
    assert AuditEvent.objects.filter(action="evidence_downloaded", object_id=lead.pk).exists()


def test_evidence_gone_from_the_storage_is_404_logged_and_not_recorded(client_for, insider, lead, caplog):
    evidence = lead.evidence.get()
    evidence.file.storage.delete(evidence.file.name)
    response = client_for(insider).get(reverse("cases:evidence", args=[evidence.pk]))
    assert response.status_code == 404
    assert any(r.levelname == "ERROR" and evidence.file.name in r.getMessage() for r in caplog.records)
    assert not AuditEvent.objects.filter(action="evidence_downloaded").exists()


def test_anonymous_is_sent_to_login(client, lead):
    assert client.get(reverse("cases:lead", args=[lead.pk])).status_code == 302


def test_the_lead_page_query_count_does_not_grow_with_clocks_or_events(
    client_for, insider, agency, lead, django_assert_max_num_queries
):
    client = client_for(insider)
    client.get(reverse("cases:lead", args=[lead.pk]))
    with django_assert_max_num_queries(30):
        client.get(reverse("cases:lead", args=[lead.pk]))


def test_my_tasks_list_the_steps_each_person_may_take(client_for, insider, lead, agency):
    from tests.factories import MembershipFactory

    second = MembershipFactory(agency=agency, user__username="second").user
    text = client_for(second).get("/").text
    assert f'href="{lead.get_absolute_url()}" class="fw-semibold">核实</a>' in text
    insider_text = client_for(insider).get("/").text
    assert (
        f'href="{lead.get_absolute_url()}" class="fw-semibold">核实</a>' not in insider_text
    )  # verified already
    assert f'href="{lead.get_absolute_url()}" class="fw-semibold">提交书面报告</a>' in insider_text


def test_a_tasks_clock_is_not_listed_again_below_and_a_case_without_clocks_says_no_more(
    client_for, insider, lead, agency
):
    from deadlines.models import Deadline

    (clock,) = Deadline.objects.filter(agency=agency)  # L2, the task's: submit the written report
    text = client_for(insider).get("/").text
    assert text.count(f"L2 {clock.rule.name}") == 1  # with the task, not again among the agency's clocks
    assert "本单位其他运行中的时限" not in text
    assert "暂无待办事项" not in text
    Deadline.objects.all().delete()
    page = client_for(insider).get(lead.get_absolute_url()).text
    assert "暂无运行中的时限。" in page
    assert "暂无待办事项" not in page  # the home page's words, not the case's


def test_a_task_without_a_clock_says_so_where_the_others_show_their_countdown(client_for, insider, lead):
    from deadlines.models import Deadline

    Deadline.objects.all().delete()  # e.g. a lead filed before the clocks were configured
    text = client_for(insider).get("/").text
    assert '<span class="clock-badge clock-badge-none">无时限要求</span><div><a href="' in text


def test_the_receiving_agency_sees_a_lead_referred_to_it(file_lead, other_agency):
    from cases.models import Lead, Referral
    from documents.models import Document
    from tests.factories import MembershipFactory

    lead = file_lead([])
    receiver = MembershipFactory(agency=other_agency).user
    assert not Lead.objects.visible_to(receiver).filter(pk=lead.pk).exists()
    letter = Document.objects.create(
        kind="letter", agency=lead.agency, series="函", year=2026, sequence=99, number="测函〔2026〕99号",
        title="函", issued_on="2026-11-23",
    )  # fmt: skip
    Referral.objects.create(
        lead=lead, sender=lead.agency, receiver=other_agency, destination="supervisory", method="direct",
        legal_basis="依据", letter=letter, sent_by=lead.created_by, sent_at="2026-11-23T10:00+08:00",
    )  # fmt: skip
    assert Lead.objects.visible_to(receiver).filter(pk=lead.pk).exists()


def test_an_earlier_receiver_does_not_follow_the_leads_later_history(
    client_for, approved, insider, other_agency, receiver_handler, receiver_head, agency
):
    from audit.services import audit_record
    from cases.workflows import referral_receive, referral_return

    from .test_referral import send

    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
    referral_return(actor=receiver_head, referral=referral, reasons="不属本部门职责。")
    audit_record(actor=insider, action="lead_verified", obj=approved, agency=agency)  # the sender, afterwards
    mine = [e.event.action for e in client_for(insider).get(approved.get_absolute_url()).context["timeline"]]
    theirs = [
        e.event.action
        for e in client_for(receiver_handler).get(approved.get_absolute_url()).context["timeline"]
    ]
    assert mine[-1] == "lead_verified"
    assert theirs[-1] != "lead_verified"
    assert "referral_returned" in theirs
