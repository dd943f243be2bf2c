"""Credit records: the way from draft to publication, who may take each step, 一事不二罚, score and thresholds."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from audit.models import AuditEvent
from credit.models import CreditRecord
from credit.standing import standing_of
from credit.workflows import (
    act_reference,
    record_approve,
    record_create,
    record_publish,
    record_revoke,
    records_expire,
)
from tests.concurrency import run_concurrently, transactional

D = datetime.date
FINE = CreditRecord.Penalty.FINE


def test_a_record_goes_from_draft_to_published_with_its_dates(make_record, entity, colleague, insider):
    record = make_record(entity, state="draft", decided_on=D(2026, 1, 31))
    assert record.state == "draft"
    assert (record.points, record.valid_until, record.publication_until) == (
        6,
        D(2027, 1, 30),
        D(2026, 7, 30),
    )
    record = record_approve(actor=colleague, record=record)
    record = record_publish(actor=insider, record=record)
    assert record.state == "published"
    actions = list(AuditEvent.objects.filter(object_id=record.pk).values_list("action", flat=True))
    assert actions == ["credit_record_created", "credit_record_approved", "credit_record_published"]


def test_a_restriction_lengthens_the_publication(make_record, entity, serious_rule):
    record = make_record(entity, rule=serious_rule, state="draft", decided_on=D(2026, 3, 1))
    assert record.restricted_until == D(2027, 2, 28)
    assert record.publication_until == D(2027, 2, 28)  # six months, or the restriction when longer


def test_only_a_head_of_the_issuing_agency_approves_and_not_their_own(
    make_record, entity, insider, outsider, supervisor, colleague, agency, rule
):
    record = make_record(entity, state="draft")
    for person in (insider, outsider, supervisor):
        with pytest.raises(PermissionDenied):
            record_approve(actor=person, record=record)
    own = record_create(
        actor=colleague,
        agency=agency,
        entity=entity,
        rule=rule,
        decided_on=D(2026, 6, 2),
        facts="x",
        act="A-2",
        source_kind="decision",
        source_reference="A-2",
    )
    with pytest.raises(ValidationError) as error:
        record_approve(actor=colleague, record=own)
    assert error.value.code == "own_record"


def test_outsiders_cannot_enter_records_for_an_agency(outsider, agency, entity, rule):
    with pytest.raises(PermissionDenied):
        record_create(
            actor=outsider,
            agency=agency,
            entity=entity,
            rule=rule,
            decided_on=D(2026, 6, 1),
            facts="x",
            act="A",
            source_kind="decision",
            source_reference="A",
        )


def test_steps_out_of_order_and_stale_pages_are_refused(make_record, entity, insider, colleague):
    record = make_record(entity, state="draft")
    with pytest.raises(TransitionNotAllowed):
        record_publish(actor=insider, record=record)
    record_approve(actor=colleague, record=record)
    with pytest.raises(ConcurrentTransition):
        record_publish(actor=insider, record=record, seen_state="draft")


def test_a_second_fine_for_the_same_act_is_refused_in_chinese(make_record, entity, other_entity, colleague):
    make_record(entity, penalty=FINE, fine_amount=Decimal("50000"), state="draft")
    with pytest.raises(ValidationError) as error:
        make_record(entity, penalty=FINE, fine_amount=Decimal("20000"), state="draft")
    assert "一事不二罚" in error.value.message_dict["penalty"][0]
    assert "第二十九条" in error.value.message_dict["penalty"][0]
    # Other measures for the same act, and a fine of another entity for it, remain possible.
    make_record(entity, state="draft", penalty=CreditRecord.Penalty.DISQUALIFICATION)
    make_record(other_entity, penalty=FINE, fine_amount=Decimal("1000"), state="draft")
    assert CreditRecord.objects.filter(penalty=FINE).count() == 2


@pytest.mark.parametrize(
    "typed",
    ["宣住建罚[2026]1号", "宣住建罚〔２０２６〕１号", "宣住建罚（2026）1 号", " 宣住建罚 【2026】1号"],
)
def test_the_act_typed_otherwise_is_the_same_act(make_record, entity, typed):
    make_record(entity, penalty=FINE, fine_amount=Decimal("50000"), state="draft")  # 宣住建罚〔2026〕1号
    with pytest.raises(ValidationError) as error:
        make_record(entity, penalty=FINE, fine_amount=Decimal("20000"), state="draft", act=typed)
    assert "一事不二罚" in error.value.message_dict["penalty"][0]


def test_act_references_are_kept_in_one_form():
    assert act_reference(" 宣住建罚［２０２６］９ 号 ") == "宣住建罚〔2026〕9号"
    assert act_reference("xe-jc-2026-0001") == "XE-JC-2026-0001"


def test_a_revoked_fine_makes_way_for_a_new_one(make_record, entity, colleague):
    first = make_record(entity, penalty=FINE, fine_amount=Decimal("50000"), state="draft")
    record_revoke(actor=colleague, record=first, reason="原处罚决定被撤销")
    make_record(entity, penalty=FINE, fine_amount=Decimal("40000"), state="draft")


def test_the_database_refuses_a_second_fine_even_without_the_check(
    make_record, entity, insider, agency, rule
):
    first = make_record(entity, penalty=FINE, fine_amount=Decimal("50000"), state="draft")
    copy = CreditRecord(
        entity=entity,
        rule=rule,
        kind="bad",
        agency=agency,
        facts="x",
        act=first.act,
        penalty=FINE,
        fine_amount=1,
        source_kind="decision",
        source_reference="x",
        decided_on=first.decided_on,
        points=1,
        valid_until=first.valid_until,
        publication_until=first.publication_until,
        created_by=insider,
    )
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()


@transactional
def test_two_departments_fining_the_same_act_at_once_get_one_fine(
    agency, other_agency, insider, entity, rule
):
    from agencies.models import Membership
    from tests.factories import MembershipFactory

    other = MembershipFactory(agency=other_agency, role=Membership.Role.HANDLER).user

    def fine(actor, by):
        def run():
            return record_create(
                actor=actor,
                agency=by,
                entity=entity,
                rule=rule,
                decided_on=D(2026, 6, 1),
                facts="串通投标",
                act="XE-2026-7",
                penalty=FINE,
                fine_amount=Decimal("10000"),
                source_kind="case",
                source_reference="XE-2026-7",
            )

        return run

    calls = iter([fine(insider, agency), fine(other, other_agency)])
    results = run_concurrently(lambda: next(calls)())
    refused = [result for result in results if isinstance(result, ValidationError)]
    assert len(refused) == 1, results
    assert "一事不二罚" in refused[0].message_dict["penalty"][0]
    assert CreditRecord.objects.filter(act="XE-2026-7", penalty=FINE).count() == 1


def test_the_score_counts_published_valid_records_only(make_record, entity, good_rule, colleague):
    make_record(entity, decided_on=D(2026, 1, 10), act="A1")  # valid to 2027-01-09
    make_record(entity, decided_on=D(2026, 5, 10), act="A2")
    make_record(entity, decided_on=D(2026, 5, 11), act="A3", state="approved")  # not published: not counted
    revoked = make_record(entity, decided_on=D(2026, 5, 12), act="A4")
    record_revoke(actor=colleague, record=revoked, reason="撤销")
    make_record(entity, rule=good_rule, decided_on=D(2026, 5, 1), act="G1")
    assert standing_of(entity, D(2026, 1, 9)).score == 0  # before the first decision
    assert standing_of(entity, D(2026, 6, 1)).score == 12
    assert standing_of(entity, D(2026, 6, 1)).bonus == 3
    assert standing_of(entity, D(2027, 1, 9)).score == 12
    assert standing_of(entity, D(2027, 1, 10)).score == 6  # the first has run out
    assert standing_of(entity, D(2027, 5, 10)).score == 0


def test_a_threshold_restricts_trading_until_the_score_falls(make_record, entity, threshold):
    make_record(entity, decided_on=D(2026, 1, 10), act="A1")
    assert standing_of(entity, D(2026, 6, 1)).may_trade
    make_record(entity, decided_on=D(2026, 5, 10), act="A2")
    standing = standing_of(entity, D(2026, 6, 1))
    assert not standing.may_trade
    [restriction] = standing.restrictions
    assert restriction.until == D(2027, 1, 9)  # the day before A1 stops counting
    assert "限制参与投标" in restriction.reason
    assert "12分" in restriction.reason
    assert standing_of(entity, D(2027, 1, 10)).may_trade


def test_the_window_counts_recent_decisions_only(make_record, entity, threshold, rule):
    rule.validity_months = 36
    rule.save()
    threshold.window_months = 6
    threshold.save()
    make_record(entity, decided_on=D(2025, 11, 10), act="A1")
    make_record(entity, decided_on=D(2026, 6, 1), act="A2")
    assert standing_of(entity, D(2026, 6, 1)).may_trade  # A1 was decided more than six months earlier
    make_record(entity, decided_on=D(2026, 6, 2), act="A3")
    standing = standing_of(entity, D(2026, 6, 3))
    assert not standing.may_trade
    assert standing.restrictions[0].until == D(2026, 11, 30)  # A2 leaves the window on 1 December


def test_a_rule_with_a_restriction_stops_trading_until_its_end(make_record, entity, serious_rule):
    make_record(entity, rule=serious_rule, decided_on=D(2026, 3, 1), act="B1")
    standing = standing_of(entity, D(2026, 6, 1))
    assert not standing.may_trade
    assert standing.until == D(2027, 2, 28)
    assert standing_of(entity, D(2027, 3, 1)).may_trade


def test_records_expire_when_validity_and_publication_have_ended(make_record, entity):
    record = make_record(entity, decided_on=D(2025, 1, 10), published_on=D(2025, 1, 10), act="A1")
    with time_machine.travel(datetime.datetime(2026, 1, 9, 12), tick=False):
        assert records_expire() == 0
    with time_machine.travel(datetime.datetime(2026, 1, 11, 12), tick=False):
        assert records_expire() == 1
        assert records_expire() == 0
    assert CreditRecord.objects.get(pk=record.pk).state == "expired"


def test_beat_expires_records_every_hour(make_record, entity):
    from config.celery import app
    from credit.tasks import records_expire_task

    entry = app.conf.beat_schedule["expire-credit-records"]
    assert (entry["task"], entry["schedule"]) == (records_expire_task.name, 3600.0)
    record = make_record(entity, decided_on=D(2025, 1, 10), published_on=D(2025, 1, 10), act="A1")
    with time_machine.travel(datetime.datetime(2026, 1, 11, 12), tick=False):
        assert records_expire_task.apply().get() == 1
    assert CreditRecord.objects.get(pk=record.pk).state == "expired"


def test_the_head_hears_of_a_draft_and_the_author_of_its_approval(make_record, entity, insider, colleague):
    from notifications.models import Notification

    record = make_record(entity, state="draft")
    assert Notification.objects.filter(
        recipient=colleague, key=f"credit-record:{record.pk}:awaiting"
    ).exists()
    record_approve(actor=colleague, record=record)
    assert Notification.objects.filter(recipient=insider, key=f"credit-record:{record.pk}:approved").exists()


def test_a_serious_record_marks_the_entity_seriously_dishonest(make_record, entity, serious_rule):
    assert not standing_of(entity, D(2026, 6, 1)).serious
    make_record(entity, rule=serious_rule, decided_on=D(2026, 3, 1), act="S1")
    assert standing_of(entity, D(2026, 6, 1)).serious
    assert not standing_of(entity, D(2028, 3, 1)).serious  # valid for 24 months


def test_the_migration_counts_published_records_publication_again_from_their_publication(make_record, entity):
    """Records published before publish() counted from the publication kept an end counted from the decision."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("credit.migrations.0009_publication_from_publication")
    late = make_record(entity, decided_on=D(2026, 1, 1), published_on=D(2026, 8, 1), act="L1")
    on_time = make_record(entity, decided_on=D(2026, 8, 1), published_on=D(2026, 8, 1), act="L2")
    expired = make_record(entity, decided_on=D(2025, 1, 1), published_on=D(2025, 8, 1), act="L3")
    CreditRecord.objects.filter(pk=late.pk).update(publication_until=D(2026, 6, 30))  # as counted before
    CreditRecord.objects.filter(pk=expired.pk).update(state="expired", publication_until=D(2025, 6, 30))
    migration.count_from_publication(apps, None)
    assert CreditRecord.objects.get(pk=late.pk).publication_until == D(2027, 1, 31)
    assert CreditRecord.objects.get(pk=on_time.pk).publication_until == D(2027, 1, 31)
    assert CreditRecord.objects.get(pk=expired.pk).publication_until == D(2025, 6, 30)


@transactional
def test_two_expiry_runs_at_once_expire_a_record_once(make_record, entity):
    """Beat's hourly run overlapping a late one, on real connections: one event on the record's trail."""
    make_record(entity, decided_on=datetime.date(2026, 6, 1))
    later = datetime.datetime(2027, 7, 1, 10, tzinfo=datetime.UTC)
    with time_machine.travel(later, tick=False):
        assert sorted(run_concurrently(lambda: records_expire(later))) == [0, 1]
    assert CreditRecord.objects.get().state == CreditRecord.State.EXPIRED
    assert AuditEvent.objects.filter(action="credit_record_expired").count() == 1
