"""Downloads as CSV or XLSX (config/exports.py): every row, dates as dates, nothing a spreadsheet runs as a formula."""

import io
from datetime import date

from openpyxl import load_workbook

from config import exports


def xlsx(response) -> bytes:
    return b"".join(response.streaming_content)


def test_rows_past_a_sheets_last_go_on_to_the_next_sheet(monkeypatch):
    # Excel's sheet ends at row 1,048,576, and XlsxWriter drops what comes after without a word.
    monkeypatch.setattr(exports, "SHEET_ROWS", 2)
    rows = [(number, f"项目{number}", date(2026, 12, number)) for number in range(1, 6)]
    response = exports.export(rows=iter(rows), headers=["序号", "项目", "日期"], filename="x", format="xlsx")
    book = load_workbook(io.BytesIO(xlsx(response)), read_only=True)
    sheets = [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]
    assert [len(sheet) for sheet in sheets] == [3, 3, 2]  # a header on each
    assert all(sheet[0] == ("序号", "项目", "日期") for sheet in sheets)
    assert [row[0] for sheet in sheets for row in sheet[1:]] == [1, 2, 3, 4, 5]
    assert sheets[2][1][2].date() == date(2026, 12, 5)


def test_text_that_looks_like_a_formula_stays_text():
    rows = [('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)")]
    csv = b"".join(
        exports.export(rows=rows, headers=["a", "b", "c", "d"], filename="x", format="csv").streaming_content
    )
    assert csv.decode("utf-8-sig").splitlines()[1] == '"\'=HYPERLINK(""http://x"")",\'+1,\'-2,\'@SUM(A1)'
    book = load_workbook(
        io.BytesIO(xlsx(exports.export(rows=rows, headers=["a"] * 4, filename="x", format="xlsx")))
    )
    cell = book.active["A2"]
    assert (cell.data_type, cell.value) == ("s", '=HYPERLINK("http://x")')
