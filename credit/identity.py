"""居民身份证号码 (GB 11643-1999) of the people who are market entities themselves: bid-evaluation experts.

18 characters: 6-digit address code, 8-digit birth date, 3-digit sequence, a check character over the first 17
(weights 2^(17-i) mod 11; the remainder indexes "10X98765432"). Shown masked everywhere but the admin.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .uscc import normalize

WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
CHECK = "10X98765432"


def check_character(first17: str) -> str:
    return CHECK[sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True)) % 11]


def validate_id_number(value: str) -> None:
    """Raise ValidationError, in Chinese by default, when the number is not a valid 18-character ID number."""
    number = normalize(value)
    # ASCII digits only: str.isdigit() also takes other scripts' digits, which NFKC keeps (Ethiopic ፩, which int()
    # refuses; Arabic-Indic ٣, which it reads).
    if not re.fullmatch(r"[0-9]{17}.", number):
        raise ValidationError(
            _("An identity card number has 17 digits and a check character; %(number)s does not.")
            % {"number": mask(number)},
            code="id_format",
        )
    try:
        datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("Characters 7 to 14 of an identity card number are a birth date; %(part)s is not.")
            % {"part": number[6:14]},
            code="id_birth_date",
        ) from None
    if number[17] != check_character(number[:17]):
        raise ValidationError(
            _("The check character of this identity card number is wrong: a digit was mistyped."),
            code="id_check",
        )


def mask(number: str) -> str:
    """4228**********1234: the first four and last four characters, the rest starred (birth date included)."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"
