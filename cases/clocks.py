"""The clocks of cases: which deadlines belong to which leads and referrals (they target them generically)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from .models import Lead, Referral


def case_types() -> dict:
    """{Lead: its content type, Referral: its content type} (cached by Django after the first call)."""
    return ContentType.objects.get_for_models(Lead, Referral)


def of_cases(lead_ids=(), referral_ids=()) -> Q:
    """The condition on Deadline (or Document, or any row with a generic target) for these leads and referrals."""
    types = case_types()
    return Q(content_type=types[Lead], object_id__in=list(lead_ids)) | Q(
        content_type=types[Referral], object_id__in=list(referral_ids)
    )
