"""The look every form of the portal shares (config/forms.py)."""

from django import forms
from django.utils import translation

from config.forms import PortalForm


class Invitation(PortalForm):
    agencies = forms.MultipleChoiceField(choices=[("1", "住建局"), ("2", "交通局")])
    noted = forms.MultipleChoiceField(
        choices=[("1", "住建局")], help_text="可选本县单位。", widget=forms.SelectMultiple
    )
    roles = forms.MultipleChoiceField(choices=[("1", "投标人")], widget=forms.CheckboxSelectMultiple)


def test_a_list_box_says_how_to_choose_more_than_one():
    with translation.override("zh-hans"):
        form = Invitation()
        assert str(form.fields["agencies"].help_text) == "按住 Ctrl 键（Mac 上为 ⌘ 键）单击可多选。"
        assert (
            str(form.fields["noted"].help_text) == "可选本县单位。 按住 Ctrl 键（Mac 上为 ⌘ 键）单击可多选。"
        )
        assert form.fields["roles"].help_text == ""  # boxes to tick need no hint
        assert Invitation.base_fields["agencies"].help_text == ""  # each form its own, none piles up
