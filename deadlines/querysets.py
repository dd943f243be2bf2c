from django.db import models

from agencies.querysets import agency_scope


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
        return self.filter(agency_scope(user))
