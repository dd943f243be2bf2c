"""Case benchmarks (make bench): the case list and a lead's page with 1,000,000 referrals on PostgreSQL, next to a
bare Django view in the same run: requests per second, the ratio to the bare view, p50 and p95 latency. Prints a
table against the targets; never fails on a figure (but a page that does not answer 200 stops it: a broken page is
not a benchmark).

Run by scripts/bench.sh as `python -m bench.cases` on a freshly migrated throwaway PostgreSQL, which it fills:
BENCH_REFERRALS (default 1,000,000) referrals of as many leads, each with its trading project, its numbered
referral letter and one statutory clock, spread over the states and the departments of one county, loaded with
set-based SQL; then a few leads go the whole way through the real workflows (filed with evidence, verified twice,
report submitted, approved, referred, signed for, accepted), so that the measured lead pages have a real trail,
clocks and documents. BENCH_REQUESTS (default 300) sizes each measurement, BENCH_SECONDS (default 60) caps the
time a slow page may take.

Requests go through django.test.Client in this process, one at a time and through the full middleware stack with
a logged-in session: requests per second is one client's, the inverse of the mean latency, and the targets compare
it with the bare view's. The list is measured as the county's supervisor (督办), who sees every lead, the worst
case; the lead's page as a handler of the sending agency.
"""

# ruff: noqa: E402 - the project's modules can only be imported once django.setup() has run

import os
import re
import statistics
import time
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.color import no_style
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse
from django.utils import timezone

import config.urls
from agencies.models import Agency, Membership, Region
from cases.models import Lead, Referral, TradingProject
from cases.overdue import overdue_mark_all
from cases.services import Party, lead_file
from cases.workflows import (
    lead_approve,
    lead_submit,
    lead_verify,
    referral_accept,
    referral_receive,
    referral_send,
)
from credit.models import MarketEntity
from deadlines.models import Deadline, DeadlineRule, WorkCalendar
from documents.models import Document

TOTAL = int(os.environ.get("BENCH_REFERRALS", "1000000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
# A slow page gets fewer requests: at most this many seconds of its own time (so a page at 1 s a request does not
# hold the run up for minutes; its figures say how many requests they rest on).
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
WARM_UP = 10  # untimed requests per page first: templates, URL resolver, calendar cache, PostgreSQL's buffers
ROUNDS = 3  # the pages take turns, REQUESTS / ROUNDS requests at a time, so that drift hits them all alike
HISTORIES = 5  # leads that go through the real workflows; the lead's page is measured on these in turn
SPAN = timedelta(days=730)  # the bulk leads were filed over the last two years, one every SPAN / TOTAL
RECENT = 0.02  # the newest 2 % (about two weeks) are still being handled, and one older referral in 50
ZONE = settings.TIME_ZONE
# One county: its coordinator and nineteen departments, each with a document code (机关代字) for its letters.
DEPARTMENTS = [
    ("住房和城乡建设局", "宣住建"),
    ("交通运输局", "宣交运"),
    ("水利和湖泊局", "宣水利"),
    ("农业农村局", "宣农业"),
    ("自然资源和规划局", "宣自然"),
    ("财政局", "宣财"),
    ("审计局", "宣审"),
    ("市场监督管理局", "宣市监"),
    ("发展和改革局", "宣发改"),
    ("教育局", "宣教"),
    ("卫生健康局", "宣卫健"),
    ("文化和旅游局", "宣文旅"),
    ("林业局", "宣林"),
    ("商务局", "宣商务"),
    ("民政局", "宣民政"),
    ("人力资源和社会保障局", "宣人社"),
    ("生态环境分局", "宣环"),
    ("应急管理局", "宣应急"),
    ("公安局", "宣公"),
]
# A small PDF that the evidence check recognises by its content (as the tests make one).
PDF = b"%PDF-1.7\n" + b"1 0 obj <<>> endobj\n" * 50
MATERIALS = [
    {"name": "投标文件雷同分析报告", "copies": 1, "pages": 15, "is_original": False, "note": "系统导出"},
    {"name": "开标记录", "copies": 1, "pages": 3, "is_original": True, "note": ""},
]
LEGAL_BASIS = "《中华人民共和国招标投标法实施条例》第四十条"


# The data ------------------------------------------------------------------------------------------------------


def create_people() -> dict:
    """The county, its coordinator with a supervisor, and its departments with two handlers and a head each."""
    prefecture = Region.objects.create(name="恩施土家族苗族自治州", code="422800")
    county = Region.objects.create(name="宣恩县", code="422825", parent=prefecture)
    county.coordinator = Agency.objects.create(
        name="宣恩县公共资源交易监督管理委员会",
        short_name="公管委",
        kind=Agency.Kind.COMMITTEE,
        region=county,
        doc_prefix="宣公管委",
    )
    county.save(update_fields=["coordinator"])
    departments = [
        Agency.objects.create(
            name=f"宣恩县{name}",
            short_name=name,
            kind=Agency.Kind.POLICE if name == "公安局" else Agency.Kind.SUPERVISORY,
            region=county,
            doc_prefix=prefix,
        )
        for name, prefix in DEPARTMENTS
    ]
    staff = [(county.coordinator, Membership.Role.SUPERVISOR)]
    for agency in departments:
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
    # people[0] supervises; then each department's first handler, second handler and head.
    return {
        "supervisor": people[0],
        "departments": departments,
        "handlers": [people[1 + 3 * n] for n in range(len(departments))],
        "second_handlers": [people[2 + 3 * n] for n in range(len(departments))],
        "heads": [people[3 + 3 * n] for n in range(len(departments))],
    }


# Row i of the plan is referral i, of lead i, about project i, with letter i and clock i (ids offset by what each
# table holds already). Leads are filed in id order over SPAN up to 12 hours ago, by the departments in turn, each
# referred to another department. The newest RECENT of them, and one older one in 50, are still being handled
# (sent, signed for, accepted, concluded), their clock running, overdue once its due day has passed; the others
# were returned (one in ten), have reported their acceptance (two in ten) or their result (the rest), their last
# clock met. Each sender numbers its letters per year without gaps, as documents/numbers.py does.
PLAN = """
    CREATE TEMPORARY TABLE bench_plan AS
    SELECT planned.*, row_number() OVER (PARTITION BY s, year ORDER BY i) AS sequence
    FROM (
        SELECT dated.*,
               extract(year FROM sent_at AT TIME ZONE %(zone)s)::int AS year,
               CASE WHEN state <> 'sent' THEN sent_at + interval '2 hours' END AS received_at,
               CASE WHEN state NOT IN ('sent', 'received') THEN
                   CASE WHEN in_progress THEN sent_at + interval '4 hours'
                        ELSE sent_at + least(interval '2 days', (%(now)s - sent_at) / 4) END
               END AS decided_at,
               CASE WHEN state IN ('concluded', 'result_notified') THEN
                   CASE WHEN in_progress THEN sent_at + interval '6 hours'
                        ELSE sent_at + least(interval '30 days', (%(now)s - sent_at) / 2) END
               END AS concluded_at,
               format('宣恩县%%s（第%%s号）', (%(works)s::text[])[1 + i %% cardinality(%(works)s::text[])], i)
                   AS project_name
        FROM (
            SELECT i, s, 1 + (s + (i / %(departments)s) %% (%(departments)s - 1)) %% %(departments)s AS r,
                   created_at, created_at + interval '2 hours' AS sent_at, in_progress,
                   CASE WHEN in_progress THEN (ARRAY['sent', 'received', 'accepted', 'concluded'])[1 + (i / 7) %% 4]
                        WHEN i %% 10 = 1 THEN 'returned'
                        WHEN i %% 10 IN (2, 3) THEN 'acceptance_notified'
                        ELSE 'result_notified' END AS state
            FROM (
                SELECT i, 1 + i %% %(departments)s AS s, %(start)s + i * %(spacing)s AS created_at,
                       %(total)s - i < %(recent)s OR i %% 50 = 0 AS in_progress
                FROM generate_series(1, %(total)s) AS i
            ) AS numbered
        ) AS dated
    ) AS planned
"""
LOAD_PROJECTS = """
    INSERT INTO cases_tradingproject (id, name, code, category, amount)
    SELECT %(project)s + i, project_name, format('XE-%%s-%%s', year, lpad(i::text, 7, '0')),
           (ARRAY['construction', 'procurement', 'land_mining', 'state_assets', 'other'])[1 + i %% 5],
           100000 + (i::bigint * 7919) %% 50000000
    FROM bench_plan
"""
LOAD_LEADS = """
    INSERT INTO cases_lead (
        id, agency_id, source, project_id, facts, discovered_on, state, needs_designation, designation_reasons,
        created_by_id, created_at, revision, overdue)
    SELECT %(lead)s + i, (%(agencies)s::bigint[])[s],
           (ARRAY['trading_center', 'complaint', 'routine', 'campaign', 'assigned', 'inspection_tour', 'data_alert',
                  'other'])[1 + (i / 3) %% 8],
           %(project)s + i, (%(facts)s::text[])[1 + i %% cardinality(%(facts)s::text[])],
           (created_at AT TIME ZONE %(zone)s)::date - i %% 5,
           CASE WHEN state = 'returned' THEN 'approved' ELSE 'referred' END, false, '',
           (%(handlers)s::int[])[s], created_at,
           CASE WHEN state = 'returned' THEN 4 ELSE 3 END,  -- saved when submitted, approved, referred (taken back)
           false  -- set from the clocks once they are loaded (overdue_mark_all)
    FROM bench_plan
"""
# Letters whose PDF was made long ago: ready, with a file name (never read here) and a digest. Verification codes
# are the id in hexadecimal spelled in the code alphabet: unique, and far from the random codes of real documents.
LOAD_LETTERS = """
    INSERT INTO documents_document (
        id, kind, agency_id, addressee_id, series, year, sequence, number, title, issued_on, context,
        content_type_id, object_id, verification_code, state, file, sha256, attempts, error, rendered_at,
        created_by_id, created_at)
    SELECT %(letter)s + i, 'letter', (%(agencies)s::bigint[])[s], (%(agencies)s::bigint[])[r], '函', year, sequence,
           (%(prefixes)s::text[])[s] || '函〔' || year || '〕' || sequence || '号',
           '关于移送' || project_name || '有关问题线索的函', (sent_at AT TIME ZONE %(zone)s)::date,
           jsonb_build_object(
               'recipient', (%(names)s::text[])[r],
               'body', jsonb_build_array(
                   (%(facts)s::text[])[1 + i %% cardinality(%(facts)s::text[])],
                   '依据' || %(legal_basis)s || '，现将该线索及有关材料移送你单位处理，请按规定办理并回复。'),
               'attachments', jsonb_build_array('移送材料清单')),
           %(lead_type)s, %(lead)s + i, code, 'ready',
           format('documents/%%s/%%s/%%s.pdf', year, (%(agencies)s::bigint[])[s], code),
           encode(sha256(convert_to(code, 'UTF8')), 'hex'), 1, '', sent_at + interval '1 minute',
           (%(handlers)s::int[])[s], sent_at
    FROM (
        SELECT *, translate(lpad(to_hex(%(letter)s + i), 12, '0'), '0123456789abcdef', '23456789ABCDEFGH') AS code
        FROM bench_plan
    ) AS coded
"""
LOAD_REFERRALS = """
    INSERT INTO cases_referral (
        id, lead_id, sender_id, receiver_id, destination, method, legal_basis, state, letter_id, sent_by_id, sent_at,
        received_by_id, received_at, decided_at, return_reasons, result, concluded_at, revision)
    SELECT %(referral)s + i, %(lead)s + i, (%(agencies)s::bigint[])[s], (%(agencies)s::bigint[])[r],
           (%(destinations)s::text[])[r],
           (ARRAY['direct', 'post', 'email'])[1 + i %% 3], %(legal_basis)s, state, %(letter)s + i,
           (%(handlers)s::int[])[s], sent_at,
           CASE WHEN received_at IS NOT NULL THEN (%(handlers)s::int[])[r] END, received_at, decided_at,
           CASE WHEN state = 'returned' THEN '经审查，该线索不属于本单位职责范围。' ELSE '' END,
           CASE WHEN concluded_at IS NOT NULL THEN '已依法立案调查，对相关投标人作出行政处罚决定。' ELSE '' END,
           concluded_at,
           CASE state WHEN 'sent' THEN 0 WHEN 'received' THEN 1 WHEN 'accepted' THEN 2 WHEN 'returned' THEN 2
                      WHEN 'acceptance_notified' THEN 3 WHEN 'concluded' THEN 4 ELSE 5 END  -- one save a step
    FROM bench_plan
"""
# One clock per referral, the receiver's latest: L3 (decide within 5 working days of receipt), L4 (report the
# acceptance within 5) or L5 (report the result within 10). Due at the end of the day a week (two for L5) after
# the trigger, which is what 5 (10) working days come to away from holidays.
LOAD_CLOCKS = """
    INSERT INTO deadlines_deadline (
        id, content_type_id, object_id, rule_id, duration, unit, agency_id, calendar_id, triggered_at, due_at,
        provisional, state, met_at, overdue_at, next_reminder_at, reminder_step, escalation_step, created_at)
    SELECT %(clock)s + i, %(referral_type)s, %(referral)s + i, (%(rules)s::bigint[])[rule], (%(durations)s::int[])[rule],
           'working_days', (%(agencies)s::bigint[])[r], %(calendar)s, triggered_at, due_at, false,
           CASE WHEN NOT running THEN 'met' WHEN due_at < %(now)s THEN 'overdue' ELSE 'open' END,
           CASE state WHEN 'returned' THEN decided_at
                      WHEN 'acceptance_notified' THEN decided_at + least(interval '3 days', (%(now)s - decided_at) / 2)
                      WHEN 'result_notified' THEN concluded_at + least(interval '5 days', (%(now)s - concluded_at) / 2)
           END,
           CASE WHEN running AND due_at < %(now)s THEN due_at + interval '1 minute' END,
           CASE WHEN running AND due_at >= %(now)s THEN due_at - interval '15:29:59' END,
           CASE WHEN NOT running THEN 0 WHEN due_at < %(now)s THEN 2 ELSE 1 END,
           CASE WHEN running AND due_at < %(now)s THEN 2 ELSE 0 END,
           triggered_at
    FROM (
        SELECT *, ((triggered_at AT TIME ZONE %(zone)s)::date + CASE rule WHEN 3 THEN 14 ELSE 7 END
                   + time '23:59:59') AT TIME ZONE %(zone)s AS due_at
        FROM (
            SELECT *, state IN ('sent', 'received', 'accepted', 'concluded') AS running,
                   CASE WHEN state IN ('sent', 'received', 'returned') THEN 1
                        WHEN state IN ('accepted', 'acceptance_notified') THEN 2 ELSE 3 END AS rule,
                   CASE WHEN state IN ('sent', 'received', 'returned') THEN sent_at
                        WHEN state IN ('accepted', 'acceptance_notified') THEN decided_at
                        ELSE concluded_at END AS triggered_at
            FROM bench_plan
        ) AS ruled
    ) AS due
"""
# The counters documents/numbers.py takes the next number from, so that the real workflows continue each series.
LOAD_COUNTERS = """
    INSERT INTO documents_numbercounter (agency_id, series, year, last)
    SELECT agency_id, series, year, max(sequence) FROM documents_document GROUP BY agency_id, series, year
"""
WORKS = ["道路改造工程", "学校食堂食材采购", "国有建设用地使用权出让", "农村饮水安全工程", "办公设备采购",
         "河道综合治理工程", "国有资产转让", "医院医疗设备采购"]  # fmt: skip
FACTS = [
    "两家投标人的投标文件雷同，报价呈等差数列。",
    "中标人项目经理在同期另一在建项目任职，涉嫌挂靠投标。",
    "评标专家与投标人存在利害关系未主动回避。",
    "招标文件设置不合理条件，限制、排斥潜在投标人。",
]


def next_id(model) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1


def load_referrals(people: dict) -> None:
    """TOTAL referrals with their leads, projects, letters and clocks, in set-based SQL (see PLAN)."""
    now = timezone.now()
    spacing = SPAN / TOTAL
    departments = people["departments"]
    rules = [DeadlineRule.objects.get(code=code) for code in ("L3", "L4", "L5")]
    params = {
        "zone": ZONE,
        "now": now,
        "start": now - timedelta(hours=12) - spacing * TOTAL,
        "spacing": spacing,
        "total": TOTAL,
        "recent": int(TOTAL * RECENT),
        "departments": len(departments),
        "agencies": [agency.pk for agency in departments],
        "prefixes": [agency.doc_prefix for agency in departments],
        "names": [agency.name for agency in departments],
        # The destination that proposes each receiver (cases/destinations.py): the police, or a supervisory one.
        "destinations": [
            Referral.Destination.POLICE
            if agency.kind == Agency.Kind.POLICE
            else Referral.Destination.SUPERVISORY
            for agency in departments
        ],
        "handlers": [user.pk for user in people["handlers"]],
        "works": WORKS,
        "facts": FACTS,
        "legal_basis": LEGAL_BASIS,
        "rules": [rule.pk for rule in rules],
        "durations": [rule.duration for rule in rules],
        "calendar": WorkCalendar.objects.get(code=WorkCalendar.NATIONAL).pk,
        "lead_type": ContentType.objects.get_for_model(Lead).pk,
        "referral_type": ContentType.objects.get_for_model(Referral).pk,
        # Ids are given here and offset by what the tables hold (nothing, after a fresh migrate).
        "project": next_id(TradingProject) - 1,
        "lead": next_id(Lead) - 1,
        "letter": next_id(Document) - 1,
        "referral": next_id(Referral) - 1,
        "clock": next_id(Deadline) - 1,
    }
    with connection.cursor() as cursor:
        cursor.execute(PLAN, params)
        # The rows refer to each other by construction; checking their foreign keys one by one (six a referral)
        # would take most of the load's time. The replica role skips those triggers only (the bench cluster's
        # user is a superuser); keys and unique constraints are still enforced by their indexes.
        cursor.execute("SET session_replication_role = replica")
        for sql in [LOAD_PROJECTS, LOAD_LEADS, LOAD_LETTERS, LOAD_REFERRALS, LOAD_CLOCKS, LOAD_COUNTERS]:
            cursor.execute(sql, params)
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("DROP TABLE bench_plan")
        # The identity sequences continue after the ids given above, for the rows the workflows add.
        for sql in connection.ops.sequence_reset_sql(
            no_style(), [TradingProject, Lead, Document, Referral, Deadline]
        ):
            cursor.execute(sql)
    # The clocks were written without the deadline engine, so without its clocks_changed signal: the leads'
    # overdue marks (cases/overdue.py) are set from them here, as the engine would have kept them.
    overdue_mark_all()
    with connection.cursor() as cursor:
        # Statistics for the planner, and the hint bits and visibility map a table in service has.
        cursor.execute("VACUUM ANALYZE")


def file_histories(people: dict) -> list[Lead]:
    """HISTORIES leads of the first department, each taken by the real workflows from filing to acceptance by the
    second; returns them."""
    sender, receiver = people["departments"][:2]
    handler, second, head = people["handlers"][0], people["second_handlers"][0], people["heads"][0]
    receiver_handler, receiver_head = people["handlers"][1], people["heads"][1]
    bidder = MarketEntity.objects.create(uscc="91110000600037341L", name="某建设集团有限公司")
    leads = []
    for number in range(HISTORIES):
        lead = lead_file(
            actor=handler,
            agency=sender,
            source=Lead.Source.TRADING_CENTER,
            project=TradingProject(
                name=f"宣恩县某道路改造工程{number + 1}标段",
                code=f"XE-JS-{number + 1:04d}",
                category=TradingProject.Category.CONSTRUCTION,
                amount=12_800_000,
            ),
            facts=FACTS[0],
            discovered_on=timezone.localdate() - timedelta(days=2),
            parties=[Party(bidder, "bidder")],
            files=[
                SimpleUploadedFile("雷同分析.pdf", PDF),
                SimpleUploadedFile("开标记录.pdf", PDF + b"%open\n"),
            ],
        )
        lead_verify(actor=handler, lead=lead, findings="经比对投标文件，雷同情况属实。")
        lead_verify(actor=second, lead=lead, findings="复核投标报价，呈等差数列，情况属实。")
        lead_submit(
            actor=handler, lead=lead, report_file=SimpleUploadedFile("核实报告.pdf", PDF + b"%report\n")
        )
        lead_approve(actor=head, lead=lead)
        referral = referral_send(
            actor=handler,
            lead=lead,
            receiver=receiver,
            destination=Referral.Destination.SUPERVISORY,
            method=Referral.Method.DIRECT,
            legal_basis=LEGAL_BASIS,
            materials=MATERIALS,
        )
        referral_receive(actor=receiver_handler, referral=referral)
        referral_accept(actor=receiver_head, referral=referral)
        leads.append(lead)
    return leads


# Measuring -----------------------------------------------------------------------------------------------------


def bare(request):
    """The yardstick: the full middleware stack, the session and nothing else."""
    return HttpResponse("ok")


# The portal's URLs and the bare view, for the measurements (ROOT_URLCONF names this module while they run).
urlpatterns = [path("bare/", bare), *config.urls.urlpatterns]


def get(client: Client, url: str) -> float:
    """One request; its latency in seconds. Anything but 200 stops the benchmark."""
    started = time.perf_counter()
    response = client.get(url, secure=True)  # as behind the TLS proxy: no redirect to https
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}, not 200: nothing to measure.")
    return elapsed


def check(client: Client, url: str, shows: re.Pattern) -> None:
    """Refuse to measure a page that does not show what it should (`shows`), or a list that refused its filters
    (it would show everything)."""
    response = client.get(url, secure=True)
    form = (getattr(response, "context_data", None) or {}).get("form")
    if form is not None and form.is_bound and not form.is_valid():
        raise RuntimeError(
            f"{url}: the list refuses the filter ({form.errors.as_text()}): nothing to measure."
        )
    if response.status_code != 200 or not shows.search(response.content.decode()):
        raise RuntimeError(
            f"{url} answered {response.status_code} without {shows.pattern}: nothing to measure."
        )


def query_count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    return len(queries)


def measure(pages: dict[str, tuple[Client, list[str]]]) -> dict[str, list[float]]:
    """Each page's latencies over REQUESTS requests, or as many as SECONDS of its time allow, the pages taking turns
    in ROUNDS; a page with several URLs cycles through them."""
    latencies = {name: [] for name in pages}
    for client, urls in pages.values():
        for number in range(WARM_UP):
            get(client, urls[number % len(urls)])
    per_round = max(REQUESTS // ROUNDS, 1)
    for _ in range(ROUNDS):
        for name, (client, urls) in pages.items():
            spent, count = 0.0, 0
            while count < per_round and spent < SECONDS / ROUNDS:
                latency = get(client, urls[len(latencies[name]) % len(urls)])
                latencies[name].append(latency)
                spent, count = spent + latency, count + 1
    return latencies


# The report ----------------------------------------------------------------------------------------------------


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    header = ("measurement", "figure", "target", "result")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(4)]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def verdict(met: bool) -> str:
    return "ok" if met else "NOT MET"


def percentile(values: list[float], share: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def main() -> None:
    cores = len(os.sched_getaffinity(0))  # what nproc prints
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]

    people = create_people()
    started = time.perf_counter()
    load_referrals(people)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    histories = file_histories(people)
    filed = time.perf_counter() - started
    print(
        f"Loaded {TOTAL:,} referrals with their leads, projects, letters and clocks in {loaded:.0f} s; "
        f"took {HISTORIES} leads through the workflows in {filed:.1f} s."
    )

    supervisor, member = people["supervisor"], people["handlers"][0]
    visible = Lead.objects.visible_to(supervisor).count()
    with override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        as_supervisor, as_member = Client(), Client()
        as_supervisor.force_login(supervisor)
        as_member.force_login(member)
        case_list = reverse("cases:list")
        pages = {
            "bare": (as_supervisor, ["/bare/"]),
            "list": (as_supervisor, [case_list]),
            # The filters' values as the list's form names them: referrals waiting to be signed for, and overdue.
            "list_sent": (as_supervisor, [f"{case_list}?state=referral:sent"]),
            "list_overdue": (as_supervisor, [f"{case_list}?overdue=on"]),
            "lead": (as_member, [reverse("cases:lead", args=[lead.pk]) for lead in histories]),
        }
        any_lead = re.compile(re.escape(reverse("cases:lead", args=[999999999])).replace("999999999", r"\d+"))
        for name in ["list", "list_sent", "list_overdue"]:
            check(as_supervisor, pages[name][1][0], any_lead)
        for lead, url in zip(histories, pages["lead"][1], strict=True):
            check(as_member, url, re.compile(re.escape(lead.project.name)))
        latencies = measure(pages)
        queries = {name: query_count(client, urls[0]) for name, (client, urls) in pages.items()}

    def rate(name: str) -> float:
        return len(latencies[name]) / sum(latencies[name])

    def ms(name: str, share: int) -> float:
        return percentile(latencies[name], share) * 1000

    bare_rate = rate("bare")
    rows = [
        (
            "bare view (full middleware, logged in)",
            f"{bare_rate:,.0f} req/s ({queries['bare']} queries)",
            "",
            "",
        ),
        (
            "bare view latency",
            f"p50 {ms('bare', 50):.1f} ms, p95 {ms('bare', 95):.1f} ms ({len(latencies['bare'])} requests)",
            "",
            "",
        ),
    ]
    for name, label, share, p95 in [
        ("list", "case list, supervisor, first page", 0.10, 60),
        ("list_sent", "case list ?state=referral:sent", 0.10, 60),
        ("list_overdue", "case list ?overdue=on", 0.10, 60),
        ("lead", "lead page, sending handler", 0.15, 40),
    ]:
        ratio = rate(name) / bare_rate
        rows += [
            (
                label,
                f"{rate(name):,.1f} req/s = {ratio:.3f} x bare ({queries[name]} queries)",
                f">= {share:.2f} x bare",
                verdict(ratio >= share),
            ),
            (
                f"{label}: latency",
                f"p50 {ms(name, 50):.1f} ms, p95 {ms(name, 95):.1f} ms ({len(latencies[name])} requests)",
                f"p95 <= {p95} ms",
                verdict(ms(name, 95) <= p95),
            ),
        ]
    print()
    print(
        f"Case benchmarks: {TOTAL:,} referrals, the supervisor sees {visible:,} leads; "
        f"one client in-process; PostgreSQL {server}; {cores} cores"
    )
    print_table(rows)


if __name__ == "__main__":
    main()
