"""Log-ins, failed log-ins and lock-outs are audited, with the request id and the client address."""

import pytest
from django.conf import settings
from django.urls import reverse

from audit.models import AuditEvent
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


def log_in(client, username, password, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def test_a_login_is_recorded_with_agency_role_request_id_and_address(client, insider, agency):
    response = log_in(client, "insider", TEST_PASSWORD, REMOTE_ADDR="10.20.30.40")
    assert response.status_code == 302
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target) == (Action.LOGGED_IN, insider, insider)
    assert (event.agency, event.role) == (agency, "handler")
    assert event.ip == "10.20.30.40"
    assert len(event.request_id) == 32
    assert response["X-Request-ID"] == event.request_id


def test_a_failed_login_is_recorded_against_the_account(client, insider):
    log_in(client, "insider", "wrong", REMOTE_ADDR="10.20.30.41")
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target) == (Action.LOGIN_FAILED, None, insider)
    assert event.payload == {"username": "insider"}
    assert event.agency is None
    assert event.ip == "10.20.30.41"


def test_a_failed_login_for_an_unknown_name_is_recorded(client, db):
    log_in(client, "nobody", "wrong")
    event = AuditEvent.objects.get()
    assert (event.action, event.target, event.payload) == (Action.LOGIN_FAILED, None, {"username": "nobody"})


def test_the_locking_failure_and_each_refusal_after_it_are_lockouts(client, insider):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "insider", "wrong")
    assert log_in(client, "insider", TEST_PASSWORD).status_code == 429
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))
    assert actions == [Action.LOGIN_FAILED] * 4 + [Action.LOCKED_OUT] * 2
    locking = AuditEvent.objects.filter(action=Action.LOCKED_OUT).first()
    assert locking.target == insider
    assert locking.payload == {"username": "insider", "failures": 5}


def test_a_sane_incoming_request_id_is_kept(client, insider):
    response = log_in(client, "insider", TEST_PASSWORD, HTTP_X_REQUEST_ID="edge-4f1c2a9b")
    assert AuditEvent.objects.get().request_id == "edge-4f1c2a9b"
    assert response["X-Request-ID"] == "edge-4f1c2a9b"


@pytest.mark.parametrize("incoming", ["short", "has spaces in it", "<script>alert(1)</script>", "x" * 65])
def test_an_odd_incoming_request_id_is_replaced(client, insider, incoming):
    log_in(client, "insider", TEST_PASSWORD, HTTP_X_REQUEST_ID=incoming)
    request_id = AuditEvent.objects.get().request_id
    assert request_id != incoming
    assert len(request_id) == 32
