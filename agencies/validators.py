import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CHARACTER_CLASSES = (
    set(string.ascii_lowercase),
    set(string.ascii_uppercase),
    set(string.digits),
    set(string.punctuation + " "),
)


class CharacterClassesValidator:
    """Require characters from several classes: lower case, upper case, digits, symbols (等保 8.1.4.1 a)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        used = sum(1 for chars in CHARACTER_CLASSES if chars.intersection(password))
        if used < self.min_classes:
            raise ValidationError(
                _(
                    "This password uses only %(used)d of the 4 kinds of characters. Mix at least %(min)d of: "
                    "lower-case letters, upper-case letters, digits, symbols."
                ),
                code="password_too_simple",
                params={"used": used, "min": self.min_classes},
            )

    def get_help_text(self):
        return ngettext(
            "Your password must mix at least %(min)d kind of characters: lower case, upper case, digits, symbols.",
            "Your password must mix at least %(min)d kinds of characters: lower case, upper case, digits, symbols.",
            self.min_classes,
        ) % {"min": self.min_classes}
