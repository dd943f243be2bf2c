"""The credit line other pages show beside a market entity (a case's parties): its standing today, from published
records and memos in force only, so it says nothing a reader of the public check could not read."""

from django import template
from django.utils import timezone

from credit.standing import standing_of

register = template.Library()


@register.inclusion_tag("credit/_credit_line.html")
def credit_line(entity):
    """A badge: may trade, or restricted until when (and why, in its title), with the adverse points counted."""
    return {"entity": entity, "standing": standing_of(entity, timezone.localdate())}
