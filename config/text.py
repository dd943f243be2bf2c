"""Texts cut to the column they are stored in."""

from django.utils.text import Truncator


def fit(text: str, model, field: str) -> str:
    """`text` cut to the length of `model`'s `field`, ending in "…" when cut. Titles are built around names that
    people typed (a project's, an entity's), which alone may fill the column, and a text too long for it would fail
    the caller's whole transaction at the database."""
    # The ellipsis is given, not left to Django's default, which the Chinese catalogue translates to "...".
    return Truncator(text).chars(model._meta.get_field(field).max_length, truncate="…")
