from django.db import models

from agencies.querysets import agency_scope


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents the user's agencies issued or received, and those of the regions they supervise."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(agency_scope(user, "agency") | agency_scope(user, "addressee"))
