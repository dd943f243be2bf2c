"""What the joint-meeting workflows share: who plays which part, who hears of what, how dates are written."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from agencies.models import Agency, Membership
from agencies.people import members_in_role
from cases.models.revision import Revisioned
from deadlines import workdays
from deadlines.clocks import calendar_for
from deadlines.due import LEGAL_TZ
from notifications.services import Message

from ..models import Body, Meeting

DECISION_RULE = "J1"  # 议定事项限期办结: seeded by meetings/migrations/0002
CONFLICT = "Someone else has handled this in the meantime; please refresh."
R = Membership.Role
OFFICE_ROLES = {R.HANDLER, R.HEAD, R.SUPERVISOR}
MEMBER_ROLES = {R.HANDLER, R.HEAD}


# Who ------------------------------------------------------------------------------------------------------------


def roles_in(user, agency_id: int) -> set[str]:
    """The user's active roles in the agency, read afresh (a workflow does not trust a page's cache)."""
    if not user.is_authenticated:
        return set()
    return set(
        Membership.objects.active()
        .filter(user_id=user.pk, agency_id=agency_id, user__is_active=True)
        .values_list("role", flat=True)
    )


def is_office(user, body: Body) -> bool:
    return bool(roles_in(user, body.office_id) & OFFICE_ROLES)


def is_convener(user, body: Body) -> bool:
    return R.HEAD in roles_in(user, body.convener_id) or (
        body.office_head_id is not None and body.office_head_id == user.pk
    )


def is_member_staff(user, agency_id: int) -> bool:
    return bool(roles_in(user, agency_id) & MEMBER_ROLES)


def member_agency_ids(body: Body) -> set[int]:
    """The agencies of the body: its members, its convener and its office."""
    return set(body.members.values_list("agency_id", flat=True)) | {body.convener_id, body.office_id}


def people(agency_ids, *roles) -> set[int]:
    found = set()
    for role in roles:
        for ids in members_in_role(agency_ids, role).values():
            found |= ids
    return found


def liaisons_and_heads(body: Body, agency_ids) -> set[int]:
    """Those who receive meeting papers for the agencies: each member's liaison officer (联络员) and its heads; an
    agency with no liaison named on the body falls back to its members in the liaison role."""
    agency_ids = set(agency_ids)
    named = dict(body.members.filter(agency_id__in=agency_ids).values_list("agency_id", "liaison_id"))
    found = {user_id for user_id in named.values() if user_id}
    unnamed = {agency_id for agency_id in agency_ids if not named.get(agency_id)}
    return found | people(unnamed, R.LIAISON) | people(agency_ids, R.HEAD)


def content_type_id(model):
    return ContentType.objects.get_for_model(model).pk


def refuse_if_moved_on(obj, seen_state: str | None) -> None:
    """409 unless `obj` is as the page showed it: its state, or a revisioned object's page_token (an agenda item's
    text changes while its state stays)."""
    shown = obj.page_token if isinstance(obj, Revisioned) else obj.state
    if seen_state is not None and shown != seen_state:
        raise ConcurrentTransition(_(CONFLICT))


def message_about(recipients, key, title, body, obj) -> Message:
    return Message(
        recipient_ids=tuple(recipients),
        key=key,
        title=title,
        body=body,
        url=obj.get_absolute_url(),
        content_type_id=content_type_id(type(obj)),
        object_id=obj.pk,
    )


def day_words(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def time_words(moment) -> str:
    local = timezone.localtime(moment, LEGAL_TZ)
    return f"{day_words(local.date())}{local.hour}时{local.minute:02d}分"


def audience(meeting: Meeting) -> set[int]:
    """The agencies a meeting concerns: the body's, and those invited."""
    return member_agency_ids(meeting.body) | set(meeting.invited.values_list("pk", flat=True))


def check_due_date(day: date, *, agency: Agency, today: date) -> None:
    """Refuse a due date that is not a working day after today."""
    calendar = calendar_for(agency).pk
    if day <= today:
        raise ValidationError(_("The due date must be after today."), code="due_not_future")
    if not workdays.is_workday(day, calendar=calendar):
        raise ValidationError(
            _("%(day)s is not a working day: choose a working day.") % {"day": day.isoformat()},
            code="due_not_workday",
        )
