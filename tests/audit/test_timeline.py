"""The timeline component: an object's events, who for which agency, what and when, as the user may see them."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import models
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from audit.models import AuditEvent
from audit.services import audit_record
from audit.timeline import timeline_for
from tests.factories import DutyItemFactory

pytestmark = pytest.mark.django_db


class Status(models.TextChoices):
    # Stands for a domain app's states and actions, which audit (floor 1) does not know.
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    REFERRAL_SENT = "referral_sent", "Referral sent"


@pytest.fixture(autouse=True)
def _english():
    # These tests read the messages in English (the source text); test_verify checks the Chinese wording once.
    with translation.override("en"):
        yield


@pytest.fixture
def trail(agency, other_agency, insider, outsider, duty_item):
    """The insider sends the duty item (standing for a referral) at 09:30 China time; the outsider's agency
    records a note on it at 10:00; a job records something at 10:30; a visitor failed to log in about it."""
    insider.last_name, insider.first_name = "张", "三"
    insider.save()
    moments = [
        datetime(2026, 10, 14, 1, 30, tzinfo=UTC) + timedelta(minutes=minutes) for minutes in (0, 30, 60)
    ]
    with time_machine.travel(moments[0], tick=False):
        audit_record(
            actor=insider,
            action="referral_sent",
            obj=duty_item,
            agency=agency,
            from_state="draft",
            to_state="sent",
        )
    with time_machine.travel(moments[1], tick=False):
        audit_record(actor=outsider, action="noted", obj=duty_item, agency=other_agency)
    with time_machine.travel(moments[2], tick=False):
        audit_record(actor=None, action="reminded", obj=duty_item, agency=agency)
    audit_record(
        actor=None, action=AuditEvent.Action.LOGIN_FAILED, obj=duty_item, request=RequestFactory().get("/")
    )
    audit_record(actor=insider, action="elsewhere", obj=other_agency, agency=agency)  # another object
    return duty_item


@pytest.fixture
def duty_item(agency):
    return DutyItemFactory(agency=agency)


def test_timeline_shows_the_objects_events_in_order_with_labels(trail, insider, agency):
    entries = timeline_for(trail, insider, labels=[Status])
    assert [entry.event.action for entry in entries] == [
        "referral_sent",
        "reminded",
    ]  # the insider's agency's
    first = entries[0]
    assert (first.action, first.from_state, first.to_state) == ("Referral sent", "Draft", "Sent")
    assert first.event.agency == agency
    with translation.override("en"):
        assert [str(role) for role in first.roles] == ["Handler (经办人)"]
    assert entries[1].action == "reminded"  # no label given: shown as stored


def test_a_supervisor_sees_every_agencys_events(trail, supervisor):
    assert [entry.event.action for entry in timeline_for(trail, supervisor)] == [
        "referral_sent",
        "noted",
        "reminded",
    ]


def test_the_operator_also_sees_events_for_no_agency(trail, django_user_model):
    operator = django_user_model.objects.create(username="operator", is_superuser=True)
    entries = timeline_for(trail, operator)
    assert [entry.event.action for entry in entries][-1] == AuditEvent.Action.LOGIN_FAILED
    assert entries[-1].anonymous is True
    assert entries[-2].anonymous is False  # the job


def test_an_outsider_sees_only_their_own_agencys_events(trail, outsider):
    assert [entry.event.action for entry in timeline_for(trail, outsider)] == ["noted"]


def test_timeline_costs_the_same_queries_for_any_number_of_events(
    trail, insider, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        entries = timeline_for(trail, insider, labels=[Status])
        render_to_string("audit/_timeline.html", {"timeline": entries})


def test_timeline_renders_who_for_which_agency_what_and_when(trail, supervisor, agency, other_agency):
    with translation.override("en"):
        html = render_to_string(
            "audit/_timeline.html", {"timeline": timeline_for(trail, supervisor, labels=[Status])}
        )
    assert "张三" in html  # person_name: family name first
    assert "Handler (经办人)" in html
    assert agency.name in html
    assert other_agency.name in html
    assert "Referral sent" in html
    assert "Draft → Sent" in html
    assert "2026-10-14 09:30" in html  # shown in Asia/Shanghai
    assert html.index("Referral sent") < html.index("noted") < html.index("reminded")
    assert "system" in html


def test_an_empty_timeline_says_so(db):
    with translation.override("en"):
        assert "Nothing has been recorded about this yet." in render_to_string(
            "audit/_timeline.html", {"timeline": []}
        )
