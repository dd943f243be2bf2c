"""Who reads which audit events: AuditEvent.objects.visible_to."""

import pytest
from django.contrib.auth.models import AnonymousUser

from audit.models import AuditEvent
from audit.services import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(agency, other_agency, foreign_agency, insider):
    """One event for each agency, one for none (a failed log-in), and one about the insider's own log-in."""
    return {
        "agency": audit_record(actor=None, action="a", agency=agency),
        "other_agency": audit_record(actor=None, action="b", agency=other_agency),
        "foreign_agency": audit_record(actor=None, action="c", agency=foreign_agency),
        "no_agency": audit_record(actor=None, action="d"),
        "own": audit_record(actor=insider, action="e"),
    }


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("insider", {"agency", "own"}),
        ("colleague", {"agency"}),
        ("outsider", {"other_agency"}),
        ("supervisor", {"agency", "other_agency"}),
        ("foreign_supervisor", {"foreign_agency"}),
    ],
)
def test_visible_to(request, recorded, persona, visible):
    user = request.getfixturevalue(persona)
    seen = set(AuditEvent.objects.visible_to(user).values_list("pk", flat=True))
    assert seen == {recorded[name].pk for name in visible}


def test_the_operator_reads_everything(recorded):
    assert AuditEvent.objects.visible_to(UserFactory(is_superuser=True)).count() == len(recorded)


def test_anonymous_reads_nothing(recorded):
    assert not AuditEvent.objects.visible_to(AnonymousUser()).exists()


def test_an_outsider_sees_nothing_of_another_agency(recorded, outsider, agency):
    assert not AuditEvent.objects.visible_to(outsider).filter(agency=agency).exists()
