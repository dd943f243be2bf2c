"""统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character over the first 17.

Alphabet of 31 characters (no I, O, S, V, Z); weights 3^i mod 31; check = (31 - Σ value×weight mod 31) mod 31.
Codes may begin with a letter (Y…, A…, N…): python-stdnum's validator rejects those, so it is not used here.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [pow(3, i, 31) for i in range(17)]


def normalize(code: str) -> str:
    """Full-width to half-width, drop spaces and hyphens, upper case (what people paste from documents)."""
    code = unicodedata.normalize("NFKC", code or "")
    return "".join(char for char in code if char not in " -\u3000\t").upper()


def check_character(first17: str) -> str:
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    """Raise ValidationError, in Chinese by default, saying what is wrong (and the expected check character)."""
    code = normalize(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; %(code)s has %(n)d.")
            % {"code": code, "n": len(code)},
            code="uscc_length",
        )
    bad = [char for char in code if char not in ALPHABET]
    if bad:
        raise ValidationError(
            _("%(chars)s cannot appear in a unified social credit code (I, O, S, V and Z are never used).")
            % {"chars": "、".join(dict.fromkeys(bad))},
            code="uscc_character",
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _(
                "Characters 3 to 8 of a unified social credit code are the 6-digit division code; %(part)s is not."
            )
            % {"part": code[2:8]},
            code="uscc_division",
        )
    expected = check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character of %(code)s should be %(expected)s, not %(found)s: a character was mistyped."
            )
            % {"code": code, "expected": expected, "found": code[17]},
            code="uscc_check",
        )
