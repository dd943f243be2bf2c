from django.db import models

from agencies.querysets import member_agency_ids, supervised_region_ids


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents the user's agencies issued, received or were sent among many (`distribution`), and those of
        the regions they supervise unless confidential (those stay with the agencies they went to)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        mine = member_agency_ids(user)
        supervised = supervised_region_ids(user)
        return self.filter(
            models.Q(agency_id__in=mine)
            | models.Q(addressee_id__in=mine)
            | models.Exists(
                self.model.distribution.through.objects.filter(
                    document_id=models.OuterRef("pk"), agency_id__in=mine
                )
            )
            | models.Q(confidential=False)
            & (models.Q(agency__region_id__in=supervised) | models.Q(addressee__region_id__in=supervised))
        )
