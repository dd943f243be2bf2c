"""The case list's filters and keyset pages, the fixed number of queries of the list and the case page, and 我的待办
ordered by time left."""

from datetime import date, timedelta

import pytest
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import filters
from cases.models import Lead, LeadParty, Referral, TradingProject
from cases.rows import rows_html
from cases.services import lead_file
from cases.todo import tasks_for
from cases.workflows import referral_receive, referral_return
from credit.models import MarketEntity
from deadlines.models import Deadline
from deadlines.signals import clocks_changed
from tests.factories import AgencyFactory, MembershipFactory

from .test_referral import send

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_leads(agency, insider):
    """Leads of every source, two categories, found on consecutive days."""

    def make(count):
        leads = []
        for number in range(count):
            source = Lead.Source.values[number % len(Lead.Source.values)]
            category = "construction" if number % 2 else "procurement"
            leads.append(
                lead_file(
                    actor=insider,
                    agency=agency,
                    source=source,
                    project=TradingProject(name=f"项目{number:03d}", category=category),
                    facts=f"事实{number}",
                    discovered_on=date(2026, 9, 1) + timedelta(days=number),
                    parties=[],
                    files=[],
                )
            )
        return leads

    return make


def names(response):
    return [row["project__name"] for row in response.context["page"].rows]


def test_keyset_pages_walk_every_case_once(client_for, insider, many_leads, monkeypatch):
    monkeypatch.setattr(filters, "PAGE_SIZE", 4)
    many_leads(10)
    client, seen, after = client_for(insider), [], None
    while True:
        response = client.get(reverse("cases:list"), {"after": after} if after else {})
        seen += names(response)
        after = response.context["page"].next_after
        if not after:
            break
    assert seen == [f"项目{number:03d}" for number in reversed(range(10))]


def test_filters(client_for, insider, many_leads, approved, other_agency, receiver_handler):
    leads = many_leads(6)
    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
    client = client_for(insider)

    def listed(**query):
        return set(names(client.get(reverse("cases:list"), query)))

    assert listed(source="complaint") == {"项目001"}
    assert listed(category="construction") == {"项目001", "项目003", "项目005", approved.project.name}
    assert listed(date_from="2026-09-02", date_to="2026-09-03") == {"项目001", "项目002"}
    assert listed(q="项目004") == {"项目004"}
    assert listed(state="lead:referred") == {approved.project.name}
    assert listed(state="referral:received") == {approved.project.name}
    assert listed(state="referral:accepted") == set()
    assert listed(agency=other_agency.pk) == {approved.project.name}  # leads referred to it
    assert listed(overdue="on") == set()
    # Two clocks run out, as the sweep marks them (its own rules are tested in tests/deadlines and test_overdue).
    lead_type = ContentType.objects.get_for_model(Lead)
    late = Deadline.objects.filter(content_type=lead_type, object_id=leads[2].pk) | Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Referral), object_id=referral.pk
    )
    late.update(state="overdue")
    clocks_changed.send(sender=Deadline, deadline_ids=list(late.values_list("pk", flat=True)))
    assert listed(overdue="on") == {"项目002", approved.project.name}


def test_a_wrong_date_range_says_so(client_for, insider):
    response = client_for(insider).get(
        reverse("cases:list"), {"date_from": "2026-10-02", "date_to": "2026-10-01"}
    )
    assert "结束日期早于开始日期" in response.text


def queries(client, url):
    client.get(url)  # first, so that caches (content types, calendars, the session) are warm in both counts
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_list_issues_the_same_number_of_queries_for_2_or_30_cases(client_for, supervisor, many_leads):
    client = client_for(supervisor)
    many_leads(2)
    few = queries(client, reverse("cases:list") + "?overdue=on&q=项目")
    few_plain = queries(client, reverse("cases:list"))
    many_leads(28)
    assert queries(client, reverse("cases:list") + "?overdue=on&q=项目") == few
    assert queries(client, reverse("cases:list")) == few_plain


def test_the_case_page_issues_the_same_number_of_queries_however_much_it_holds(
    client_for, insider, approved, other_agency, receiver_handler, receiver_head, region
):
    client = client_for(insider)
    url = approved.get_absolute_url()
    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
    before = queries(client, url)
    # A return, a second referral with its receipt, more events, documents, clocks and materials.
    referral_return(actor=receiver_head, referral=referral, reasons="不属本部门职责。")
    second = AgencyFactory(region=region, name="宣恩县水利和湖泊局", doc_prefix="宣水")
    second_handler = MembershipFactory(agency=second, role="handler").user
    referral_receive(actor=second_handler, referral=send(approved, insider, second))
    # Two more parties, each with its credit line.
    for uscc, name in [
        ("91350100M000100Y43", "某招标代理有限公司"),
        ("91110000100008401D", "某供应商有限公司"),
    ]:
        LeadParty.objects.create(
            lead=approved, entity=MarketEntity.objects.create(uscc=uscc, name=name), role="agent"
        )
    assert queries(client, url) == before


def test_my_tasks_come_least_time_left_first(
    client_for, insider, agency, many_leads, approved, other_agency, receiver_handler
):
    leads = many_leads(3)  # found 2026-09-01, 09-02, 09-03: their L2 clocks fall due in that order
    tasks = tasks_for(insider, agency)
    titles = [task.title for task in tasks]
    assert titles.index("项目000") < titles.index("项目001") < titles.index("项目002")
    due = [task.clock.deadline.due_at for task in tasks if task.clock]
    assert due == sorted(due)
    page = client_for(insider).get(reverse("dashboards:home")).text
    assert page.index(leads[0].project.name) < page.index(leads[2].project.name)


@pytest.mark.parametrize("after", ["2026-13-01T00:00:00_5", "1.²", "99999999999999999999.1", "abc", "1+2"])
def test_a_malformed_page_link_starts_from_the_first_page(client_for, insider, many_leads, after):
    many_leads(2)
    response = client_for(insider).get(reverse("cases:list"), {"after": after})
    assert response.status_code == 200
    assert names(response) == ["项目001", "项目000"]


def test_invalid_filters_list_nothing_and_say_why(client_for, insider, many_leads):
    many_leads(3)
    response = client_for(insider).get(
        reverse("cases:list"), {"source": "complaint", "date_from": "2026-10-02", "date_to": "2026-10-01"}
    )
    assert names(response) == []
    assert "结束日期早于开始日期" in response.text


def test_an_earlier_receiver_does_not_see_where_the_lead_went_next(
    client_for, approved, insider, other_agency, receiver_handler, receiver_head, region
):
    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
    referral_return(actor=receiver_head, referral=referral, reasons="不属本部门职责。")
    third = AgencyFactory(region=region, name="宣恩县水利和湖泊局", doc_prefix="宣水")
    send(approved, insider, third)
    page = client_for(receiver_handler).get(reverse("cases:list")).context["page"]
    [row] = page.rows  # the lead once referred to it, as it stood when it left
    assert (row["last_receiver"], row["last_referral_state"]) == (other_agency.name, "returned")
    assert names(client_for(receiver_handler).get(reverse("cases:list"), {"agency": third.pk})) == []
    assert names(client_for(insider).get(reverse("cases:list"), {"state": "referral:sent"})) == [
        approved.project.name
    ]
    assert names(client_for(insider).get(reverse("cases:list"), {"state": "referral:returned"})) == []


def test_the_case_page_names_where_a_referral_was_forwarded_without_a_query_of_its_own(
    client_for, approved, insider, other_agency, receiver_handler, receiver_head, upper_region
):
    from cases.workflows import referral_forward

    client, url = client_for(insider), approved.get_absolute_url()
    referral = referral_receive(actor=receiver_handler, referral=send(approved, insider, other_agency))
    before = queries(client, url)
    competent = AgencyFactory(region=upper_region, name="恩施州交通运输局", doc_prefix="恩交")
    referral_forward(actor=receiver_head, referral=referral, competent=competent)
    assert queries(client, url) == before
    for person in (insider, receiver_handler):  # the origin, and the receiver who forwarded it
        assert "转送为: 恩施州交通运输局" in client_for(person).get(url).text


@pytest.mark.parametrize(
    "query",
    [
        None,
        {"state": "referral:sent", "source": "complaint", "category": "other", "agency": "mine"},
        {"state": "x"},
    ],
)
def test_the_lists_selects_write_what_djangos_select_templates_write(insider, region, query, monkeypatch):
    odd = AgencyFactory(region=region, name='"甲&乙"<局>')  # escaped alike
    if query and "agency" in query:
        query["agency"] = odd.pk
    form = filters.CaseFilterForm(query, user=insider)
    form.is_valid()  # an invalid choice marks its select is-invalid
    names = ["state", "agency", "source", "category"]
    assert all(isinstance(form.fields[name].widget, filters.ListSelect) for name in names)
    written = [str(form[name]) for name in names]
    monkeypatch.setattr(filters.ListSelect, "render", forms.Select.render)
    assert written == [str(form[name]) for name in names]
    assert "&quot;甲&amp;乙&quot;&lt;局&gt;" in written[1]


def test_the_list_downloads_every_case_its_filters_select(
    client_for, insider, outsider, many_leads, monkeypatch
):
    import csv
    import io
    import zipfile

    monkeypatch.setattr(filters, "PAGE_SIZE", 4)  # the download is not limited to one page of the list
    many_leads(9)
    client = client_for(insider)
    response = client.get(reverse("cases:list"), {"category": "construction", "format": "csv"})
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:3] == ["案件编号", "交易项目", "类别"]
    assert [line[1] for line in lines[1:]] == ["项目007", "项目005", "项目003", "项目001"]  # newest first
    assert {line[2] for line in lines[1:]} == {"工程建设"}
    every = client.get(reverse("cases:list"), {"format": "xlsx"})
    sheet = zipfile.ZipFile(io.BytesIO(b"".join(every.streaming_content))).read("xl/worksheets/sheet1.xml")
    assert sheet.decode().count("<row ") == 10
    theirs = client_for(outsider).get(reverse("cases:list"), {"format": "csv"})
    assert len(b"".join(theirs.streaming_content).decode("utf-8-sig").splitlines()) == 1  # the headers only


def test_the_download_is_read_a_chunk_at_a_time(insider, many_leads, django_assert_max_num_queries):
    many_leads(12)
    form = filters.CaseFilterForm(None, user=insider)
    rows = filters.case_rows(form, insider, chunk=5)
    with django_assert_max_num_queries(3 * 4):  # three pages of a few queries each, not a query a row
        assert len(list(rows)) == 12


# The markup templates/cases/case_list.html wrote for a row before cases/rows.py took it over (and the cells a phone
# hides since).
ROW_TEMPLATE = """{% load i18n %}{% for row in rows %}<tr><td><a href="{{ row.url }}">{{ row.project__name }}</a><div class="small text-secondary">{{ row.category_label }}</div></td><td class="small d-none d-md-table-cell">{{ row.source_label }}</td><td class="d-none d-md-table-cell">{{ row.agency__name }}{% if row.last_receiver %}<div class="small text-secondary">→ {{ row.last_receiver }}</div>{% endif %}</td><td><span class="badge text-bg-secondary">{{ row.state_label }}</span>{% if row.last_referral_label %} <span class="badge text-bg-info">{{ row.last_referral_label }}</span>{% endif %}{% if row.needs_designation %} <span class="badge text-bg-danger">{% translate "needs a competent agency designated" %}</span>{% endif %}</td><td>{% with clock=row.clock %}{% if clock %}<span class="clock-badge text-bg-{{ clock.urgency }}" title="{{ clock.state }}">{{ clock.label }}</span><div class="small text-secondary">{{ clock.rule }}</div>{% endif %}{% endwith %}</td><td class="text-nowrap small d-none d-md-table-cell">{{ row.found_on }}</td></tr>
{% endfor %}"""


def test_the_rows_written_in_python_are_what_the_template_wrote_every_value_escaped():
    hostile = "<script>alert('x')</script> & \"甲\""
    full = {
        key: f"{key}{hostile}"
        for key in (
            "url",
            "project__name",
            "category_label",
            "source_label",
            "agency__name",
            "last_receiver",
            "state_label",
            "last_referral_label",
            "found_on",
        )
    }
    full["needs_designation"] = True
    full["clock"] = {key: f"{key}{hostile}" for key in ("urgency", "state", "label", "rule")}
    bare = {**full, "last_receiver": "", "last_referral_label": "", "needs_designation": False}
    del bare["clock"]
    rows = [full, bare]

    written = rows_html(rows)

    assert written == Template(ROW_TEMPLATE).render(Context({"rows": rows}))
    assert "<script>" not in written
    assert (
        written.count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;甲&quot;") == 13 + 7
    )  # every value of both rows
    assert written.count("text-bg-danger") == 1  # the designation badge, on the row that needs it
