from django.db import models

from agencies.querysets import member_agency_ids, supervised_region_ids


class DeadlineQuerySet(models.QuerySet):
    def running(self):
        """Clocks that still count: open, paused or overdue."""
        return self.filter(state__in=["open", "paused", "overdue"])

    def visible_to(self, user):
        """Clocks of the agencies the user works in, and of every agency in the regions they supervise."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            models.Q(agency_id__in=member_agency_ids(user))
            | models.Q(agency__region_id__in=supervised_region_ids(user))
        )
