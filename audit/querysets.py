from django.contrib.contenttypes.models import ContentType
from django.db import models

from agencies.querysets import agency_scope


class AuditEventQuerySet(models.QuerySet):
    def visible_to(self, user, *, parties=()):
        """Events the user may read (docs/adr/0004-visibility-scoping.md).

        Superusers (the operator) read all. Others read the events recorded for the agencies they work in, those
        of every agency in the regions they supervise, and their own. Events recorded for no agency (failed
        log-ins, system jobs) are the operator's. `parties` adds the events recorded for those agencies: a caller
        showing an object several agencies share passes them (see audit.timeline.timeline_for).
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            agency_scope(user) | models.Q(actor_id=user.pk) | models.Q(agency_id__in=list(parties))
        )

    def of_object(self, obj):
        """The events recorded about `obj`, oldest first."""
        return self.of_objects([obj])

    def of_objects(self, objs):
        """The events recorded about any of `objs`, oldest first."""
        ids = {}
        for obj in objs:
            ids.setdefault(ContentType.objects.get_for_model(obj).pk, []).append(obj.pk)
        about = models.Q(pk__in=[])
        for content_type, pks in ids.items():
            about |= models.Q(content_type_id=content_type, object_id__in=pks)
        return self.filter(about).order_by("sequence")
