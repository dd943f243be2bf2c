"""Lists and tables as downloads (the board's, the case list): CSV or XLSX, Chinese headers, memory flat however many rows.

CSV is streamed as it is written. XLSX is a zip whose parts need their sizes, so it is written in XlsxWriter's
constant-memory mode (each row goes to disk as soon as it is complete) to a temporary file, which is then
streamed and removed. The caller gives the rows as an iterator that reads the database a chunk at a time.
"""

import csv
import tempfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

FORMATS = ("csv", "xlsx")
# What a spreadsheet takes for the start of a formula.
FORMULA = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Rows a worksheet holds under its header (Excel's 1,048,576 in all); the rest go on to further sheets.
SHEET_ROWS = 1_048_575


class _Echo:
    """A file-like object whose write returns what it was given, so that csv.writer produces strings to stream."""

    def write(self, value):
        return value


def _text(value) -> object:
    if isinstance(value, str) and value.startswith(FORMULA):
        return "'" + value  # typed text that a spreadsheet would run as a formula (CSV injection)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def export(*, rows: Iterable[Sequence], headers: Sequence[str], filename: str, format: str):
    """A download response of `rows` under `headers`, named `filename` plus the format's extension."""
    if format == "csv":
        return _csv(rows, headers, f"{filename}.csv")
    return _xlsx(rows, headers, f"{filename}.xlsx")


def _csv(rows, headers, filename):
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # a byte-order mark, so that Excel reads the Chinese as UTF-8
        yield writer.writerow([str(header) for header in headers])
        for row in rows:
            yield writer.writerow([_text(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _xlsx(rows, headers, filename):
    # Deleted when the response closes it (FileResponse closes its file at the end of the download).
    target = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - the response owns and closes it
    workbook = xlsxwriter.Workbook(target.name, {"constant_memory": True, "remove_timezone": True})
    bold = workbook.add_format({"bold": True})
    stamp = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})

    def new_sheet():
        # XlsxWriter drops a row past a sheet's last without an error: a full sheet is continued on the next.
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, [str(header) for header in headers], bold)
        sheet.freeze_panes(1, 0)
        return sheet

    sheet, number = new_sheet(), 0
    for row in rows:
        if number == SHEET_ROWS:
            sheet, number = new_sheet(), 0
        number += 1
        for column, value in enumerate(row):
            if isinstance(value, datetime):
                sheet.write_datetime(number, column, timezone.localtime(value).replace(tzinfo=None), stamp)
            elif isinstance(value, date):
                sheet.write_datetime(number, column, datetime.combine(value, datetime.min.time()), day)
            elif isinstance(value, str):
                sheet.write_string(number, column, value)  # never as a formula, whatever it starts with
            elif value is not None:
                sheet.write(number, column, value)
    workbook.close()
    target.seek(0)
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX)
