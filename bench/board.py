"""Board benchmarks (make bench): the supervisors' board with 1,000,000 referrals and their clocks on PostgreSQL
(p95 latency and queries a request), and a download of 100,000 clocks as XLSX and CSV (time and memory).

Run by scripts/bench.sh as `python -m bench.board` on a freshly migrated throwaway PostgreSQL, filled as the case
benchmark fills it (bench/cases.py: BENCH_REFERRALS referrals of as many leads, one clock each, the newest 2 %
and one in 50 older ones still running). The clocks were loaded without the deadline engine, so the board's daily
figures are counted here once, as the first sweep after an upgrade counts them (deadlines.daily), and timed.

Requests go through django.test.Client in this process, through the full middleware stack with a logged-in
session, as in bench/cases.py. Memory is Python's own allocations (tracemalloc) while a download is read: flat
means the peak for all the rows is that for a tenth of them (rows are read and written a chunk at a time). Prints a table against the targets; never fails on a figure.
"""

import os
import time
import tracemalloc
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bench import cases  # sets Django up, and holds the loader and the measuring helpers
from dashboards.board import board
from dashboards.periods import month_of
from dashboards.scope import board_scope
from deadlines import daily
from deadlines.due import local_date

EXPORT_ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "100000"))

MARK_ALL_STALE = """
    INSERT INTO deadlines_clockdaystale (day, agency_id, rule_id)
    SELECT DISTINCT (due_at AT TIME ZONE %s)::date, agency_id, rule_id FROM deadlines_deadline
"""


def count_daily_figures() -> float:
    """Count every group's figures (the first sweep after the upgrade would); return the seconds it took."""
    with connection.cursor() as cursor:
        cursor.execute(MARK_ALL_STALE, [settings.TIME_ZONE])
    started = time.perf_counter()
    daily.refresh()
    return time.perf_counter() - started


def export_window(rows: int) -> tuple[str, str, int]:
    """The due days, ending yesterday, that hold at least `rows` clocks of the supervisor's scope, and how many."""
    from deadlines.models import Deadline

    end = local_date(timezone.now()) - timedelta(days=1)
    start, held = end, 0
    while held < rows:
        start -= timedelta(days=7)
        held = Deadline.objects.filter(due_at__date__range=(start, end)).count()
    return start.isoformat(), end.isoformat(), held


def download(client: Client, url: str) -> tuple[float, int]:
    """Read a whole download; return the seconds and the bytes."""
    started = time.perf_counter()
    response = client.get(url, secure=True)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}, not 200: nothing to measure.")
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    return time.perf_counter() - started, size


def peak_memory(client: Client, url: str) -> float:
    """Python's peak allocations (MiB) while a download is made and read."""
    tracemalloc.start()
    try:
        download(client, url)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    cores = len(os.sched_getaffinity(0))
    people = cases.create_people()
    started = time.perf_counter()
    cases.load_referrals(people)
    loaded = time.perf_counter() - started
    counted = count_daily_figures()
    print(
        f"Loaded {cases.TOTAL:,} referrals with their clocks in {loaded:.0f} s; "
        f"counted the board's daily figures from scratch in {counted:.1f} s."
    )
    supervisor, head = people["supervisor"], people["heads"][0]
    now = timezone.now()
    scope, month = board_scope(supervisor), month_of(local_date(now))
    board(scope, month, now=now)  # the calendar cache warm, as in service
    connection.queries_log.clear()  # the capture counts from the log's length, which has a maximum
    with CaptureQueriesContext(connection) as captured:
        board(scope, month, now=now)
    own = len(captured)  # now: each request of the client empties the log the capture reads from
    start, end, held = export_window(EXPORT_ROWS)
    tenth_start, _end, tenth = export_window(EXPORT_ROWS // 10)

    with override_settings(ROOT_URLCONF="bench.cases", ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        as_supervisor, as_head = Client(), Client()
        as_supervisor.force_login(supervisor)
        as_head.force_login(head)
        url = reverse("dashboards:board")
        pages = {
            "bare": (as_supervisor, ["/bare/"]),
            "board": (as_supervisor, [url, f"{url}?preset=year"]),
            "board_head": (as_head, [url]),
        }
        latencies = cases.measure(pages)
        queries = {name: cases.query_count(client, urls[0]) for name, (client, urls) in pages.items()}
        clocks = reverse("dashboards:clocks")
        window = f"{clocks}?start={start}&end={end}"
        downloads = {kind: download(as_supervisor, f"{window}&format={kind}") for kind in ("xlsx", "csv")}
        small = f"{clocks}?start={tenth_start}&end={end}"
        memory = {
            (kind, size): peak_memory(as_supervisor, f"{url_}&format={kind}")
            for kind in ("xlsx", "csv")
            for size, url_ in (("tenth", small), ("window", window))
        }

    def ms(name: str, share: int) -> float:
        return cases.percentile(latencies[name], share) * 1000

    rows = [
        (
            "bare view (full middleware, logged in)",
            f"p50 {ms('bare', 50):.1f} ms ({queries['bare']} queries)",
            "",
            "",
        ),
    ]
    for name, label in (("board", "board, supervisor (month; year)"), ("board_head", "board, agency head")):
        rows.append(
            (
                label,
                f"p50 {ms(name, 50):.1f} ms, p95 {ms(name, 95):.1f} ms ({len(latencies[name])} requests, "
                f"{queries[name]} queries a request, {own} of them the board's)",
                "p95 <= 150 ms, <= 10 queries",
                cases.verdict(ms(name, 95) <= 150 and own <= 10),
            )
        )
    for kind, (seconds, size) in downloads.items():
        rows.append(
            (
                f"download of {held:,} clocks as {kind.upper()}",
                f"{seconds:.1f} s, {size / 2**20:.1f} MiB",
                f"{EXPORT_ROWS:,} rows <= 20 s",
                cases.verdict(seconds <= 20 * held / EXPORT_ROWS),
            )
        )
        part, full = memory[kind, "tenth"], memory[kind, "window"]
        rows.append(
            (
                f"  Python memory peak, {kind.upper()}",
                f"{full:.1f} MiB for {held:,} rows; {part:.1f} MiB for {tenth:,}",
                "flat",
                cases.verdict(full <= part * 1.25 + 1),
            )
        )
    print()
    print(
        f"Board benchmarks: {cases.TOTAL:,} referrals and clocks; one client in-process; "
        f"{cores} cores; the board's own queries: {own} (the others: session, user, roles, scope, layout)"
    )
    cases.print_table(rows)


if __name__ == "__main__":
    main()
