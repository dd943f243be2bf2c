"""The clocks of cases: which deadlines belong to which cases (deadlines, like documents, target them generically)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from .models import Lead, Referral


def case_types() -> dict:
    """{Lead: its content type, Referral: its content type} (cached by Django after the first call)."""
    return ContentType.objects.get_for_models(Lead, Referral)


def of_targets(ids_by_model: dict) -> Q:
    """The condition on Deadline (or Document, or any row with a generic target) for {model: [ids]}."""
    types = ContentType.objects.get_for_models(*ids_by_model)
    condition = Q(pk__in=[])
    for model, ids in ids_by_model.items():
        condition |= Q(content_type=types[model], object_id__in=list(ids))
    return condition


def of_cases(lead_ids=(), referral_ids=()) -> Q:
    return of_targets({Lead: lead_ids, Referral: referral_ids})
