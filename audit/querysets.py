from django.contrib.contenttypes.models import ContentType
from django.db import models

from agencies.querysets import agency_scope


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Events the user may read (docs/adr/0004-visibility-scoping.md).

        Superusers (the operator) read all. Others read the events recorded for the agencies they work in, those
        of every agency in the regions they supervise, and their own. Events recorded for no agency (failed
        log-ins, system jobs) are the operator's.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(agency_scope(user) | models.Q(actor_id=user.pk))

    def of_object(self, obj):
        """The events recorded about `obj`, oldest first."""
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk).order_by(
            "sequence"
        )
