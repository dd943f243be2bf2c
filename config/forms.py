"""The look of every form of the portal: Bootstrap classes on the widgets, the invalid ones marked and a choice's
empty option worded, so that a template renders a field with {% include "forms/_field.html" %} and nothing else."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

DJANGO_EMPTY_LABEL = "---------"


class PortalFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _style(field)

    def add_field(self, name: str, field: forms.Field) -> None:
        """A field known only once the form is made (one per agency, say), styled as the declared ones."""
        self.fields[name] = _style(field)

    @property
    def field_errors(self) -> bool:
        """Whether a field is in error, not only the form as a whole (forms/_banner.html)."""
        return any(name in self.fields for name in self.errors)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] += " is-invalid"
                widget.attrs["aria-invalid"] = "true"


def _style(field: forms.Field) -> forms.Field:
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    widget.attrs["class"] = css
    if isinstance(widget, forms.SelectMultiple):  # a list box: how to take more than one is not obvious
        hint = _("Hold Ctrl (⌘ on a Mac) and click to choose more than one.")
        field.help_text = format_lazy("{} {}", field.help_text, hint) if field.help_text else hint
    if isinstance(field, forms.ModelChoiceField) and field.empty_label == DJANGO_EMPTY_LABEL:
        field.empty_label = _("Please choose")  # Django's dashes say nothing to a clerk or a citizen
    return field


class PortalForm(PortalFormMixin, forms.Form):
    pass
