from django.db import models

from agencies.querysets import agency_scope


class LeadQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Leads of the agencies the user works in, and of every agency in the regions they supervise."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(agency_scope(user))


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Referrals the user's agencies sent or received, and those of the regions they supervise."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(agency_scope(user, "sender") | agency_scope(user, "receiver"))
