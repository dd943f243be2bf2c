"""Document numbers in GB/T 9704 form: 机关代字 + 〔年份〕 + 顺序号 + 号, e.g. 宣住建函〔2026〕5号.

六角括号 (U+3014/U+3015), the year in full, no 第 and no leading zeros. Numbers run per agency, series and year,
strictly sequential: the counter row is locked for the rest of the caller's transaction, so two requests at the
same moment queue, and a rolled-back transaction gives its number back (no gap is ever left behind).
"""

import re

from django.db import transaction

from .models import NumberCounter

NUMBER_PATTERN = re.compile(r"^(?P<prefix>[\u4e00-\u9fffA-Za-z]+)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")


def format_number(prefix: str, year: int, sequence: int) -> str:
    return f"{prefix}〔{year}〕{sequence}号"


def allocate(*, agency, series: str, year: int) -> int:
    """Take the next number of the series; call inside the transaction that stores the document."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Allocate document numbers inside the transaction that saves the document.")
    # Create the counter if this is the series' first number this year; a concurrent creator is harmless.
    NumberCounter.objects.bulk_create(
        [NumberCounter(agency=agency, series=series, year=year)], ignore_conflicts=True
    )
    counter = NumberCounter.objects.select_for_update().get(agency=agency, series=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
