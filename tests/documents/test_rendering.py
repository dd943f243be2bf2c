"""PDFs: GB/T 9704 layout, Chinese text extractable and fonts embedded, same bytes every time, nothing fetched."""

import subprocess
from datetime import timedelta

import pytest

from audit.models import AuditEvent
from documents.models import Document
from documents.pdf import FetchRefused, check_url, issuer_size, render_pdf, static_fetcher
from documents.services import MAX_ATTEMPTS, document_render, document_retry, render_pending
from tests.concurrency import run_concurrently, transactional

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def fonts_of(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def test_chinese_text_comes_back_out_of_the_pdf(issue, tmp_path):
    document = issue()
    text = "".join(
        text_of(render_pdf(document), tmp_path).split()
    )  # pdftotext breaks lines where the page does
    for expected in (
        document.number,
        document.title,
        *document.context["body"],
        "2026年5月9日",
        "联系人：王经办",
    ):
        assert "".join(expected.split()) in text


def test_regular_and_bold_cjk_fonts_are_embedded(issue, tmp_path):
    lines = fonts_of(render_pdf(issue()), tmp_path).splitlines()[2:]
    names = {line.split()[0].split("+")[-1] for line in lines}
    assert names == {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold"}
    assert all(" yes yes yes " in line for line in lines)  # embedded, subset, with a Unicode map


def test_the_same_document_renders_to_the_same_bytes(issue):
    document = issue()
    assert render_pdf(document) == render_pdf(document)


def test_receipt_lists_the_materials_on_one_page(issue, tmp_path):
    document = issue(
        kind="receipt",
        title="案件移送回执",
        context={
            "original_number": "宣交易函〔2026〕3号",
            "case_name": "某工程项目围标串标案",
            "sender": "宣恩县公共资源交易中心",
            "materials": [
                {"name": "投标文件雷同分析报告", "copies": 1, "pages": 15, "original": False, "note": ""}
            ],
            "received_by": "王经办",
            "received_at_text": "2026年5月9日 10时30分",
        },
    )
    pdf = render_pdf(document)
    text = "".join(text_of(pdf, tmp_path).split())
    assert "投标文件雷同分析报告" in text
    assert "复印件" in text
    assert "2026年5月9日10时30分" in text
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Pages:           1" in info


def test_user_text_is_escaped_and_cannot_fetch_anything(issue, tmp_path):
    document = issue(context={"body": ['<img src="file:///etc/passwd"><script>alert(1)</script>']})
    text = text_of(render_pdf(document), tmp_path)
    assert "<img" in text  # shown as text, not interpreted


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.com/x.png", "https://127.0.0.1/x"])
def test_the_fetcher_refuses_anything_but_our_static_files(url):
    with pytest.raises(FetchRefused):
        check_url(url)
    with pytest.raises(FetchRefused):
        static_fetcher().fetch(url)


def test_the_fetcher_serves_our_static_files(settings):
    from pathlib import Path

    css = Path(settings.STATICFILES_DIRS[0]) / "css" / "portal.css"
    response = static_fetcher().fetch(css.as_uri())
    assert b"portal-blue" in response.read()


def test_render_stores_one_immutable_file_with_its_digest(issue):
    import hashlib

    document = issue()
    assert document_render(document_id=document.pk) is True
    assert document_render(document_id=document.pk) is False  # ready: never rendered again
    document.refresh_from_db()
    assert document.state == Document.State.READY
    data = document.file.read()
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert document.file.name == f"documents/2026/{document.agency_id}/{document.verification_code}.pdf"
    _, files = document.file.storage.listdir(f"documents/2026/{document.agency_id}")
    assert files == [f"{document.verification_code}.pdf"]
    import os
    import stat

    assert stat.S_IMODE(os.stat(document.file.path).st_mode) == 0o440  # read-only once written


def test_a_failing_render_is_recorded_and_retried_later_up_to_the_limit(issue, monkeypatch):
    import time_machine
    from django.utils import timezone

    document = issue()

    def broken(document):
        raise OSError("font cache unreadable")

    monkeypatch.setattr("documents.pdf.render_pdf", broken)
    assert document_render(document_id=document.pk) is False
    document.refresh_from_db()
    assert (document.state, document.attempts) == (Document.State.FAILED, 1)
    assert "font cache unreadable" in document.error
    assert AuditEvent.objects.get(action="document_failed").agency == document.agency
    assert render_pending() == 0  # the next attempt is 2 minutes away
    assert Document.objects.get(pk=document.pk).attempts == 1
    moment = timezone.now()
    for minutes in (3, 8, 17, 34, 70, 140):  # 2, 4, 8, 16, 32 minutes between attempts
        with time_machine.travel(moment + timedelta(minutes=minutes), tick=False):
            render_pending()
    document.refresh_from_db()
    assert document.attempts == MAX_ATTEMPTS  # then it waits for a person to press "try again"
    assert AuditEvent.objects.filter(action="document_failed", object_id=document.pk).count() == MAX_ATTEMPTS


def test_a_storage_failure_marks_the_document_failed(issue, monkeypatch):
    document = issue()

    def disk_full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr("django.core.files.storage.default_storage.save", disk_full)
    assert document_render(document_id=document.pk) is False
    document.refresh_from_db()
    assert document.state == Document.State.FAILED
    assert "No space left" in document.error


def test_missing_fonts_refuse_to_render_with_a_clear_error(issue, monkeypatch, tmp_path):
    from pathlib import Path

    monkeypatch.setattr("documents.pdf.FONT_FILES", (Path(tmp_path / "NotoSerifCJK-Regular.ttc"),))
    document = issue()
    document_render(document_id=document.pk)
    document.refresh_from_db()
    assert document.state == Document.State.FAILED
    assert "install fonts-noto-cjk" in document.error


def test_an_overtaken_render_stores_nothing(issue, monkeypatch):
    """A worker whose claim went stale and was taken over while it rendered leaves the file to the new claimant."""
    from documents import pdf

    document = issue()
    real = pdf.render_pdf

    def slow_then_overtaken(document):
        data = real(document)
        Document.objects.filter(pk=document.pk).update(claimed_at=timezone.now() + timedelta(seconds=1))
        return data

    from django.utils import timezone

    monkeypatch.setattr("documents.pdf.render_pdf", slow_then_overtaken)
    assert document_render(document_id=document.pk) is False
    document.refresh_from_db()
    assert (document.state, document.file.name) == (Document.State.RENDERING, "")


def test_an_abandoned_render_is_taken_over_once_stale(issue):
    import time_machine
    from django.utils import timezone

    document = issue()
    stale = timezone.now()
    Document.objects.filter(pk=document.pk).update(
        state=Document.State.RENDERING,
        claimed_at=stale,
        attempts=1,
        next_attempt_at=stale + timedelta(minutes=10),
    )
    assert render_pending() == 0  # perhaps still being rendered
    with time_machine.travel(stale + timedelta(minutes=11), tick=False):
        assert render_pending() == 1
    document.refresh_from_db()
    assert (document.state, document.attempts) == (Document.State.READY, 2)


def test_a_render_abandoned_on_its_last_attempt_fails_so_that_it_can_be_tried_again(issue, insider):
    import time_machine
    from django.utils import timezone

    document = issue()
    stale = timezone.now()
    Document.objects.filter(pk=document.pk).update(
        state=Document.State.RENDERING,
        claimed_at=stale,
        attempts=MAX_ATTEMPTS,  # killed mid-render every time
        next_attempt_at=stale + timedelta(minutes=10),
    )
    assert render_pending() == 0
    assert (
        Document.objects.get(pk=document.pk).state == Document.State.RENDERING
    )  # perhaps still being rendered
    with time_machine.travel(stale + timedelta(minutes=11), tick=False):
        assert render_pending() == 0
        render_pending()  # a second pass records nothing more
    document.refresh_from_db()
    assert (document.state, document.attempts) == (Document.State.FAILED, MAX_ATTEMPTS)
    assert "Abandoned" in document.error
    assert AuditEvent.objects.filter(action="document_failed", object_id=document.pk).count() == 1
    assert document_retry(actor=insider, document=document)
    assert document_render(document_id=document.pk)


def test_the_minute_pass_renders_what_no_task_did(issue):
    import time_machine
    from django.utils import timezone

    document = issue()  # the queued task never ran (broker down)
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        assert render_pending() == 1
    document.refresh_from_db()
    assert document.state == Document.State.READY
    assert AuditEvent.objects.filter(action="document_rendered", object_id=document.pk).exists()


def test_the_rendering_environment_is_checked():
    from documents.checks import pdf_rendering

    assert pdf_rendering(None) == []  # make test installs fonts-noto-cjk and libharfbuzz-subset0


@pytest.mark.parametrize("kind", ["letter", "circular", "memo"])
def test_a_long_issuer_mark_stays_on_one_line(issue, agency, tmp_path, kind):
    """A name of 14 characters or more at 30 pt is wider than the type area: its mark is set smaller, not broken."""
    agency.name = "宣恩县某某服务和大数据管理局"
    agency.save(update_fields=["name"])
    document = issue(kind=kind)
    mark = agency.name + ("文件" if kind == "circular" else "")
    assert issuer_size(mark) < 30
    first_line = text_of(render_pdf(document), tmp_path).strip().splitlines()[0]
    assert "".join(first_line.split()) == mark


def test_a_short_issuer_mark_keeps_30_points():
    assert issuer_size("宣恩县住房和城乡建设局") == 30


def test_only_the_columns_of_figures_are_right_aligned(issue, other_agency):
    from documents.pdf import render_html

    tables = [
        {
            "title": "统计表",
            "headers": ["单位", "收到", "按时率"],
            "rows": [["宣恩县财政局", 3, 50.0]],
            "figures_from": 1,
        },
        {
            "title": "会议议题",
            "headers": ["序号", "议题", "提出单位"],
            "rows": [[1, "议题一", other_agency.name]],
        },
    ]
    html = render_html(issue(context={"recipient": "各成员单位", "body": ["正文。"], "tables": tables}))
    assert '<td>宣恩县财政局</td><td class="figure">3</td><td class="figure">50.0</td>' in html
    assert f"<td>1</td><td>议题一</td><td>{other_agency.name}</td>" in html  # text stays left-aligned


# GB/T 9704 page layout, read back from the PDF: pdftotext -layout for the page numbers, pdftoppm for the red lines.
def page_lines(pdf: bytes, tmp_path, page: int) -> list[str]:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    command = ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.splitlines()


def page_numbers(lines: list[str]) -> list[tuple[str, int, int]]:
    """Each page-number line ("— 2 —", which pdftotext gives as "—2—") as (number, its column, the page's width)."""
    width = max(len(line.rstrip()) for line in lines)
    found = []
    for line in lines:
        text = "".join(line.split())
        if len(text) > 2 and text[0] == text[-1] == "—" and text[1:-1].isdigit():
            found.append((text[1:-1], len(line) - len(line.lstrip()), width))
    return found


@pytest.mark.parametrize("kind", ["circular", "memo", "notice", "minutes"])
def test_every_kind_but_a_letter_numbers_its_first_page(issue, tmp_path, kind):
    """文件格式 and 纪要格式 number page 1 like the others (§7.5); only 信函格式 leaves it out (§10.1)."""
    pdf = render_pdf(issue(kind=kind))
    assert [number for number, _, _ in page_numbers(page_lines(pdf, tmp_path, 1))] == ["1"]


TWO_PAGES = [
    "各成员单位要按照联动监督工作的要求，认真梳理本部门职责范围内的公共资源交易监督事项，明确责任人和办理时限，"
    "按时报送办理结果；对逾期未办的事项，由牵头单位督促办理并通报。" * 2
] * 4


def page_count(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def test_a_circular_numbers_every_page_odd_on_the_right_even_on_the_left(issue, tmp_path):
    """文件格式 (GB/T 9704 §7.5): page 1 is numbered too; 单页码居右空一字，双页码居左空一字."""
    pdf = render_pdf(issue(kind="circular", context={"recipient": "各成员单位", "body": TWO_PAGES}))
    assert page_count(pdf) == 2
    [(number, column, width)] = page_numbers(page_lines(pdf, tmp_path, 1))
    assert number == "1"
    assert column > width / 2  # at the right
    [(number, column, width)] = page_numbers(page_lines(pdf, tmp_path, 2))
    assert number == "2"
    assert column <= 2  # at the left, where the lines of text start


def test_a_letter_has_no_number_on_its_first_page_and_its_second_on_the_left(issue, tmp_path):
    """信函格式 (GB/T 9704 §10.1): 首页不显示页码; the pages after follow §7.5."""
    pdf = render_pdf(issue(kind="letter", context={"recipient": "宣恩县交通运输局", "body": TWO_PAGES}))
    assert page_count(pdf) == 2
    assert page_numbers(page_lines(pdf, tmp_path, 1)) == []
    [(number, column, _)] = page_numbers(page_lines(pdf, tmp_path, 2))
    assert number == "2"
    assert column <= 2  # at the left


DPI = 150


def red_runs(pdf: bytes, x_mm: float, page: int = 1) -> list[tuple[float, float]]:
    """The red stretches down the page at `x_mm` from its left edge, as (top, bottom) in mm from its top edge."""
    command = ["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page)]
    ppm = subprocess.run(command, input=pdf, capture_output=True, check=True).stdout
    _, width, height, _, pixels = ppm.split(maxsplit=4)  # binary PPM: P6 width height 255 RGB…
    width, x = int(width), round(x_mm / 25.4 * DPI)
    runs: list[list[int]] = []
    for y in range(int(height)):
        r, g, b = pixels[(y * width + x) * 3 : (y * width + x) * 3 + 3]
        if r > 150 and g < 120 and b < 120:
            if runs and runs[-1][1] == y - 1:
                runs[-1][1] = y
            else:
                runs.append([y, y])
    return [(round(top * 25.4 / DPI, 1), round(bottom * 25.4 / DPI, 1)) for top, bottom in runs]


@pytest.mark.parametrize("kind", ["circular", "memo", "notice", "minutes"])
def test_only_a_letter_closes_its_first_page_with_a_red_line(issue, kind):
    """The thin-over-thick double line at the foot of page 1 belongs to 信函格式 (§10.1) alone."""
    pdf = render_pdf(issue(kind=kind))
    bottom_margin = [run for run in red_runs(pdf, x_mm=30) if run[0] > 297 - 35]
    assert bottom_margin == []


def test_a_circular_has_one_red_line_as_wide_as_the_type_area_under_its_number(issue):
    """文件格式 (§7.2.7): 发文字号之下4 mm处居中印一条与版心等宽的红色分隔线 (156 mm, from 28 mm to 184 mm)."""
    pdf = render_pdf(issue(kind="circular"))
    assert len(red_runs(pdf, x_mm=29)) == 1  # one line, not a double one
    assert len(red_runs(pdf, x_mm=183)) == 1
    assert red_runs(pdf, x_mm=27) == red_runs(pdf, x_mm=185) == []


@pytest.mark.parametrize("kind", ["letter", "receipt"])
def test_a_letters_double_lines_are_170_mm_long(issue, kind):
    """信函格式 (§10.1): 红色双线（上粗下细 / 上细下粗），线长均为170 mm，以版心为准居中: 7 mm out on each side of the
    type area (28 to 184 mm), so from 21 to 191 mm; the closing one 20 mm above the page's bottom edge."""
    pdf = render_pdf(issue(kind=kind))
    for x_mm in (22, 190):
        top_thick, top_thin, closing_thin, closing_thick = red_runs(pdf, x_mm=x_mm)
        assert top_thick[0] < top_thin[0] < 60 < 270 < closing_thin[0] < closing_thick[0]
        assert top_thick[1] - top_thick[0] > top_thin[1] - top_thin[0]  # 上粗下细
        assert closing_thick[1] - closing_thick[0] > closing_thin[1] - closing_thin[0]  # 上细下粗
        assert 297 - 21 <= closing_thick[1] <= 297 - 19  # its foot 20 mm from the bottom edge
    assert red_runs(pdf, x_mm=20) == red_runs(pdf, x_mm=192) == []


@transactional
def test_two_workers_rendering_one_document_at_once_store_one_file(issue):
    """The task queued on commit and the minute pass, on real connections: one claims it, the other does nothing."""
    document = issue()
    assert sorted(run_concurrently(lambda: document_render(document_id=document.pk))) == [False, True]
    document.refresh_from_db()
    assert (document.state, document.attempts) == (Document.State.READY, 1)
    assert document.file.storage.exists(document.file.name)
    assert AuditEvent.objects.filter(action="document_rendered", object_id=document.pk).count() == 1
