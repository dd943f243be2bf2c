"""Deadline benchmarks (make bench): the sweep when 10,000 clocks fall due among 1,000,000 open ones, next to a
hand-written batched SQL sweep on the same data in the same run; the idle sweep; add_working_days calls per
second. Prints a table against the targets; never fails on a figure.

Run by scripts/bench.sh as `python -m bench.deadlines` on a freshly migrated throwaway PostgreSQL, which it fills.
BENCH_DEADLINES (default 1,000,000) and BENCH_DUE (default 10,000) size the data; the targets are set for the
defaults.
"""

# ruff: noqa: E402 - the project's modules can only be imported once django.setup() has run

import os
import statistics
import time
from datetime import date, datetime, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Membership, Region
from deadlines import workdays
from deadlines.models import Deadline, DeadlineRule, WorkCalendar
from deadlines.sweep import BATCH, sweep
from notifications.services import quiet_until

TOTAL = int(os.environ.get("BENCH_DEADLINES", "1000000"))
DUE = int(os.environ.get("BENCH_DUE", "10000"))
ROUNDS = 3  # timed runs of each sweep
IDLE_RUNS = 20
ZONE = timezone.get_default_timezone()
# Working-day clocks end at 23:59:59, so the sweep's busiest minute is the first of the day: everything due
# yesterday becomes overdue at once. An ordinary week, far from any holiday.
NOW = datetime(2026, 3, 11, 0, 1, tzinfo=ZONE)
DUE_AT = datetime(2026, 3, 10, 23, 59, 59, tzinfo=ZONE)
DEPARTMENTS = [
    "住房和城乡建设局",
    "交通运输局",
    "水利和湖泊局",
    "农业农村局",
    "自然资源和规划局",
    "财政局",
    "审计局",
    "市场监督管理局",
    "发展和改革局",
    "教育局",
]


# The data ------------------------------------------------------------------------------------------------------


def create_agencies() -> list[int]:
    """A prefecture with two counties. Each county's coordinator has a supervisor (督办), each of its departments
    two handlers and a head, so every overdue clock tells two people. Returns the departments' ids."""
    prefecture = Region.objects.create(name="恩施土家族苗族自治州", code="422800")
    departments, staff = [], []
    for code, county_name in [("422825", "宣恩县"), ("422826", "咸丰县")]:
        county = Region.objects.create(name=county_name, code=code, parent=prefecture)
        county.coordinator = Agency.objects.create(
            name=f"{county_name}公共资源交易监督管理委员会",
            short_name="公管委",
            kind=Agency.Kind.COMMITTEE,
            region=county,
        )
        county.save(update_fields=["coordinator"])
        staff.append((county.coordinator, Membership.Role.SUPERVISOR))
        for name in DEPARTMENTS:
            agency = Agency.objects.create(
                name=f"{county_name}{name}", short_name=name, kind=Agency.Kind.SUPERVISORY, region=county
            )
            departments.append(agency.pk)
            staff += [(agency, Membership.Role.HANDLER)] * 2 + [(agency, Membership.Role.HEAD)]
    people = User.objects.bulk_create(
        [User(username=f"bench{number}", password=make_password(None)) for number in range(len(staff))]
    )
    Membership.objects.bulk_create(
        [
            Membership(user=user, agency=agency, role=role)
            for user, (agency, role) in zip(people, staff, strict=True)
        ]
    )
    return departments


# Set-based, so that a million rows take seconds. Row i belongs to run i / (TOTAL // DUE), the runs go to the
# departments in turn, and the first row of runs 1 to DUE fell due yesterday: the due clocks are spread over the
# table and the departments like real ones. Their reminders have all been sent; every other clock is due within
# the next 300 days and its next reminder is 08:30 on its due day. Each clock concerns an object of its own (there
# are no referrals to point at yet: the object ids are the row numbers).
LOAD_DEADLINES = """
    INSERT INTO deadlines_deadline (
        content_type_id, object_id, rule_id, duration, unit, agency_id, calendar_id, triggered_at, due_at,
        provisional, state, next_reminder_at, reminder_step, escalation_step, created_at)
    SELECT %(content_type)s, i, %(rule)s, %(duration)s, %(unit)s, agency_id, %(calendar)s,
           due_at - interval '7 days', due_at, false, 'open',
           CASE WHEN is_due THEN NULL ELSE due_at - interval '15:29:59' END,
           CASE WHEN is_due THEN 2 ELSE 1 END, 0, due_at - interval '7 days'
    FROM (
        SELECT i, (%(agencies)s::bigint[])[1 + (i / %(step)s) %% cardinality(%(agencies)s::bigint[])] AS agency_id, is_due,
               CASE WHEN is_due THEN %(due_at)s ELSE %(due_at)s + (1 + i %% 300) * interval '1 day' END AS due_at
        FROM (
            SELECT i, i %% %(step)s = 0 AND i / %(step)s <= %(due)s AS is_due
            FROM generate_series(1, %(total)s) AS i
        ) AS numbered
    ) AS generated
"""


def load_deadlines(agency_ids: list[int]) -> None:
    rule = DeadlineRule.objects.get(code="L3")
    with connection.cursor() as cursor:
        cursor.execute(
            LOAD_DEADLINES,
            {
                "content_type": ContentType.objects.get_for_model(Agency).pk,
                "rule": rule.pk,
                "duration": rule.duration,
                "unit": rule.unit,
                "calendar": WorkCalendar.objects.get(code=WorkCalendar.NATIONAL).pk,
                "agencies": agency_ids,
                "due_at": DUE_AT,
                "step": TOTAL // DUE,
                "due": DUE,
                "total": TOTAL,
            },
        )
        # Statistics for the planner, and the hint bits and visibility map a table in service has.
        cursor.execute("VACUUM ANALYZE")


def reset() -> None:
    """Undo a sweep: the clocks it marked are open again, with no events and no notifications."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE deadlines_deadline SET state = 'open', overdue_at = NULL, escalation_step = 0, "
            "next_escalation_at = NULL WHERE state = 'overdue'"
        )
        cursor.execute("TRUNCATE deadlines_deadlineevent, notifications_notification")
        # Else the next sweep would step over the dead row versions this one left in the indexes.
        cursor.execute("VACUUM ANALYZE deadlines_deadline")


# The hand-written sweep ----------------------------------------------------------------------------------------

# One statement per batch of BATCH clocks, like the project's sweep: claim the oldest due clocks, record their
# events, and notify the heads of their agencies and the supervisors of their regions and the regions above.
# Notification texts match deadlines/sweep.py to the character; the one shortcut is the second escalation: 09:00
# of the N-th calendar day after the due day, not of the N-th working day (N: DEADLINE_SECOND_ESCALATION_…).
SQL_SWEEP = """
    WITH RECURSIVE due AS (
        SELECT id FROM deadlines_deadline
        WHERE state = 'open' AND due_at < %(now)s  -- a clock due at 23:59:59 still has that whole second
        ORDER BY due_at LIMIT %(batch)s
        FOR UPDATE SKIP LOCKED
    ), claimed AS (
        UPDATE deadlines_deadline AS d
        SET state = 'overdue', overdue_at = %(now)s, escalation_step = 1, next_reminder_at = NULL,
            next_escalation_at =
                ((d.due_at AT TIME ZONE %(zone)s)::date + %(escalation_days)s + time '09:00') AT TIME ZONE %(zone)s
        FROM due WHERE d.id = due.id
        RETURNING d.id, d.due_at, d.agency_id, d.rule_id
    ), events AS (
        INSERT INTO deadlines_deadlineevent (deadline_id, kind, at, step, new_due_at, note)
        SELECT id, 'overdue', %(now)s, 1, due_at, '' FROM claimed
        ON CONFLICT DO NOTHING
    ), above (agency_id, region_id) AS (
        SELECT a.id, a.region_id FROM agencies_agency AS a WHERE a.id IN (SELECT agency_id FROM claimed)
        UNION
        SELECT above.agency_id, r.parent_id
        FROM above JOIN agencies_region AS r ON r.id = above.region_id
        WHERE r.parent_id IS NOT NULL
    ), recipients (agency_id, user_id) AS (
        SELECT m.agency_id, m.user_id
        FROM agencies_membership AS m
        JOIN agencies_agency AS a ON a.id = m.agency_id
        JOIN auth_user AS u ON u.id = m.user_id
        WHERE m.role = 'head' AND m.is_active AND a.is_active AND u.is_active
          AND m.agency_id IN (SELECT agency_id FROM claimed)
        UNION
        SELECT above.agency_id, m.user_id
        FROM above
        JOIN agencies_agency AS a ON a.region_id = above.region_id
        JOIN agencies_membership AS m ON m.agency_id = a.id
        JOIN auth_user AS u ON u.id = m.user_id
        WHERE m.role = 'supervisor' AND m.is_active AND a.is_active AND u.is_active
    ), notified AS (
        INSERT INTO notifications_notification (
            recipient_id, key, title, body, url, content_type_id, object_id, created_at, deliver_after,
            email_state, email_attempts, email_next_attempt_at, email_error)
        SELECT rcp.user_id,
               'deadline:' || c.id || ':overdue:1:' || to_char(c.due_at AT TIME ZONE 'UTC', 'YYYYMMDDHH24MI'),
               '【逾期督办】' || dr.code || ' ' || dr.name,
               ag.name || '：“' || dr.code || ' ' || dr.name || '”已于'
                   || to_char(c.due_at AT TIME ZONE %(zone)s, 'FMYYYY"年"FMMM"月"FMDD"日"FMHH24"时"MI"分"')
                   || '逾期未办结，请督促办理。',
               replace(%(url)s, %(url_id)s, c.id::text),
               %(content_type)s, c.id, %(now)s, %(deliver_after)s, 'pending', 0, %(deliver_after)s, ''
        FROM claimed AS c
        JOIN recipients AS rcp ON rcp.agency_id = c.agency_id
        JOIN agencies_agency AS ag ON ag.id = c.agency_id
        JOIN deadlines_deadlinerule AS dr ON dr.id = c.rule_id
        ON CONFLICT DO NOTHING
    )
    SELECT count(*) FROM claimed
"""


def sql_sweep(now: datetime) -> int:
    """Mark what is due by `now` overdue with SQL_SWEEP, one batch per statement; return how many."""
    url_id = "9223372036854775807"  # stands for the id in the detail URL; SQL puts each clock's id in
    params = {
        "now": now,
        "batch": BATCH,
        "zone": settings.TIME_ZONE,
        "escalation_days": settings.DEADLINE_SECOND_ESCALATION_WORKING_DAYS,
        "url": reverse("deadlines:detail", args=[url_id]),
        "url_id": url_id,
        "content_type": ContentType.objects.get_for_model(Deadline).pk,
        "deliver_after": quiet_until(now),
    }
    total = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(SQL_SWEEP, params)
            claimed = cursor.fetchone()[0]
            total += claimed
            if claimed < BATCH:
                return total


def project_sweep(now: datetime) -> int:
    return sweep(now).overdue


# Measuring -----------------------------------------------------------------------------------------------------

# What a sweep left behind, to compare the two: counts, and digests of every column both write the same way
# (all but next_escalation_at).
OUTCOME = """
    SELECT (SELECT count(*) FROM deadlines_deadline WHERE state = 'overdue'),
           (SELECT count(*) FROM deadlines_deadlineevent),
           (SELECT count(*) FROM notifications_notification),
           (SELECT md5(string_agg(ROW(id, state, overdue_at, escalation_step, next_reminder_at, reminder_step)::text,
                                  ',' ORDER BY id))
            FROM deadlines_deadline WHERE state <> 'open'),
           (SELECT md5(string_agg(ROW(deadline_id, kind, at, actor_id, step, old_due_at, new_due_at, note)::text,
                                  ',' ORDER BY deadline_id, kind))
            FROM deadlines_deadlineevent),
           (SELECT md5(string_agg(ROW(recipient_id, key, title, body, url, content_type_id, object_id, created_at,
                                      deliver_after, read_at, email_state, email_attempts, email_next_attempt_at,
                                      email_claimed_at, email_sent_at, email_error)::text,
                                  ',' ORDER BY recipient_id, key))
            FROM notifications_notification)
"""


def outcome() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(OUTCOME)
        return cursor.fetchone()


def time_sweeps() -> tuple[dict[str, list[float]], dict[str, set[tuple]]]:
    """Run both sweeps ROUNDS times, alternating, each from the same reset data; return their times and outcomes.

    An untimed first round warms both up (the calendar cache, the URL resolver, PostgreSQL's buffers) and leaves
    the table laid out as every later reset leaves it.
    """
    sweeps = {"sql": sql_sweep, "project": project_sweep}
    times = {name: [] for name in sweeps}
    outcomes = {name: set() for name in sweeps}
    for round_number in range(ROUNDS + 1):
        for name, run in sweeps.items():
            reset()
            started = time.perf_counter()
            marked = run(NOW)
            elapsed = time.perf_counter() - started
            outcomes[name].add((marked, *outcome()))
            if round_number:
                times[name].append(elapsed)
    return times, outcomes


def time_idle_sweeps() -> list[float]:
    """The sweep when nothing is due: right after the project's sweep has marked everything overdue."""
    times = []
    for _ in range(IDLE_RUNS):
        started = time.perf_counter()
        result = sweep(NOW)
        times.append(time.perf_counter() - started)
        if result.reminded or result.overdue or result.escalated:
            raise RuntimeError(f"the idle sweep found work: {result}")
    return times


def working_days_calls_per_second() -> float:
    """add_working_days from every day of 2026, 1 to 10 working days ahead, as the sweep calls it (by calendar id)."""
    calendar = WorkCalendar.objects.get(code=WorkCalendar.NATIONAL).pk
    calls = [(date(2026, 1, 1) + timedelta(days=day), n) for day in range(365) for n in range(1, 11)]
    repeat = 50
    for start, n in calls:  # warm-up: loads the calendar and builds its prefix sums
        workdays.add_working_days(start, n, calendar=calendar)
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeat):
            for start, n in calls:
                workdays.add_working_days(start, n, calendar=calendar)
        best = min(best, time.perf_counter() - started)
    return len(calls) * repeat / best


# The report ----------------------------------------------------------------------------------------------------


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    header = ("measurement", "figure", "target", "result")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(4)]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def verdict(met: bool) -> str:
    return "ok" if met else "NOT MET"


def main() -> None:
    if not 0 < DUE <= TOTAL:
        raise SystemExit(f"BENCH_DUE ({DUE}) must be between 1 and BENCH_DEADLINES ({TOTAL}).")
    cores = len(os.sched_getaffinity(0))  # what nproc prints
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]

    started = time.perf_counter()
    load_deadlines(create_agencies())
    print(f"Loaded {TOTAL:,} open deadlines, {DUE:,} of them due, in {time.perf_counter() - started:.0f} s.")

    times, outcomes = time_sweeps()
    idle = time_idle_sweeps()
    calls = working_days_calls_per_second()

    project, sql = statistics.median(times["project"]), statistics.median(times["sql"])
    ratio = project / sql
    idle_ms = statistics.median(idle) * 1000
    print()
    print(
        f"Deadline benchmarks: {TOTAL:,} open deadlines, {DUE:,} of them due; PostgreSQL {server}; {cores} cores"
    )
    print_table(
        [
            (
                f"sweep, {DUE:,} due: deadlines.sweep",
                f"{project:.2f} s (median of {ROUNDS}; best {min(times['project']):.2f} s)",
                "< 2 s",
                verdict(project < 2),
            ),
            (
                f"sweep, {DUE:,} due: hand-written SQL",
                f"{sql:.2f} s (median of {ROUNDS}; best {min(times['sql']):.2f} s)",
                "",
                "",
            ),
            ("deadlines.sweep / hand-written SQL", f"{ratio:.2f} x", "<= 1.5 x", verdict(ratio <= 1.5)),
            ("idle sweep", f"{idle_ms:.1f} ms (median of {IDLE_RUNS})", "< 50 ms", verdict(idle_ms < 50)),
            ("add_working_days", f"{calls:,.0f} calls/s", ">= 200,000 calls/s", verdict(calls >= 200_000)),
        ]
    )
    print()
    for name, label in [("project", "deadlines.sweep"), ("sql", "hand-written SQL")]:
        for marked, overdue, events, notifications, *_ in sorted(outcomes[name]):
            print(
                f"{label}: marked {marked:,} overdue ({overdue:,} in the table), "
                f"{events:,} events, {notifications:,} notifications"
            )
    same = len(outcomes["project"]) == 1 and outcomes["project"] == outcomes["sql"]
    print(
        "Both sweeps left the same rows behind in every run (next_escalation_at aside)."
        if same
        else "NOT THE SAME: the two sweeps, or two runs of one, left different rows behind."
    )


if __name__ == "__main__":
    main()
