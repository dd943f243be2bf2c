"""The credit pages: who sees what (404), who may do what (403), a stale click (409), and the way through them."""

import datetime
import re
import threading
import uuid

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from credit.models import CreditAction, CreditRecord, MarketEntity, Memo, MemoExecution
from credit.workflows import memo_issue
from tests.concurrency import run_concurrently, transactional
from tests.factories import UserFactory

NEVER_SEEN = "91420000MA4K000154"  # a valid credit code no test's register holds


@pytest.fixture
def nobody(db):
    """Logged in, but a member of no agency."""
    return UserFactory(username="nobody")


@pytest.fixture
def draft(make_record, entity):
    return make_record(entity, state="draft")


@pytest.fixture
def memo(supervisor, coordinator, agency, other_agency, entity):
    return memo_issue(
        actor=supervisor,
        agency=coordinator,
        title="关于对某建设集团有限公司实施联合惩戒的备忘录",
        grounds="串通投标",
        measures="限制参与本县公共资源交易活动",
        restricted_until=datetime.date(2030, 1, 1),
        entities=[entity],
    )


def test_staff_pages_need_a_login(client, entity):
    for url in (reverse("credit:index"), entity.get_absolute_url(), reverse("credit:memo_list")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_people_of_no_agency_see_nothing(client_for, nobody, entity, draft, memo):
    client = client_for(nobody)
    for url in (
        reverse("credit:index"),
        entity.get_absolute_url(),
        draft.get_absolute_url(),
        reverse("credit:memo_list"),
        memo.get_absolute_url(),
        reverse("credit:import_template"),
    ):
        assert client.get(url).status_code == 404, url


def test_an_unpublished_record_is_its_agencys_and_supervisors_only(
    client_for, insider, outsider, supervisor, foreign_supervisor, draft
):
    assert client_for(insider).get(draft.get_absolute_url()).status_code == 200
    assert client_for(supervisor).get(draft.get_absolute_url()).status_code == 200
    assert client_for(outsider).get(draft.get_absolute_url()).status_code == 404
    assert client_for(foreign_supervisor).get(draft.get_absolute_url()).status_code == 404


def test_an_unpublished_record_gives_its_publication_from_the_day_it_is_published(
    client_for, insider, make_record, entity
):
    """Decided on 1 January and not yet published: its publication is counted from the day it will be
    (CreditRecord.publish), so the page gives no end counted from the decision, which would already have passed."""
    approved = make_record(entity, state="approved", decided_on=datetime.date(2025, 1, 1), act="A1")
    page = client_for(insider).get(approved.get_absolute_url()).content.decode()
    assert "2025-06-30" not in page
    assert "自发布之日起 6 个月" in page
    published = make_record(entity, decided_on=datetime.date(2025, 1, 1), act="A2")
    page = client_for(insider).get(published.get_absolute_url()).content.decode()
    assert published.publication_until.isoformat() in page


def test_the_outsider_sees_a_published_record_but_cannot_act_on_it(client_for, outsider, make_record, entity):
    record = make_record(entity, act="P1")
    client = client_for(outsider)
    page = client.get(record.get_absolute_url())
    assert page.status_code == 200
    assert reverse("credit:record_step", args=[record.pk, "revoke"]) not in page.content.decode()
    assert (
        client.post(reverse("credit:record_step", args=[record.pk, "revoke"]), {"reason": "x"}).status_code
        == 403
    )
    assert (
        client.post(
            reverse("credit:repair_apply", args=[record.pk]), {"applicant": "x", "reasons": "y"}
        ).status_code
        == 403
    )


def test_outsider_steps_on_a_draft_are_404(client_for, outsider, draft):
    client = client_for(outsider)
    for step in ("approve", "publish", "revoke"):
        assert client.post(reverse("credit:record_step", args=[draft.pk, step])).status_code == 404


def test_entering_approving_and_publishing_through_the_pages(client_for, insider, colleague, entity, rule):
    client = client_for(insider)
    form = client.get(reverse("credit:record_new", args=[entity.pk]))
    assert form.status_code == 200
    key = form.context["form"]["submission_key"].value()
    data = {
        "rule": rule.pk,
        "decided_on": "2026-06-01",
        "source_kind": "decision",
        "source_reference": "宣住建罚〔2026〕3号",
        "act": "宣住建罚〔2026〕3号",
        "penalty": "fine",
        "fine_amount": "50000",
        "facts": "串通投标",
        "submission_key": key,
    }
    response = client.post(reverse("credit:record_new", args=[entity.pk]), data)
    assert response.status_code == 302
    assert (
        client.post(reverse("credit:record_new", args=[entity.pk]), data).status_code == 302
    )  # the same form
    record = CreditRecord.objects.get()
    # A second fine for the same act, on a new form: refused in Chinese, nothing saved.
    data["submission_key"] = "5f0c7d0e-1d8e-4a53-9a7f-1c2b3d4e5f60"
    again = client.post(reverse("credit:record_new", args=[entity.pk]), data)
    assert again.status_code == 400
    assert "一事不二罚" in again.content.decode()
    assert CreditRecord.objects.count() == 1
    # The handler may not approve; the head may.
    assert client.post(reverse("credit:record_step", args=[record.pk, "approve"])).status_code == 403
    head = client_for(colleague)
    assert (
        head.post(
            reverse("credit:record_step", args=[record.pk, "approve"]), {"seen_state": "draft"}
        ).status_code
        == 302
    )
    # A second click on the old page: 409, nothing changed.
    assert (
        head.post(
            reverse("credit:record_step", args=[record.pk, "approve"]), {"seen_state": "draft"}
        ).status_code
        == 409
    )
    assert (
        head.post(
            reverse("credit:record_step", args=[record.pk, "publish"]), {"seen_state": "approved"}
        ).status_code
        == 302
    )
    assert CreditRecord.objects.get().state == "published"


def test_the_outsider_cannot_enter_records(client_for, outsider, entity):
    # The outsider's acting agency is their own; entering a record is theirs to do there (200), but they see drafts
    # of others' agencies nowhere.
    assert client_for(outsider).get(reverse("credit:record_new", args=[entity.pk])).status_code == 200


def test_a_supervisor_cannot_enter_records(client_for, supervisor, entity):
    assert client_for(supervisor).get(reverse("credit:record_new", args=[entity.pk])).status_code == 403


def test_an_experts_id_number_is_masked(client_for, insider):
    from credit.identity import check_character

    number = "42282519800101123" + check_character("42282519800101123")
    expert = MarketEntity.objects.create(name="李四", kind="person", id_number=number)
    page = client_for(insider).get(expert.get_absolute_url()).content.decode()
    assert f"4228**********{number[-4:]}" in page
    assert number not in page
    assert "19800101" not in page


def test_memo_pages(client_for, supervisor, insider, outsider, colleague, foreign_supervisor, memo, agency):
    assert client_for(insider).get(memo.get_absolute_url()).status_code == 200
    assert client_for(foreign_supervisor).get(memo.get_absolute_url()).status_code == 404
    assert waiting_badge(client_for(supervisor), memo) == "2 个单位尚未执行"  # the two member agencies
    part = memo.executions.get(agency=agency)
    url = reverse("credit:memo_part_step", args=[part.pk, "acknowledge"])
    assert client_for(outsider).post(url).status_code == 404  # another agency's part of the memo
    assert client_for(insider).post(url, {"seen_state": "sent"}).status_code == 302
    assert client_for(insider).post(url, {"seen_state": "sent"}).status_code == 409
    execute = reverse("credit:memo_part_step", args=[part.pk, "execute"])
    assert client_for(insider).post(execute, {"note": ""}).status_code == 400
    assert (
        client_for(insider).post(execute, {"note": "已限制", "seen_state": "acknowledged"}).status_code == 302
    )
    assert MemoExecution.objects.get(pk=part.pk).state == "executed"
    assert waiting_badge(client_for(supervisor), memo) == "1 个单位尚未执行"


def waiting_badge(client, memo) -> str | None:
    """The count of member agencies that have not executed, as the issuer's page shows it (None: no badge)."""
    page = client.get(memo.get_absolute_url()).content.decode()
    found = re.search(r'<span class="badge text-bg-warning">([^<]*)</span>', page)
    return found[1] if found else None


def test_the_issuer_sees_late_parts_in_red(client_for, supervisor, memo, agency, other_agency):
    part = memo.executions.get(agency=agency)
    due = part.clock.due_at
    with time_machine.travel(due + datetime.timedelta(minutes=1)):
        page = client_for(supervisor).get(memo.get_absolute_url()).content.decode()
    rows = re.findall(r"<tr( class=\"table-danger\")?><td>([^<]*)</td>", page)
    assert ("", agency.name) not in rows
    assert (' class="table-danger"', agency.name) in rows
    assert (' class="table-danger"', other_agency.name) in rows
    with time_machine.travel(due - datetime.timedelta(minutes=1)):
        page = client_for(supervisor).get(memo.get_absolute_url()).content.decode()
    assert "table-danger" not in page


def test_only_the_coordinator_reaches_the_memo_form(
    client_for, supervisor, insider, colleague, entity, agency, other_agency
):
    assert client_for(insider).get(reverse("credit:memo_new")).status_code == 403
    assert client_for(colleague).get(reverse("credit:memo_new")).status_code == 403
    client = client_for(supervisor)
    form = client.get(reverse("credit:memo_new"), {"entity": entity.pk})
    assert form.status_code == 200
    assert list(form.context["form"].fields["entities"].queryset) == [entity]  # no records, but its page
    assert not client.get(reverse("credit:memo_new")).context["form"].fields["entities"].queryset.exists()
    for odd in ("²", "abc", "9" * 30):  # not an id a link of the portal carries: the form without an entity
        page = client.get(reverse("credit:memo_new"), {"entity": odd})
        assert page.status_code == 200
        assert not page.context["form"].fields["entities"].queryset.exists()
    response = client.post(
        f"{reverse('credit:memo_new')}?entity={entity.pk}",
        {
            "title": "关于实施联合惩戒的备忘录",
            "entities": [entity.pk],
            "grounds": "串通投标",
            "measures": "限制参与交易",
            "restricted_until": "2030-01-01",
            "submission_key": form.context["form"]["submission_key"].value(),
            f"measure_{other_agency.pk}": "暂停其交通运输工程投标资格",
        },
    )
    assert response.status_code == 302
    memo = Memo.objects.get()
    assert memo.executions.get(agency=other_agency).measure == "暂停其交通运输工程投标资格"
    assert memo.executions.get(agency=agency).measure == "限制参与交易"


# Public pages ---------------------------------------------------------------------------------------------------


def test_unpublished_records_never_appear_publicly(
    client, make_record, entity, other_entity, colleague, insider, good_rule, serious_rule, recently
):
    """Drafts, approved but unpublished, revoked and repaired records, bad and good, all decided recently (within
    what would be their publication): on no public page, not in the check, not in its JSON."""
    from credit.workflows import record_revoke, repair_apply, repair_decide

    make_record(entity, rule=serious_rule, state="draft", act="D1", decided_on=recently)
    make_record(entity, state="approved", act="D2", decided_on=recently)
    make_record(entity, rule=good_rule, state="draft", act="G0", decided_on=recently)
    make_record(entity, rule=good_rule, state="approved", act="G00", decided_on=recently)
    revoked = make_record(other_entity, act="D3", decided_on=recently)
    record_revoke(actor=colleague, record=revoked, reason="撤销")
    repaired = make_record(other_entity, act="D4", decided_on=recently)
    application = repair_apply(actor=insider, record=repaired, applicant="某公司", reasons="已整改")
    repair_decide(actor=colleague, application=application, approve=True, note="同意")
    for url in (reverse("credit:public_records"), reverse("credit:honour_list")):
        page = client.get(url)
        assert page.status_code == 200
        assert entity.name not in page.content.decode()
        assert other_entity.name not in page.content.decode()
    for code in (entity.uscc, other_entity.uscc):
        answer = client.get(reverse("credit:check_json"), {"code": code}).json()
        assert (answer["known"], answer["may_trade"], answer["reasons"]) == (False, True, [])
        assert "alert-danger" not in client.get(reverse("credit:check"), {"code": code}).content.decode()
    # Once published they show: the test would see them.
    published = make_record(entity, act="P1", decided_on=recently)
    page = client.get(reverse("credit:public_records")).content.decode()
    assert entity.name in page
    assert published.rule.description in page
    make_record(entity, rule=good_rule, act="G1", decided_on=recently)
    assert entity.name in client.get(reverse("credit:honour_list")).content.decode()


def test_a_record_past_its_publication_leaves_the_public_list(client, make_record, entity):
    make_record(
        entity, decided_on=datetime.date(2025, 1, 1), published_on=datetime.date(2025, 1, 2), act="OLD"
    )
    assert entity.name not in client.get(reverse("credit:public_records")).content.decode()


def test_a_record_published_late_is_listed_for_its_whole_period_from_its_publication(
    client, make_record, entity
):
    """Decided on 1 January, published on 1 August: six months of publication run from 1 August (发改法规〔2008〕1531号),
    where counting from the decision would have ended them before the record was ever shown."""
    import time_machine

    record = make_record(entity, decided_on=datetime.date(2025, 1, 1), published_on=datetime.date(2025, 8, 1))
    assert record.publication_until == datetime.date(2026, 1, 31)
    for day, listed in (
        (datetime.date(2025, 8, 1), True),
        (datetime.date(2026, 1, 31), True),
        (datetime.date(2026, 2, 1), False),
    ):
        with time_machine.travel(datetime.datetime(day.year, day.month, day.day, 12), tick=False):
            assert (entity.name in client.get(reverse("credit:public_records")).content.decode()) is listed, (
                day
            )


def test_the_check_says_why_and_until_when(client, make_record, entity, serious_rule):
    today = datetime.date.today()
    make_record(entity, rule=serious_rule, decided_on=today, act="S1")
    answer = client.get(reverse("credit:check_json"), {"code": entity.uscc.lower()}).json()
    assert answer["known"] is True
    assert answer["may_trade"] is False
    assert answer["until"] is not None
    assert "串通投标" in answer["reasons"][0]["reason"]
    page = client.get(reverse("credit:check"), {"code": entity.uscc})
    assert "alert-danger" in page.content.decode()
    assert answer["until"] in page.content.decode()


def test_the_check_of_an_experts_id_number_does_not_name_the_expert(client, make_record, serious_rule):
    from credit.identity import check_character

    number = "42282519800101123" + check_character("42282519800101123")
    expert = MarketEntity.objects.create(name="李四", kind="person", id_number=number)
    make_record(expert, rule=serious_rule, act="E1", decided_on=datetime.date.today())
    answer = client.get(reverse("credit:check_json"), {"code": number}).json()
    assert (answer["known"], answer["may_trade"], answer["name"]) == (True, False, "")
    assert answer["code"] != number  # masked
    page = client.get(reverse("credit:check"), {"code": number}).content.decode()
    assert "李四" not in page
    assert "alert-danger" in page


def test_the_check_does_not_tell_who_is_on_the_register_without_a_public_decision(
    client, make_record, entity, other_entity, recently
):
    """A lead's party, a complaint's respondent (entities entered by staff or typed by a complainant), an entity
    with a draft record, an expert looked up by identity number: the check answers as for a code it never saw, so
    it cannot tell anyone who is under investigation. Published, the same entity is known."""
    from credit.identity import check_character

    number = "42282519800101123" + check_character("42282519800101123")
    MarketEntity.objects.create(name="李四", kind="person", id_number=number)
    make_record(other_entity, state="draft", act="D1", decided_on=recently)
    never_seen = "91110000600037341L"
    unknown = client.get(reverse("credit:check_json"), {"code": never_seen}).json()
    for code in (entity.uscc, other_entity.uscc, number):
        answer = client.get(reverse("credit:check_json"), {"code": code}).json()
        assert answer == {**unknown, "code": code}
        page = client.get(reverse("credit:check"), {"code": code}).content.decode()
        for name in (entity.name, other_entity.name, "李四"):
            assert name not in page
        assert "今日可以参与交易" in page
        assert "alert-danger" not in page
    make_record(entity, act="P1", decided_on=recently)
    answer = client.get(reverse("credit:check_json"), {"code": entity.uscc}).json()
    assert (answer["known"], answer["name"]) == (True, entity.name)


def test_the_check_takes_as_long_for_an_entity_no_public_decision_concerns_as_for_an_unknown_code(
    client, make_record, entity, other_entity, recently
):
    """Not only the same answer: the same queries, so that the time the check takes does not tell that the register
    holds the entity (a lead's party, a complaint's respondent, an entity with a draft record)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from credit.identity import check_character

    number = "42282519800101123" + check_character("42282519800101123")
    MarketEntity.objects.create(name="李四", kind="person", id_number=number)
    make_record(other_entity, state="draft", act="D1", decided_on=recently)

    def queries(code):
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("credit:check_json"), {"code": code}).json()["known"] is False
        return len(context.captured_queries)

    never_seen = queries(NEVER_SEEN)
    assert [queries(code) for code in (entity.uscc, other_entity.uscc, number)] == [never_seen] * 3


def test_the_checks_reasons_are_in_the_pages_language_and_the_json_always_in_chinese(
    client, make_record, entity, serious_rule
):
    make_record(entity, rule=serious_rule, decided_on=datetime.date.today(), act="S1")
    chinese = client.get(reverse("credit:check_json"), {"code": entity.uscc}).json()["reasons"][0]["reason"]
    assert "作出的处理" in chinese
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("credit:check"), {"code": entity.uscc}).content.decode()
    assert "s decision of" in page
    assert "作出的处理" not in page
    response = client.get(reverse("credit:check_json"), {"code": entity.uscc})
    assert response.json()["reasons"][0]["reason"] == chinese
    assert response.headers["Content-Language"] == "zh-hans"
    assert client.get(reverse("credit:check_json")).json()["error"].startswith("请")


def test_a_mistyped_code_is_not_answered_as_a_clean_record(client, make_record, entity, serious_rule):
    """One character wrong in a restricted bidder's code: not "no record, may trade", but what is wrong."""
    make_record(entity, rule=serious_rule, decided_on=datetime.date.today(), act="S1")
    mistyped = entity.uscc[:-1] + ("A" if entity.uscc[-1] != "A" else "B")
    answer = client.get(reverse("credit:check_json"), {"code": mistyped})
    assert answer.status_code == 400
    assert "校验码应为" in answer.json()["error"]
    page = client.get(reverse("credit:check"), {"code": mistyped}).content.decode()
    assert "这不是有效的统一社会信用代码" in page
    assert "校验码应为" in page
    assert "出生日期" not in page  # a credit code of digits is not read as an identity number
    assert "今日可以参与交易" not in page
    id_like = client.get(reverse("credit:check_json"), {"code": "422825198001011230"}).json()["error"]
    assert "该身份证号码的校验码不正确" in id_like  # shaped as one: its check character is wrong


def test_the_check_of_an_unknown_code_and_without_a_code(db, client):
    assert client.get(reverse("credit:check_json")).status_code == 400
    answer = client.get(reverse("credit:check_json"), {"code": "91110000600037341L"}).json()
    assert answer == {
        "code": "91110000600037341L",
        "known": False,
        "date": answer["date"],
        "may_trade": True,
        "until": None,
        "reasons": [],
    }


@pytest.mark.usefixtures("start_of_an_hour")
def test_the_check_is_limited_per_address(db, client):
    for _ in range(30):
        assert client.get(reverse("credit:check_json"), {"code": NEVER_SEEN}).status_code == 200
    assert client.get(reverse("credit:check_json"), {"code": NEVER_SEEN}).status_code == 429


@pytest.mark.usefixtures("start_of_an_hour")
def test_the_check_limit_counts_an_ipv6_network_not_each_of_its_addresses(db, client):
    def check(address):
        return client.get(reverse("credit:check_json"), {"code": NEVER_SEEN}, REMOTE_ADDR=address).status_code

    assert {check(f"2001:db8:1:2::{n:x}") for n in range(1, 31)} == {200}
    assert check("2001:db8:1:2:ffff::1") == 429
    assert check("2001:db8:1:3::1") == 200


def test_an_experts_identity_number_in_another_scripts_digits_is_a_field_error(client_for, insider):
    response = client_for(insider).post(
        reverse("credit:entity_new"),
        {
            "kind": "person",
            "name": "某专家",
            "id_number": "፩10101199001011234",
            "submission_key": uuid.uuid4(),
        },
    )
    assert response.status_code == 400
    assert "17 位数字" in response.content.decode()
    assert not MarketEntity.objects.exists()


def test_entering_and_correcting_an_entity(client_for, insider, supervisor, nobody):

    client = client_for(insider)
    assert client.get(reverse("credit:entity_new")).status_code == 200
    bad = client.post(
        reverse("credit:entity_new"),
        {
            "kind": "organisation",
            "name": "某公司",
            "uscc": "91110000600037341K",
            "submission_key": uuid.uuid4(),
        },
    )
    assert bad.status_code == 400
    assert "L" in bad.content.decode()
    assert not MarketEntity.objects.exists()
    response = client.post(
        reverse("credit:entity_new"),
        {
            "kind": "organisation",
            "name": "某公司",
            "uscc": "９１１１００００６０００３７３４１Ｌ",
            "roles": ["bidder"],
            "submission_key": uuid.uuid4(),
        },
    )
    assert response.status_code == 302
    entity = MarketEntity.objects.get(uscc="91110000600037341L")
    edit = reverse("credit:entity_edit", args=[entity.pk])
    assert (
        client.post(edit, {"kind": "organisation", "name": "某公司（更名）", "uscc": entity.uscc}).status_code
        == 302
    )
    entity.refresh_from_db()
    assert entity.name == "某公司（更名）"
    assert not entity.roles.exists()
    assert client_for(supervisor).get(edit).status_code == 403
    assert client_for(nobody).get(edit).status_code == 404
    assert client_for(nobody).get(reverse("credit:entity_new")).status_code == 404


def entity_form(client, **fields) -> dict:
    """The new-entity form as the page gives it (with its submission key), filled in with `fields`."""
    page = client.get(reverse("credit:entity_new"))
    return {
        "submission_key": page.context["form"]["submission_key"].value(),
        "kind": "organisation",
        **fields,
    }


def test_the_entity_form_sent_twice_enters_the_entity_once(client_for, insider):

    client = client_for(insider)
    form = entity_form(client, name="某公司", uscc="91110000600037341L")
    first = client.post(reverse("credit:entity_new"), form)
    second = client.post(
        reverse("credit:entity_new"), form
    )  # a reload of the POST, or the second of two clicks
    entity = MarketEntity.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == entity.get_absolute_url()
    assert AuditEvent.objects.filter(action=CreditAction.ENTITY_CREATED, object_id=entity.pk).count() == 1
    again = client.post(reverse("credit:entity_new"), entity_form(client, name="某公司", uscc=entity.uscc))
    assert again.status_code == 400  # a new form for a code already entered is told so
    assert "该统一社会信用代码的市场主体已录入" in again.text
    assert MarketEntity.objects.count() == 1


@pytest.fixture
def saves_meet(monkeypatch):
    """Two entity saves at the same moment: each waits for the other, so both have passed the form's checks (the
    key not yet used, the code not yet taken) before either writes."""

    barrier, save = threading.Barrier(2, timeout=10), MarketEntity.save

    def meeting_save(self, *args, **kwargs):
        barrier.wait()
        return save(self, *args, **kwargs)

    monkeypatch.setattr(MarketEntity, "save", meeting_save)


@transactional
def test_the_entity_form_sent_twice_at_once_enters_the_entity_once(client_for, insider, saves_meet):

    client = client_for(insider)
    form = entity_form(client, name="某公司", uscc="91110000600037341L")
    responses = run_concurrently(lambda: client_for(insider).post(reverse("credit:entity_new"), form))
    entity = MarketEntity.objects.get()
    assert [(response.status_code, response.url) for response in responses] == [
        (302, entity.get_absolute_url())
    ] * 2


@transactional
def test_two_people_entering_the_same_code_at_once_get_the_entity_and_a_message(
    client_for, insider, colleague, saves_meet
):
    """Two handlers enter the same company at the same moment, each with a form of their own: one enters it, the
    other is told the code is taken (not an error page)."""

    pending = []
    for person in (insider, colleague):
        client = client_for(person)
        pending.append((client, entity_form(client, name="某公司", uscc="91110000600037341L")))

    def enter():
        client, form = pending.pop()  # each thread takes one person's page
        return client.post(reverse("credit:entity_new"), form)

    responses = run_concurrently(enter)
    assert MarketEntity.objects.count() == 1
    assert sorted(response.status_code for response in responses) == [302, 400]
    refused = next(response for response in responses if response.status_code == 400)
    assert "该统一社会信用代码的市场主体已录入" in refused.text


@transactional
def test_a_correction_to_a_code_entered_at_the_same_moment_is_told_so(
    client_for, insider, colleague, entity, saves_meet
):

    existing = entity  # entered before the saves meet
    code = "91422825MA4F00012R"
    entering, correcting = client_for(insider), client_for(colleague)
    new_form = entity_form(entering, name="另一公司", uscc=code)
    edit = reverse("credit:entity_edit", args=[existing.pk])
    jobs = [
        lambda: entering.post(reverse("credit:entity_new"), new_form),
        lambda: correcting.post(edit, {"kind": "organisation", "name": "某公司", "uscc": code}),
    ]
    responses = run_concurrently(lambda: jobs.pop()())
    assert sorted(response.status_code for response in responses) == [302, 400]
    assert MarketEntity.objects.filter(uscc=code).count() == 1
    refused = next(response for response in responses if response.status_code == 400)
    assert "该统一社会信用代码的市场主体已录入" in refused.text


def test_an_experts_stored_id_number_is_kept_when_the_field_is_left_empty(client_for, insider):
    from credit.identity import check_character

    number = "42282519800101123" + check_character("42282519800101123")
    expert = MarketEntity.objects.create(name="李四", kind="person", id_number=number)
    client = client_for(insider)
    form = client.get(reverse("credit:entity_edit", args=[expert.pk])).content.decode()
    assert number not in form
    response = client.post(
        reverse("credit:entity_edit", args=[expert.pk]),
        {"kind": "person", "name": "李四", "roles": ["expert"]},
    )
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.id_number == number


def test_pages_take_a_fixed_number_of_queries(
    client_for, supervisor, memo, make_record, entity, django_assert_max_num_queries
):
    from tests.factories import AgencyFactory

    for number in range(5):
        make_record(entity, act=f"Q{number}")
    client = client_for(supervisor)
    client.get(memo.get_absolute_url())  # warm the per-process caches (content types, calendar)
    with django_assert_max_num_queries(30) as few:
        client.get(memo.get_absolute_url())
    for _ in range(10):
        AgencyFactory(region=memo.region)
    memo_more = memo_issue(
        actor=supervisor,
        agency=memo.agency,
        title="x",
        grounds="x",
        measures="x",
        restricted_until=datetime.date(2030, 1, 1),
        entities=[entity],
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(memo_more.get_absolute_url())  # twelve parts cost what two did
    with django_assert_max_num_queries(30):
        client.get(entity.get_absolute_url())


def test_the_public_list_searches_by_name_or_code(client, make_record, entity, other_entity, recently):
    make_record(entity, act="P1", decided_on=recently)
    make_record(other_entity, act="P2", decided_on=recently)
    page = client.get(reverse("credit:public_records"), {"q": "建设集团"}).content.decode()
    assert entity.name in page
    assert other_entity.name not in page
    page = client.get(reverse("credit:public_records"), {"q": other_entity.uscc.lower()}).content.decode()
    assert other_entity.name in page
    assert entity.name not in page


def test_a_case_page_may_prefill_the_record_form(client_for, insider, entity):
    url = reverse("credit:record_new", args=[entity.pk])
    form = (
        client_for(insider)
        .get(url, {"source_kind": "case", "source_reference": "XE-7", "act": "XE-7"})
        .context["form"]
    )
    assert form["source_kind"].value() == "case"
    assert form["act"].value() == "XE-7"


def test_the_head_revokes_a_record_with_reasons_for_the_revocation(
    client_for, colleague, make_record, entity
):
    record = make_record(entity, act="P1")
    client = client_for(colleague)
    assert "撤销理由" in client.get(record.get_absolute_url()).content.decode()
    url = reverse("credit:record_step", args=[record.pk, "revoke"])
    refused = client.post(url, {"reason": " ", "seen_state": record.state})
    assert refused.status_code == 400
    assert "这个字段是必填项" in refused.content.decode()

    client.post(url, {"reason": "原处罚决定被复议撤销", "seen_state": record.state})
    record.refresh_from_db()
    assert record.state == "revoked"


def test_a_refused_repair_application_keeps_what_was_typed(client_for, insider, make_record, entity):
    record = make_record(entity, act="P2")
    url = reverse("credit:repair_apply", args=[record.pk])
    refused = client_for(insider).post(url, {"applicant": "", "reasons": "已缴清罚款并完成整改"})
    assert refused.status_code == 400
    assert "已缴清罚款并完成整改" in refused.content.decode()
    assert "这个字段是必填项" in refused.content.decode()


def test_the_roles_are_a_row_of_labelled_boxes_with_the_entitys_ticked(client_for, insider, entity):
    """Each role is a box with its own label (the list used to fall apart into one character a line)."""
    text = client_for(insider).get(reverse("credit:entity_edit", args=[entity.pk])).text
    assert '<legend class="form-label small mb-1">角色</legend>' in text
    boxes = re.findall(r'<div class="form-check form-check-inline">(.*?)</div>', text, re.S)
    assert len(boxes) == 5
    [bidder] = [box for box in boxes if "投标人</label>" in box and "招标" not in box]
    assert "checked" in bidder
    assert [box for box in boxes if "checked" in box] == [bidder]
