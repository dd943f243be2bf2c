"""Joint punishment memos: issued by the comprehensive supervisor, one numbered 备忘录 to every member agency,
each part acknowledged and executed within its clock M1, which the sweep marks overdue."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import ConcurrentTransition

from agencies.models import Membership
from credit.models import Memo
from credit.standing import standing_of, standings_of
from credit.workflows import memo_acknowledge, memo_execute, memo_issue
from deadlines.models import Deadline
from deadlines.sweep import sweep
from notifications.models import Notification
from tests.concurrency import run_concurrently, transactional
from tests.factories import MembershipFactory

from ..deadlines.conftest import at

ISSUED = at(
    2026, 9, 30, 10
)  # M1: 10 working days after 30 September (National Day week off) is 20 October (10 October is a make-up working day)


@pytest.fixture
def coordinator_head(coordinator):
    return MembershipFactory(
        agency=coordinator, role=Membership.Role.HEAD, user__username="coordinator_head"
    ).user


@pytest.fixture
def police(region):
    from agencies.models import Agency
    from tests.factories import AgencyFactory

    return AgencyFactory(region=region, name="宣恩县公安局", kind=Agency.Kind.POLICE)


@pytest.fixture
def memo(supervisor, coordinator, agency, other_agency, police, entity, insider, outsider, colleague):
    with time_machine.travel(ISSUED, tick=False):
        return memo_issue(
            actor=supervisor,
            agency=coordinator,
            title="关于对某建设集团有限公司实施联合惩戒的备忘录",
            grounds="该公司在某项目中串通投标，已被宣恩县住房和城乡建设局处罚。",
            measures="限制参与本县公共资源交易活动",
            restricted_until=datetime.date(2027, 9, 30),
            entities=[entity],
            agency_measures={other_agency.pk: "暂停其交通运输工程投标资格"},
        )


def test_a_memo_is_numbered_and_sent_to_every_member_agency(memo, coordinator, agency, other_agency, police):
    memo = Memo.objects.get(pk=memo.pk)
    assert memo.document.number.startswith(coordinator.doc_prefix + "备〔2026〕")
    assert memo.document.kind == "memo"
    parts = {part.agency_id: part for part in memo.executions.all()}
    assert set(parts) == {agency.pk, other_agency.pk}  # the supervising departments, not the police
    assert parts[other_agency.pk].measure == "暂停其交通运输工程投标资格"
    assert parts[agency.pk].measure == "限制参与本县公共资源交易活动"
    clock = parts[agency.pk].clock
    assert clock.rule.code == "M1"
    assert clock.agency == agency
    assert clock.due_at == at(2026, 10, 20, 23, 59, 59, 999999)
    table = memo.document.context["tables"][0]
    assert table["rows"] == [["1", "某建设集团有限公司", "91110000600037341L"]]


def test_member_agencies_are_told(memo, insider, colleague, outsider, supervisor):
    assert Notification.objects.filter(recipient=insider, key__startswith=f"credit-memo:{memo.pk}:").exists()
    assert Notification.objects.filter(recipient=outsider, key__startswith=f"credit-memo:{memo.pk}:").exists()
    assert not Notification.objects.filter(recipient=supervisor).exists()


def test_the_memo_restricts_trading_until_its_end(memo, entity):
    standing = standing_of(entity, datetime.date(2026, 10, 8))
    assert not standing.may_trade
    assert standing.until == datetime.date(2027, 9, 30)
    assert memo.document.number in standing.restrictions[0].reason
    assert standing_of(entity, datetime.date(2027, 10, 1)).may_trade


def test_the_memo_restricts_only_the_entities_it_names(memo, entity, other_entity):
    standings = standings_of([other_entity, entity], datetime.date(2026, 10, 8))
    assert not standings[entity.pk].may_trade
    assert standings[other_entity.pk].may_trade


def test_only_the_comprehensive_supervisor_issues_memos(insider, colleague, agency, outsider, entity):
    for person in (insider, colleague):
        with pytest.raises(PermissionDenied):
            memo_issue(
                actor=person,
                agency=agency,
                title="x",
                grounds="x",
                measures="x",
                restricted_until=datetime.date(2030, 1, 1),
                entities=[entity],
            )


def test_a_memo_needs_entities_and_a_future_end(supervisor, coordinator):
    with pytest.raises(ValidationError) as error:
        memo_issue(
            actor=supervisor,
            agency=coordinator,
            title="x",
            grounds="x",
            measures="x",
            restricted_until=datetime.date(2020, 1, 1),
            entities=[],
        )
    assert set(error.value.message_dict) == {"entities", "restricted_until"}


def test_acknowledge_then_execute_meets_the_clock(memo, agency, insider, outsider):
    part = memo.executions.get(agency=agency)
    with pytest.raises(PermissionDenied):
        memo_acknowledge(actor=outsider, part=part)
    with time_machine.travel(at(2026, 10, 9, 9), tick=False):
        part = memo_acknowledge(actor=insider, part=part)
        with pytest.raises(ConcurrentTransition):
            memo_acknowledge(actor=insider, part=part, seen_state="sent")
        part = memo_execute(actor=insider, part=part, note="已在本系统中限制其投标资格")
    assert part.state == "executed"
    assert Deadline.objects.get(pk=part.clock_id).state == Deadline.State.MET
    assert (
        Notification.objects.filter(key=f"credit-memo:{memo.pk}:{agency.pk}:executed").get().recipient
        == memo.issued_by
    )


def test_the_sweep_marks_an_unexecuted_part_overdue_and_tells_the_head(
    memo, agency, other_agency, insider, colleague
):
    memo_execute(actor=insider, part=memo.executions.get(agency=agency), note="已执行")
    sweep(at(2026, 10, 20, 23, 59))
    open_part = memo.executions.get(agency=other_agency)
    assert Deadline.objects.get(pk=open_part.clock_id).state == Deadline.State.OPEN
    sweep(at(2026, 10, 21, 0, 1))
    assert Deadline.objects.get(pk=open_part.clock_id).state == Deadline.State.OVERDUE
    done = memo.executions.get(agency=agency)
    assert Deadline.objects.get(pk=done.clock_id).state == Deadline.State.MET
    assert not Notification.objects.filter(recipient=colleague, key__contains=":overdue:").exists()


def test_a_late_part_is_escalated_to_its_head_and_the_supervisor_and_again_after_three_working_days(
    memo, agency, other_agency, insider, supervisor
):
    """The member that has not executed its part is the one chased: its head and the region's supervisors are
    told when the clock runs out, and again three working days later; the member that executed is left alone."""
    late_head = MembershipFactory(agency=other_agency, role=Membership.Role.HEAD).user
    memo_execute(actor=insider, part=memo.executions.get(agency=agency), note="已执行")
    clock = Deadline.objects.get(pk=memo.executions.get(agency=other_agency).clock_id)
    sweep(at(2026, 10, 21, 0, 1))

    def told(user, step) -> bool:
        return Notification.objects.filter(
            recipient=user, key__contains=f"deadline:{clock.pk}:{step}"
        ).exists()

    assert told(late_head, "overdue:1")
    assert told(supervisor, "overdue:1")
    assert sweep(at(2026, 10, 23, 8, 59)).escalated == 0
    assert sweep(at(2026, 10, 23, 9)).escalated == 1  # Friday 23 October: three working days after the 20th
    assert told(late_head, "escalation:2")
    assert told(supervisor, "escalation:2")
    executed = Deadline.objects.get(pk=memo.executions.get(agency=agency).clock_id)
    assert (
        not Notification.objects.filter(key__contains=f"deadline:{executed.pk}:")
        .exclude(key__contains=":reminder:")
        .exists()
    )


def test_the_same_form_sent_twice_gives_one_memo(supervisor, coordinator, entity):
    import uuid

    key = uuid.uuid4()
    arguments = {
        "actor": supervisor,
        "agency": coordinator,
        "title": "x",
        "grounds": "x",
        "measures": "x",
        "restricted_until": datetime.date(2030, 1, 1),
        "entities": [entity],
        "submission_key": key,
    }
    assert memo_issue(**arguments) == memo_issue(**arguments)
    assert Memo.objects.count() == 1


def test_the_memo_renders_as_a_numbered_memo_with_its_tables(memo, tmp_path):
    import subprocess

    from documents.pdf import render_pdf

    pdf = tmp_path / "memo.pdf"
    pdf.write_bytes(render_pdf(memo.document))
    text = "".join(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert memo.document.number in text
    assert "联合惩戒对象" in text
    assert "某建设集团有限公司" in text
    assert "暂停其交通运输工程投标资格" in text


@transactional
def test_the_same_form_sent_twice_at_once_gives_one_memo(supervisor, coordinator, agency, entity):
    import uuid

    key = uuid.uuid4()

    def issue():
        return memo_issue(
            actor=supervisor,
            agency=coordinator,
            title="x",
            grounds="x",
            measures="x",
            restricted_until=datetime.date(2030, 1, 1),
            entities=[entity],
            submission_key=key,
        ).pk

    results = run_concurrently(issue)
    assert Memo.objects.count() == 1
    assert results == [Memo.objects.get().pk] * 2


def test_every_member_agency_reads_the_numbered_memo_and_others_do_not(
    memo, client_for, insider, outsider, foreign_agency
):
    """印发至各成员单位: the memo's PDF page opens for each member agency's staff, not for another jurisdiction's."""
    url = memo.document.get_absolute_url()
    for member in (insider, outsider):  # two member agencies, neither the issuer nor an addressee
        response = client_for(member).get(url)
        assert response.status_code == 200
        assert memo.document.number in response.content.decode()
        page = client_for(member).get(f"/credit/memos/{memo.pk}/").content.decode()
        assert f'href="{url}"' in page
    stranger = MembershipFactory(agency=foreign_agency, role=Membership.Role.HEAD).user
    assert client_for(stranger).get(url).status_code == 404


@transactional
def test_executing_a_part_while_a_notice_on_its_clock_is_half_way_waits_for_the_notice(memo, agency, insider):
    """A supervision notice on the part's clock locks the part first (deadlines.clocks.lock_target), then the
    clock: executing the part must take them in the same order, or the two deadlock (PostgreSQL aborts one)."""
    from tests.concurrency import a_notice_half_way_on

    part = memo.executions.get(agency=agency)
    clock = Deadline.objects.get(pk=part.clock_id)

    with a_notice_half_way_on(clock):
        memo_execute(actor=insider, part=part, note="已执行")
    assert Deadline.objects.get(pk=clock.pk).state == Deadline.State.MET
