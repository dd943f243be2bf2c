"""A form sent twice creates one object: the form carries a random key in a hidden field, the object stores it in
a unique field, and the service creates through created_once (a double click, a reload of the POST, two tabs)."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import gettext as _

from .forms import PortalForm

SENT_BEFORE = "sent_before"  # the ValidationError code of a form sent again with other choices


class SubmittedOnce(PortalForm):
    """A form whose object is created once however often it is sent (its `submission_key`, new on each display)."""

    submission_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = uuid.uuid4()


def created_once(mine, submission_key, create):
    """Create with `create()` what a form submits, once per `submission_key` (a unique field): a second submit of
    the same form, after the first or at the same moment, gets the first one's object. `mine` limits the lookup to
    the submitter's own (a key is no way into another's: a key taken by another object is a ValidationError);
    `create` must run in a transaction of its own."""
    if submission_key and (earlier := mine.filter(submission_key=submission_key).first()):
        return earlier
    try:
        return create()
    except IntegrityError:
        # The other submit of the same form committed while this one ran: its object is the one created.
        if submission_key and (earlier := mine.filter(submission_key=submission_key).first()):
            return earlier
        _refuse_if_sent_before(mine, submission_key)
        raise


def _refuse_if_sent_before(mine, submission_key) -> None:
    """The key is taken, but not by one of `mine`: the form was sent before with another choice (the browser's
    back button, then another department). Refuse it as a form error (400), saying nothing of the object sent."""
    if submission_key and mine.model._default_manager.filter(submission_key=submission_key).exists():
        raise ValidationError(
            _("This form was already sent. To send something else, open a new form."), code=SENT_BEFORE
        )
