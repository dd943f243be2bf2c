"""Who may see what of the joint meetings (docs/adr/0014-joint-meetings.md):

- the body's people (its convener, its office and its member agencies) see the body and all its meetings;
- an invited agency sees the meetings it was invited to, and nothing else of the body;
- the office's head and deputy (named people, normally of the convener and the office) see what the body's people
  see;
- an agenda item is its agency's until submitted, then the office's too, then the convener's (and the office
  head's, who decides too) once compiled, returned from the agenda included, and every reader of the meeting's once
  it is on the agenda.

Superusers see everything; anonymous users nothing. Each condition on its own line; no .distinct() (subqueries).
"""

from django.db import models

from agencies.querysets import member_agency_ids


def body_ids_of(user):
    """A subquery of the ids of the bodies the user's agencies convene, run the office of, or belong to, and of
    those whose office the user heads or deputises."""
    from .models import Body, BodyMember

    mine = member_agency_ids(user)
    return Body.objects.filter(
        models.Q(convener_id__in=mine)
        | models.Q(office_id__in=mine)
        | models.Q(pk__in=BodyMember.objects.filter(agency_id__in=mine).values("body_id"))
        | models.Q(office_head=user)
        | models.Q(office_deputy=user)
    ).values("pk")


def invited_meeting_ids(user):
    from .models import Meeting

    return Meeting.invited.through.objects.filter(agency_id__in=member_agency_ids(user)).values("meeting_id")


class BodyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Bodies the user's agencies convene, run the office of, or belong to."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(pk__in=body_ids_of(user))


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Meetings of the user's bodies, and the meetings the user's agencies were invited to."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            models.Q(body_id__in=body_ids_of(user))  # convener, office and members
            | models.Q(pk__in=invited_meeting_ids(user))  # invited non-members: their meetings only
        )


class AgendaItemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Items of the user's agencies; submitted ones to the office; compiled ones to those who decide on them
        (the convener and the office head), the ones they returned included; and those on the agenda of a meeting
        the user sees."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        from .models import AgendaItem, Meeting

        mine = member_agency_ids(user)
        states = AgendaItem.State
        return self.filter(
            models.Q(agency_id__in=mine)
            | models.Q(
                body__office_id__in=mine, state__in=[states.SUBMITTED, states.COMPILED, states.APPROVED]
            )
            | models.Q(body__office_id__in=mine, state=states.RETURNED, submitted_at__isnull=False)
            | models.Q(body__convener_id__in=mine, state__in=[states.COMPILED, states.APPROVED])
            | models.Q(body__office_head=user, state__in=[states.COMPILED, states.APPROVED])
            # Only the deciders return an item, from the agenda: it keeps its meeting until it is signed again.
            | models.Q(body__convener_id__in=mine, state=states.RETURNED, meeting__isnull=False)
            | models.Q(body__office_head=user, state=states.RETURNED, meeting__isnull=False)
            | models.Q(state=states.APPROVED, meeting__in=Meeting.objects.visible_to(user))
        )


class DecisionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Decisions of the meetings the user sees."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        from .models import Meeting

        return self.filter(meeting__in=Meeting.objects.visible_to(user))


def consultable_cases(body, user):
    """The leads a consultation of `body` may be about, as `user` plans it: those the user sees, of agencies in the
    body's region or below (a user of two jurisdictions, or a city's supervisor, sees more than the body's)."""
    from agencies.models import Region
    from cases.models import Lead

    return Lead.objects.visible_to(user).filter(
        agency__region_id__in=Region.objects.subtree_ids([body.region_id])
    )
