"""Every credit view, tried by people who should get nothing from it: a person of no agency (404 for every staff
page), a supervisor of another jurisdiction (404 for what is not theirs to see, 403 for what is not theirs to do),
and the other agency's handler (the outsider) on another agency's draft, repair and memo part. Anonymous visitors are
sent to log in. The table must name every URL of credit/urls.py."""

import datetime

import pytest
from django.urls import reverse

from credit import urls
from credit.workflows import memo_execute, memo_issue, repair_apply
from tests.factories import UserFactory

PUBLIC = {"public_records", "honour_list", "check", "check_json"}


@pytest.fixture
def things(make_record, entity, insider, supervisor, coordinator, agency, other_agency):
    draft = make_record(entity, state="draft", act="D")
    published = make_record(entity, act="P")
    repair = repair_apply(actor=insider, record=published, applicant="x", reasons="y")
    memo = memo_issue(
        actor=supervisor,
        agency=coordinator,
        title="x",
        grounds="x",
        measures="x",
        restricted_until=datetime.date(2030, 1, 1),
        entities=[entity],
    )
    part = memo.executions.get(agency=agency)
    return {
        "index": ("get", reverse("credit:index")),
        "entity_new": ("get", reverse("credit:entity_new")),
        "entity_detail": ("get", entity.get_absolute_url()),
        "entity_edit": ("get", reverse("credit:entity_edit", args=[entity.pk])),
        "record_new": ("get", reverse("credit:record_new", args=[entity.pk])),
        "import": ("get", reverse("credit:import")),
        "import_template": ("get", reverse("credit:import_template")),
        "record_detail": ("get", draft.get_absolute_url()),
        "repair_apply": ("post", reverse("credit:repair_apply", args=[published.pk])),
        "record_step": ("post", reverse("credit:record_step", args=[draft.pk, "approve"])),
        "repair_decide": ("post", reverse("credit:repair_decide", args=[repair.pk])),
        "memo_list": ("get", reverse("credit:memo_list")),
        "memo_new": ("get", reverse("credit:memo_new")),
        "memo_detail": ("get", memo.get_absolute_url()),
        "memo_part_step": ("post", reverse("credit:memo_part_step", args=[part.pk, "acknowledge"])),
    }


def test_the_table_names_every_staff_view(things):
    names = {pattern.name for pattern in urls.urlpatterns}
    assert names - PUBLIC == set(things)


def call(client, how, url):
    return client.post(url) if how == "post" else client.get(url)


def test_anonymous_visitors_are_sent_to_log_in(client, things):
    for name, (how, url) in things.items():
        response = call(client, how, url)
        assert response.status_code == 302, name
        assert response.url.startswith("/accounts/login/"), name


def test_a_person_of_no_agency_gets_404_everywhere(client_for, things):
    client = client_for(UserFactory(username="nobody"))
    for name, (how, url) in things.items():
        assert call(client, how, url).status_code == 404, name


# The supervisor of another jurisdiction works in an agency, so the shared register (entities, published records)
# is theirs to read; what belongs to 宣恩's agencies is not.
FOREIGN = {
    "index": 200,
    "entity_new": 403,  # a supervisor, not a handler or head
    "entity_detail": 200,
    "entity_edit": 403,
    "record_new": 403,
    "import": 403,
    "import_template": 200,
    "record_detail": 404,  # a draft of 宣恩
    "repair_apply": 403,  # the published record is readable, the step is not theirs
    "record_step": 404,
    "repair_decide": 404,
    "memo_list": 200,
    "memo_new": 403,  # not the coordinator of their own jurisdiction's … of this one
    "memo_detail": 404,
    "memo_part_step": 404,
}

OUTSIDER = {
    "record_detail": 404,  # another agency's draft
    "record_step": 404,
    "repair_apply": 403,  # a published record of another agency
    "repair_decide": 404,
    "memo_detail": 200,  # the memo was sent to their agency too
    "memo_part_step": 404,  # but this part is the other agency's
}


def test_a_supervisor_of_another_jurisdiction(client_for, foreign_supervisor, things):
    client = client_for(foreign_supervisor)
    for name, (how, url) in things.items():
        assert call(client, how, url).status_code == FOREIGN[name], name


def test_the_outsider_on_another_agencys_items(client_for, outsider, things):
    client = client_for(outsider)
    for name, expected in OUTSIDER.items():
        how, url = things[name]
        assert call(client, how, url).status_code == expected, name


def test_a_handler_of_the_agency_may_not_take_the_heads_steps(client_for, insider, things):
    """In their own agency, a handler sees the draft and the repair but approving and deciding are the head's (403,
    nothing changes)."""
    from credit.models import CreditRecord, RepairApplication

    client = client_for(insider)
    for name in ("record_step", "repair_decide"):
        how, url = things[name]
        assert call(client, how, url).status_code == 403, name
    assert not CreditRecord.objects.filter(state="approved").exists()
    assert RepairApplication.objects.get().state == "submitted"


def test_the_outsider_reads_a_published_record_without_its_repair(
    client_for, make_record, entity, insider, outsider
):
    published = make_record(entity, act="R")
    repair_apply(
        actor=insider, record=published, applicant="某建设集团有限公司", reasons="已缴清罚款并完成整改"
    )
    assert "已缴清罚款" in client_for(insider).get(published.get_absolute_url()).text
    page = client_for(outsider).get(published.get_absolute_url())
    assert page.status_code == 200
    assert "已缴清罚款" not in page.text

    def steps(client):
        return [entry.event.action for entry in client.get(published.get_absolute_url()).context["timeline"]]

    assert "credit_repair_submitted" in steps(client_for(insider))
    assert "credit_repair_submitted" not in steps(client_for(outsider))  # nor its step on the history


def test_a_member_agency_sees_the_other_parts_states_but_not_what_they_wrote(
    client_for, things, insider, outsider
):
    from credit.models import MemoExecution

    part = MemoExecution.objects.get(pk=int(things["memo_part_step"][1].split("/")[-3]))
    memo_execute(actor=insider, part=part, note="已暂停其投标资格")
    memo = things["memo_detail"][1]
    assert "已暂停其投标资格" in client_for(insider).get(memo).text
    page = client_for(outsider).get(memo)
    assert part.agency.name in page.text
    assert "已暂停其投标资格" not in page.text
    # Nor on the history: who signed and executed the part is the part's own.
    assert insider.pk not in {entry.event.actor_id for entry in page.context["timeline"]}
