"""Audit benchmarks (make bench): what audit_record adds to a transaction, and verify_audit's time per 1,000,000
events. Prints a table against the target; never fails on a figure.

Run by scripts/bench.sh as `python -m bench.audit` on a freshly migrated throwaway PostgreSQL, which it fills with
BENCH_AUDIT_EVENTS (default 1,000,000) chained events, computed here with the project's own chain_hash and
loaded with COPY. BENCH_AUDIT_TRANSACTIONS (default 2,000) sizes the insert measurement.
"""

# ruff: noqa: E402 - the project's modules can only be imported once django.setup() has run

import csv
import io
import os
import statistics
import time
from datetime import UTC, datetime, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, Membership, Region
from audit.chain import FIELDS, GENESIS, chain_hash, payload_text
from audit.models import AuditEvent, AuditHead
from audit.services import audit_record
from audit.verify import audit_verify

EVENTS = int(os.environ.get("BENCH_AUDIT_EVENTS", "1000000"))
TRANSACTIONS = int(os.environ.get("BENCH_AUDIT_TRANSACTIONS", "2000"))
ROUNDS = 3  # timed runs of each measurement
COPY_BATCH = 50_000
START = datetime(2026, 1, 5, 0, 30, tzinfo=UTC)
ACTIONS = [
    ("referral_sent", "approved", "sent"),
    ("receipt_signed", "sent", "received"),
    ("referral_accepted", "received", "accepted"),
    ("agenda_item_signed", "", ""),
    ("document_downloaded", "", ""),
]


# The data ------------------------------------------------------------------------------------------------------


def create_people() -> tuple[list[int], list[int]]:
    """A county with ten departments, each with a handler; returns the agencies' and the handlers' ids."""
    county = Region.objects.create(name="宣恩县", code="422825")
    agencies = [
        Agency.objects.create(
            name=f"宣恩县局{number}", short_name=f"局{number}", kind="supervisory", region=county
        )
        for number in range(10)
    ]
    users = User.objects.bulk_create(
        [User(username=f"bench{number}", password=make_password(None)) for number in range(len(agencies))]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, agency=agency, role="handler")
            for user, agency in zip(users, agencies, strict=True)
        ]
    )
    return [agency.pk for agency in agencies], [user.pk for user in users]


def load_events(agency_ids: list[int], user_ids: list[int]) -> None:
    """EVENTS events about the agencies, one every 30 seconds, chained as audit_record chains them."""
    content_type = ContentType.objects.get_for_model(Agency).pk
    columns = [*FIELDS, "prev_hash", "hash"]
    sql = f"COPY {AuditEvent._meta.db_table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    previous = GENESIS
    with connection.cursor() as cursor:
        for first in range(1, EVENTS + 1, COPY_BATCH):
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for sequence in range(first, min(first + COPY_BATCH, EVENTS + 1)):
                which = sequence % len(agency_ids)
                action, from_state, to_state = ACTIONS[sequence % len(ACTIONS)]
                values = (
                    sequence,
                    START + timedelta(seconds=30 * sequence, microseconds=sequence % 999_983),
                    user_ids[which],
                    agency_ids[which],
                    "handler",
                    action,
                    content_type,
                    agency_ids[which],
                    f"宣恩县局{which}",
                    from_state,
                    to_state,
                    payload_text(
                        {"number": f"宣公管委〔2026〕{sequence}号", "step": sequence % 7, "note": "材料齐全"}
                    ),
                    f"{sequence:032x}",
                    f"10.{sequence % 250}.{sequence % 249}.{sequence % 247}",
                )
                digest = chain_hash(previous, values)
                row = [value if value is not None else "\\N" for value in values]
                row[1] = values[1].isoformat()
                writer.writerow([*row, previous, digest])
                previous = digest
            buffer.seek(0)
            cursor.cursor.copy_expert(sql, buffer)
        AuditHead.objects.create(pk=1, sequence=EVENTS, hash=previous)
        # Statistics for the planner, and the hint bits and visibility map a table in service has.
        cursor.execute("VACUUM ANALYZE")


# Measuring -----------------------------------------------------------------------------------------------------


def time_transactions(agency_id: int, user: User, *, audited: bool) -> float:
    """TRANSACTIONS transactions that each change one row, with or without its audit event; seconds in all."""
    agency = Agency.objects.get(pk=agency_id)
    started = time.perf_counter()
    for number in range(TRANSACTIONS):
        with transaction.atomic():
            Agency.objects.filter(pk=agency_id).update(complaint_phone=f"0718-{number:07d}")
            if audited:
                audit_record(
                    actor=user,
                    action="phone_changed",
                    obj=agency,
                    agency=agency,
                    from_state="old",
                    to_state="new",
                    payload={"phone": f"0718-{number:07d}"},
                )
    return time.perf_counter() - started


def statements_per_event(agency_id: int, user: User) -> int:
    """The statements audit_record adds to a transaction that is already under way."""
    agency = Agency.objects.get(pk=agency_id)
    with transaction.atomic():
        Agency.objects.filter(pk=agency_id).update(complaint_phone="0718-0000000")
        with CaptureQueriesContext(connection) as queries:
            audit_record(actor=user, action="phone_changed", obj=agency, agency=agency)
    return len(queries)


def time_verifications() -> tuple[list[float], int]:
    times, checked = [], 0
    for _ in range(ROUNDS):
        started = time.perf_counter()
        verification = audit_verify()
        times.append(time.perf_counter() - started)
        if verification.finding is not None:
            raise RuntimeError(f"the benchmark's chain is broken: {verification.finding.message}")
        checked = verification.events
    return times, checked


# The report ----------------------------------------------------------------------------------------------------


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    header = ("measurement", "figure", "target", "result")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(4)]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def verdict(met: bool) -> str:
    return "ok" if met else "NOT MET"


def main() -> None:
    cores = len(os.sched_getaffinity(0))  # what nproc prints
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]

    agency_ids, user_ids = create_people()
    started = time.perf_counter()
    load_events(agency_ids, user_ids)
    print(f"Computed and loaded {EVENTS:,} chained events in {time.perf_counter() - started:.0f} s.")

    # Appends go to the end of the million, as in service. Plain and audited rounds alternate.
    user = User.objects.get(pk=user_ids[0])
    plain, audited = [], []
    for _ in range(ROUNDS):
        plain.append(time_transactions(agency_ids[0], user, audited=False))
        audited.append(time_transactions(agency_ids[0], user, audited=True))
    statements = statements_per_event(agency_ids[0], user)
    times, checked = time_verifications()

    plain_ms = statistics.median(plain) / TRANSACTIONS * 1000
    audited_ms = statistics.median(audited) / TRANSACTIONS * 1000
    per_million = statistics.median(times) / checked * 1_000_000
    print()
    print(f"Audit benchmarks: {checked:,} events; PostgreSQL {server}; {cores} cores")
    print_table(
        [
            (
                f"transaction changing one row, {TRANSACTIONS:,} in a row",
                f"{plain_ms:.3f} ms (median of {ROUNDS})",
                "",
                "",
            ),
            ("the same with audit_record", f"{audited_ms:.3f} ms (median of {ROUNDS})", "", ""),
            (
                "audit insert overhead per event",
                f"{audited_ms - plain_ms:.3f} ms ({statements} statements)",
                "",
                "",
            ),
            (
                f"verify_audit, {checked:,} events",
                f"{statistics.median(times):.2f} s (median of {ROUNDS}; best {min(times):.2f} s)",
                "",
                "",
            ),
            (
                "verify_audit per 1,000,000 events",
                f"{per_million:.2f} s",
                "< 10 s",
                verdict(per_million < 10),
            ),
        ]
    )


if __name__ == "__main__":
    main()
