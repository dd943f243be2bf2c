"""Credit repair: applied for at the issuing agency, decided by its head; the record leaves publication, kept."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from credit.models import CreditRecord
from credit.standing import standing_of
from credit.workflows import repair_apply, repair_decide

TODAY = datetime.date(2026, 6, 10)


@pytest.fixture
def record(make_record, entity):
    return make_record(entity, decided_on=datetime.date(2026, 6, 1))


def test_an_approved_repair_takes_the_record_out_of_publication_and_the_score(
    record, entity, insider, colleague
):
    assert CreditRecord.objects.public(TODAY).filter(pk=record.pk).exists()
    application = repair_apply(
        actor=insider, record=record, applicant="某建设集团有限公司", reasons="已整改到位"
    )
    with pytest.raises(ValidationError) as error:
        repair_apply(actor=insider, record=record, applicant="x", reasons="y")
    assert error.value.code == "repair_open"
    application = repair_decide(
        actor=colleague, application=application, approve=True, note="整改到位，同意修复"
    )
    record = CreditRecord.objects.get(pk=record.pk)
    assert record.state == "repaired"
    assert record.end_reason == "整改到位，同意修复"
    assert not CreditRecord.objects.public(TODAY).exists()
    assert standing_of(entity, TODAY).score == 0
    actions = list(AuditEvent.objects.filter(object_id=record.pk).values_list("action", flat=True))
    assert actions[-2:] == ["credit_repair_submitted", "credit_repair_approved"]


def test_a_rejected_repair_leaves_the_record_published(record, insider, colleague):
    application = repair_apply(actor=insider, record=record, applicant="某建设集团有限公司", reasons="已整改")
    repair_decide(actor=colleague, application=application, approve=False, note="整改材料不全")
    assert CreditRecord.objects.get(pk=record.pk).state == "published"
    repair_apply(
        actor=insider, record=record, applicant="某建设集团有限公司", reasons="补充材料"
    )  # may apply again


def test_only_the_issuing_agencys_head_decides(record, insider, outsider, supervisor):
    with pytest.raises(PermissionDenied):
        repair_apply(actor=outsider, record=record, applicant="x", reasons="y")
    application = repair_apply(actor=insider, record=record, applicant="x", reasons="y")
    for person in (insider, outsider, supervisor):
        with pytest.raises(PermissionDenied):
            repair_decide(actor=person, application=application, approve=True, note="同意")


def test_only_published_adverse_records_can_be_repaired(make_record, entity, insider):
    draft = make_record(entity, state="draft", act="B")
    with pytest.raises(ValidationError) as error:
        repair_apply(actor=insider, record=draft, applicant="x", reasons="y")
    assert error.value.code == "not_repairable"


def test_a_repair_does_not_lift_the_disqualification_the_decision_imposed(
    make_record, entity, serious_rule, insider, colleague
):
    """信用修复 ends publication and the points; the penalty decided (取消投标资格 for 12 months) runs to its end."""
    record = make_record(entity, rule=serious_rule, decided_on=datetime.date(2026, 6, 1), act="TB2")
    application = repair_apply(actor=insider, record=record, applicant="某建设集团有限公司", reasons="已整改")
    repair_decide(actor=colleague, application=application, approve=True, note="同意修复")
    standing = standing_of(entity, TODAY)
    assert standing.score == 0
    assert not standing.serious
    assert not standing.may_trade
    assert standing.until == datetime.date(2027, 5, 31)
    assert "已修复" in standing.restrictions[0].reason
    assert standing_of(entity, datetime.date(2027, 6, 1)).may_trade


def test_an_application_open_when_its_record_ends_is_closed_with_it(
    record, make_record, entity, insider, colleague, client_for
):
    from credit.models import RepairApplication
    from credit.todo import tasks_for
    from credit.workflows import record_revoke, records_expire

    revoked = repair_apply(actor=insider, record=record, applicant="某建设集团有限公司", reasons="已整改")
    record_revoke(actor=colleague, record=record, reason="原处罚决定被复议撤销")
    old = make_record(
        entity, decided_on=datetime.date(2020, 1, 1), published_on=datetime.date(2020, 1, 1), act="OLD"
    )
    expired = repair_apply(actor=insider, record=old, applicant="某建设集团有限公司", reasons="已整改")
    assert records_expire() == 1
    for application, why in ((revoked, "撤销"), (expired, "期满")):
        application.refresh_from_db()
        assert application.state == RepairApplication.State.CLOSED
        assert why in application.decision_note
    # Nothing left waiting in the head's 待办.
    revoking = AuditEvent.objects.get(object_id=record.pk, action="credit_record_revoked")
    assert revoking.payload["closed_repairs"] == [revoked.pk]
    page = client_for(colleague).get(record.get_absolute_url())
    assert page.status_code == 200
    assert "信用记录已撤销，修复申请终结。" in page.text
    waiting = {task.url for task in tasks_for(colleague, record.agency)}
    assert record.get_absolute_url() not in waiting
    assert old.get_absolute_url() not in waiting
