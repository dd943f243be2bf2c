"""Who may see what of credit. Credit information is shared among the supervising departments (宣恩 二、(二)5):
every staff member sees market entities and every record once published; a record not yet published stays with its
agency and the supervisors over it. The public sees published records only, through `public()`."""

import datetime

from django.db import models

from agencies.querysets import agency_scope, member_agency_ids


def is_staff_member(user) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(member_agency_ids(user)))


class EntityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every entity, to anyone who works in an agency (entities are the departments' shared register)."""
        if not is_staff_member(user):
            return self.none()
        return self.all()

    def search(self, text: str):
        from .uscc import normalize

        text = (text or "").strip()
        if not text:
            return self
        return self.filter(models.Q(name__icontains=text) | models.Q(uscc=normalize(text)))


class RecordQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Records ever published, to every staff member; the others to their agency's members and the
        supervisors of its region."""
        if not is_staff_member(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(models.Q(published_at__isnull=False) | agency_scope(user))

    def public(self, on: datetime.date):
        """What the public may read on `on`: published records within their publication period. Nothing else —
        not drafts, not approved-but-unpublished, not repaired, revoked or expired records."""
        return self.filter(state="published", decided_on__lte=on, publication_until__gte=on)

    def counting(self, on: datetime.date):
        """The records that count in an entity's score on `on`: published and within their validity."""
        return self.filter(state="published", decided_on__lte=on, valid_until__gte=on)


class RepairQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Applications on the records of the user's agencies and of the regions they supervise."""
        if not is_staff_member(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(agency_scope(user, "record__agency"))


class MemoQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Memos the user's agencies issued or were sent, and those of the regions they supervise."""
        if not is_staff_member(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        from .models import MemoExecution

        sent_to_mine = MemoExecution.objects.filter(
            memo=models.OuterRef("pk"), agency_id__in=member_agency_ids(user)
        )
        return self.filter(agency_scope(user) | models.Exists(sent_to_mine))

    def in_force(self, on: datetime.date):
        return self.filter(restricted_until__gte=on, issued_at__date__lte=on)


class MemoExecutionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """An agency's part of a memo: its own members, the issuer's, and the supervisors of either's region."""
        if not is_staff_member(user):
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(agency_scope(user) | agency_scope(user, "memo__agency"))
