"""The import of market entities: every line checked first; one bad line and nothing is saved, with a report."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEvent
from credit.identity import check_character
from credit.imports import entities_import
from credit.models import EntityRole, MarketEntity
from tests.concurrency import run_concurrently, transactional

EXPERT_ID = "42282519800101123" + check_character("42282519800101123")
GOOD = (
    "名称,统一社会信用代码,身份证号码,角色,法定代表人,联系电话\n"
    "某建设集团有限公司,９１１１００００６０００３７３４１Ｌ,,投标人、供应商,张三,0718-1234567\n"
    "某招标代理有限公司,Y1422825MA4K00015P,,招标代理机构,李四,\n"
    f"王五,,{EXPERT_ID},评标专家,,\n"
)


def csv_upload(text: str, *, encoding="utf-8-sig", name="entities.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_upload(rows, name="entities.xlsx"):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def test_a_good_file_is_imported_whole(insider, agency):
    report = entities_import(actor=insider, upload=csv_upload(GOOD), agency=agency)
    assert report.ok
    assert (report.created, report.updated) == (3, 0)
    builder = MarketEntity.objects.get(uscc="91110000600037341L")  # full-width input normalised
    assert set(builder.roles.values_list("role", flat=True)) == {"bidder", "supplier"}
    assert builder.legal_representative == "张三"
    expert = MarketEntity.objects.get(id_number=EXPERT_ID)
    assert expert.kind == "person"
    assert list(expert.roles.values_list("role", flat=True)) == ["expert"]
    event = AuditEvent.objects.get(action="credit_entities_imported")
    assert EXPERT_ID not in str(event.payload)  # masked in the trail too


def test_importing_again_updates_and_adds_roles(insider, agency, entity):
    report = entities_import(
        actor=insider,
        upload=csv_upload("名称,统一社会信用代码,角色,联系人\n另一个名字,91110000600037341L,招标人,赵六\n"),
        agency=agency,
    )
    assert (report.created, report.updated) == (0, 1)
    entity.refresh_from_db()
    assert entity.name == "某建设集团有限公司"  # the registered name is kept
    assert entity.contact_person == "赵六"
    assert set(entity.roles.values_list("role", flat=True)) == {"bidder", "tenderer"}


def test_one_bad_line_refuses_the_whole_file_and_says_which(insider, agency):
    bad = GOOD + "某监理公司,91110000600037341K,,投标人,,\n某公司,91420000MA4K0000XX,,厨师,,\n"
    report = entities_import(actor=insider, upload=csv_upload(bad), agency=agency)
    assert not report.ok
    assert [line.number for line in report.bad_lines] == [5, 6]
    assert "校验码应为 L" in report.bad_lines[0].errors[0]
    assert any("厨师" in error for error in report.bad_lines[1].errors)
    assert not MarketEntity.objects.exists()
    assert not EntityRole.objects.exists()
    assert not AuditEvent.objects.filter(action="credit_entities_imported").exists()


def test_lines_keep_their_numbers_in_the_file_after_blank_lines(insider, agency):
    bad = "名称,统一社会信用代码\n\n甲公司,91110000600037341L\n,\n乙公司,91110000600037341X\n"
    report = entities_import(actor=insider, upload=csv_upload(bad), agency=agency)
    assert [line.number for line in report.bad_lines] == [5]


def test_a_bad_line_leaves_the_entities_already_there_as_they_were(insider, agency, entity):
    before = (entity.name, entity.legal_representative, set(entity.roles.values_list("role", flat=True)))
    upload = csv_upload(
        f"名称,统一社会信用代码,角色,法定代表人\n改了名的公司,{entity.uscc},招标人,新代表\n坏公司,91110000600037341X,投标人,\n"
    )
    report = entities_import(actor=insider, upload=upload, agency=agency)
    assert not report.ok
    entity.refresh_from_db()
    assert (
        entity.name,
        entity.legal_representative,
        set(entity.roles.values_list("role", flat=True)),
    ) == before


def test_duplicate_codes_in_one_file_are_refused(insider, agency):
    report = entities_import(
        actor=insider,
        upload=csv_upload("名称,统一社会信用代码\n甲,91110000600037341L\n乙,9111 0000 6000 3734 1L\n"),
        agency=agency,
    )
    assert [line.number for line in report.bad_lines] == [3]
    assert not MarketEntity.objects.exists()


def test_gb18030_csv_as_excel_saves_it(insider, agency):
    report = entities_import(actor=insider, upload=csv_upload(GOOD, encoding="gb18030"), agency=agency)
    assert report.ok
    assert MarketEntity.objects.filter(name="某建设集团有限公司").exists()


def test_xlsx(insider, agency):
    rows = [["名称", "统一社会信用代码", "角色"], ["某建设集团有限公司", "91110000600037341L", "投标人"]]
    report = entities_import(actor=insider, upload=xlsx_upload(rows), agency=agency)
    assert report.ok
    rows.append(["坏公司", "91110000600037341", "投标人"])
    MarketEntity.objects.all().delete()
    report = entities_import(actor=insider, upload=xlsx_upload(rows), agency=agency)
    assert [line.number for line in report.bad_lines] == [3]
    assert not MarketEntity.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n" + b"x" * 100, "not a CSV or XLSX"),
        (b"PK\x03\x04garbage", "not a CSV or XLSX"),
        ("姓名,电话\n甲,1\n".encode(), "must name the columns"),
        (b"", "empty"),
    ],
)
def test_files_that_are_not_entity_lists_are_refused(insider, agency, content, message):
    with translation.override("en"):
        report = entities_import(actor=insider, upload=SimpleUploadedFile("x.csv", content), agency=agency)
    assert not report.ok
    assert message in " ".join(report.errors)


def test_a_file_that_is_no_table_is_refused_as_a_file_not_as_lines(client_for, insider):
    page = client_for(insider).post(
        reverse("credit:import"), {"file": SimpleUploadedFile("ok.pdf", b"%PDF-1.7\n" + b"x" * 100)}
    )
    text = page.content.decode()
    assert "未导入任何数据：" in text
    assert "请更正以下各行" not in text
    assert "ok.pdf 不是 CSV 或 XLSX 文件。请在 Excel 或 WPS 中将表格另存为" in text
    assert "application/pdf" not in text


def test_the_import_page(client_for, insider, outsider, supervisor):
    client = client_for(insider)
    assert client.get(reverse("credit:import")).status_code == 200
    response = client.post(reverse("credit:import"), {"file": csv_upload(GOOD + "坏,123,,,,\n")})
    assert response.status_code == 400
    assert "123" in response.content.decode()
    assert not MarketEntity.objects.exists()
    response = client.post(reverse("credit:import"), {"file": csv_upload(GOOD)})
    assert response.status_code == 302
    assert MarketEntity.objects.count() == 3
    assert client_for(supervisor).get(reverse("credit:import")).status_code == 403


@transactional
def test_two_imports_of_the_same_new_entities_at_once_give_each_once(insider, agency):
    """Neither import fails with an error page: one registers the entities, the other updates them or, if it met
    them half-way, is refused whole with a message to send the file again."""
    results = run_concurrently(
        lambda: entities_import(actor=insider, upload=csv_upload(GOOD), agency=agency), times=3
    )
    assert not [result for result in results if isinstance(result, Exception)]
    entities = len(GOOD.splitlines()) - 1  # after the header
    assert MarketEntity.objects.count() == entities
    assert sum(result.created for result in results) == entities
    for result in results:
        assert result.ok or result.errors == [
            "有人同时登记了其中的市场主体，本次未导入任何数据。请重新提交文件。"
        ]


def test_a_mac_csv_with_bare_carriage_returns_is_read(insider, agency):
    report = entities_import(actor=insider, upload=csv_upload(GOOD.replace("\n", "\r")), agency=agency)
    assert report.ok
    assert MarketEntity.objects.count() == 3


def test_a_quote_left_open_is_reported_not_a_500(insider, agency):
    text = '名称,统一社会信用代码\n"某公司,91110000600037341L\n' + "某" * 140_000 + "\n"
    with translation.override("en"):
        report = entities_import(actor=insider, upload=csv_upload(text), agency=agency)
    assert not report.ok
    assert "quotation mark left open" in " ".join(report.errors)


def test_a_damaged_workbook_is_reported_not_a_500(insider, agency):
    import zipfile

    good = xlsx_upload([["名称", "统一社会信用代码"], ["某公司", "91110000600037341L"]]).read()
    damaged = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(damaged, "w") as target:
        for (
            name
        ) in source.namelist():  # the sheet cut off in its first row: it opens, and fails as it is read
            cut = b"<worksheet><sheetData><row><c r='A1' t='n'><v>1"
            target.writestr(name, cut if name.endswith("sheet1.xml") else source.read(name))
    upload = SimpleUploadedFile("entities.xlsx", damaged.getvalue())
    with translation.override("en"):
        report = entities_import(actor=insider, upload=upload, agency=agency)
    assert not report.ok
    assert "XLSX" in " ".join(report.errors)


def test_a_workbook_of_chart_sheets_only_is_reported_not_a_500(insider, agency):
    from openpyxl import Workbook
    from openpyxl.chart import BarChart

    def chart_sheets_only(*, with_chart):
        book = Workbook()
        sheet = book.create_chartsheet()
        if with_chart:
            sheet.add_chart(BarChart())
        book.remove(book.worksheets[0])
        buffer = io.BytesIO()
        book.save(buffer)
        upload = SimpleUploadedFile("图表.xlsx", buffer.getvalue())
        report = entities_import(actor=insider, upload=upload, agency=agency)
        assert not report.ok
        return report.errors

    # A chart sheet without a chart is read by no openpyxl: a damaged workbook, to save again.
    assert chart_sheets_only(with_chart=False) == [
        "图表.xlsx 是损坏的 XLSX 文件：请用 Excel 或 WPS 打开后重新保存，再导入。"
    ]
    assert chart_sheets_only(with_chart=True) == [
        "图表.xlsx 中没有工作表（只有图表）：请将市场主体信息填入第一个工作表。"
    ]


def test_an_experts_identity_number_in_another_scripts_digits_is_a_bad_line(insider, agency):
    report = entities_import(
        actor=insider, upload=csv_upload(GOOD + "赵六,,፩10101199001011234,评标专家,,\n"), agency=agency
    )
    assert [line.number for line in report.bad_lines] == [5]
    assert "身份证号码" in report.bad_lines[0].errors[0]
    assert not MarketEntity.objects.exists()


def test_blank_rows_do_not_let_a_workbook_past_the_line_limit(insider, agency, monkeypatch):
    from credit import imports
    from credit.uscc import check_character as uscc_check

    monkeypatch.setattr(imports, "MAX_LINES", 20)
    rows = [["名称", "统一社会信用代码"]]
    for number in range(25):
        body = f"91420000MA{number:07d}"
        rows += [[f"某公司{number}", body + uscc_check(body)], [None, None]]
    with translation.override("en"):
        report = entities_import(actor=insider, upload=xlsx_upload(rows), agency=agency)
    assert "At most 20 lines" in " ".join(report.errors)
    assert not MarketEntity.objects.exists()


def test_a_line_too_long_names_its_column(insider, agency):
    text = "名称,统一社会信用代码,法定代表人\n某公司,91110000600037341L," + "张" * 51 + "\n"
    report = entities_import(actor=insider, upload=csv_upload(text), agency=agency)
    assert "法定代表人" in " ".join(report.bad_lines[0].errors)


def test_a_quote_left_open_in_a_small_file_is_reported(insider, agency):
    # Without strict reading, the lines after the quote became one address and the report said all was well.
    text = '名称,统一社会信用代码,地址\n某公司,91110000600037341L,"宣恩县某路\n某招标代理有限公司,Y1422825MA4K00015P,\n'
    with translation.override("en"):
        report = entities_import(actor=insider, upload=csv_upload(text), agency=agency)
    assert not report.ok
    assert "quotation mark left open" in " ".join(report.errors)
    assert not MarketEntity.objects.exists()


def test_a_workbook_used_down_to_its_last_row_is_read_in_little_memory(insider, agency):
    import tracemalloc

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["名称", "统一社会信用代码"])
    book.active.append(["某建设集团有限公司", "91110000600037341L"])
    book.active["H200000"] = "x"  # 200,000 rows of the sheet, all blank but two
    buffer = io.BytesIO()
    book.save(buffer)
    tracemalloc.start()
    report = entities_import(
        actor=insider, upload=SimpleUploadedFile("x.xlsx", buffer.getvalue()), agency=agency
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [line.number for line in report.bad_lines] == [200_000]  # that far cell is a line with no name
    assert (
        peak < 8 * 1024 * 1024
    )  # a blank row is one shared list (some 2 MB here; a list of cells each, 26 MB)
