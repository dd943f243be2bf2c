"""Import market entities from a CSV or XLSX file: every line is checked first, and either all are saved in one
transaction or none is, with a report of every line that is wrong.

The file's type is sniffed from its content (an XLSX is a zip archive; a CSV is text in UTF-8 or GB18030, as
Excel in Chinese saves it), never taken from its name. Existing entities (same credit code or ID number) are
updated: contacts and legal representative replaced when given, roles added, the registered name kept.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree

import puremagic
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import audit_record

from .identity import mask, validate_id_number
from .models import CreditAction, EntityRole, MarketEntity
from .uscc import normalize, validate_uscc

MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 5000
WIDEST = 64  # columns of a workbook read: the import's few, anywhere in the first 64
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_A_TABLE = gettext_lazy(
    "%(name)s is not a CSV or XLSX file: save the table from Excel or WPS as CSV or XLSX (or fill in the "
    "template) and send that."
)

# Column headers accepted (the template's Chinese ones first).
COLUMNS = {
    "name": ("名称", "单位名称", "姓名", "name"),
    "uscc": ("统一社会信用代码", "信用代码", "uscc"),
    "id_number": ("身份证号码", "身份证号", "id_number"),
    "roles": ("角色", "roles"),
    "legal_representative": ("法定代表人", "legal_representative"),
    "contact_person": ("联系人", "contact_person"),
    "contact_phone": ("联系电话", "contact_phone"),
    "address": ("地址", "address"),
}
ROLE_WORDS = {
    "招标人": EntityRole.Role.TENDERER,
    "采购人": EntityRole.Role.TENDERER,
    "投标人": EntityRole.Role.BIDDER,
    "招标代理机构": EntityRole.Role.AGENT,
    "代理机构": EntityRole.Role.AGENT,
    "评标专家": EntityRole.Role.EXPERT,
    "供应商": EntityRole.Role.SUPPLIER,
    **{role.value: role.value for role in EntityRole.Role},
}
TEMPLATE_HEADERS = [
    "名称",
    "统一社会信用代码",
    "身份证号码",
    "角色",
    "法定代表人",
    "联系人",
    "联系电话",
    "地址",
]


@dataclass
class Line:
    number: int  # as the person sees it in their spreadsheet (the header is line 1)
    values: dict
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    lines: list[Line] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # about the file as a whole
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and not any(line.errors for line in self.lines)

    @property
    def bad_lines(self) -> list[Line]:
        return [line for line in self.lines if line.errors]


def read_rows(upload) -> list[list[str]]:
    """The file's rows as text cells, or ValidationError saying (in Chinese) why the file cannot be read."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; an import file may be at most %(limit)s.")
            % {"name": upload.name, "size": filesizeformat(upload.size), "limit": filesizeformat(MAX_BYTES)}
        )
    upload.seek(0)
    data = upload.read()
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data, upload.name)
    try:
        found = puremagic.from_string(data[:8192], mime=True) if data else ""
    except puremagic.PureError:
        found = ""
    if found or b"\x00" in data[:8192]:
        raise ValidationError(NOT_A_TABLE % {"name": upload.name})
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte sequence without NUL
        raise ValidationError(_("%(name)s is not text in UTF-8 or GB18030.") % {"name": upload.name})
    try:
        # newline="": the csv module reads the line ends itself, a Mac's bare CR among them.
        # strict: a quote left open is an error at the end of the file, not lines merged into one cell.
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        return [[cell.strip() for cell in row] for row in reader]
    except csv.Error as error:
        raise ValidationError(
            _("%(name)s cannot be read as CSV (%(reason)s): check for a quotation mark left open.")
            % {"name": upload.name, "reason": error}
        ) from None


_DAMAGED = gettext_lazy(
    "%(name)s is a damaged XLSX file: open it in Excel or WPS, save it again, and import that."
)


def _xlsx_rows(data: bytes, name: str) -> list[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    # A damaged workbook fails when opened or only on the row it breaks in (read-only mode parses as it goes).
    damaged = (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        OSError,
        ElementTree.ParseError,
        InvalidFileException,
    )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except damaged:
        raise ValidationError(NOT_A_TABLE % {"name": name}) from None
    except (AttributeError, TypeError):  # openpyxl on parts it did not expect (a chart sheet without a chart)
        raise ValidationError(_DAMAGED % {"name": name}) from None
    try:
        if not book.worksheets:
            raise ValidationError(
                _("%(name)s has no worksheet (only charts): put the entities on its first sheet.")
                % {"name": name}
            )
        sheet = book.worksheets[0]
        rows, filled = [], 0
        # Read-only mode gives a row for every row up to the last one used, blank or not, as wide as the widest:
        # a blank row is kept as one shared empty list (it keeps the line numbers), and no sheet is read wider
        # than the columns an import can have.
        blank = []
        for row in sheet.iter_rows(values_only=True, max_col=WIDEST):
            cells = ["" if cell is None else _cell_text(cell) for cell in row]
            if not any(cells):
                rows.append(blank)
                continue
            rows.append(cells)
            filled += 1
            if filled > MAX_LINES + 1:  # enough to tell that there are too many
                break
        return rows
    except damaged:
        raise ValidationError(_DAMAGED % {"name": name}) from None
    finally:
        book.close()


def _cell_text(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        cell = int(
            cell
        )  # a code typed as a number comes back as 9.1e17: it should not have been, but be kind
    return str(cell).strip()


def check_file(upload) -> ImportReport:
    """Read and check every line; save nothing."""
    report = ImportReport()
    try:
        rows = read_rows(upload)
    except ValidationError as error:
        report.errors.extend(error.messages)
        return report
    # Blank lines are skipped, but every line keeps its number in the file: the report points at the line the
    # user sees in the spreadsheet.
    rows = [(number, row) for number, row in enumerate(rows, start=1) if any(cell for cell in row)]
    if not rows:
        report.errors.append(_("The file is empty."))
        return report
    (_header_number, header), *body = rows
    positions = {}
    for key, names in COLUMNS.items():
        for index, cell in enumerate(header):
            if cell.strip().lower() in names:
                positions[key] = index
    if "name" not in positions or not ({"uscc", "id_number"} & positions.keys()):
        report.errors.append(
            _(
                "The first line must name the columns: 名称 and 统一社会信用代码 (or 身份证号码 for experts); found %(found)s."
            )
            % {"found": "、".join(cell for cell in header if cell) or "—"}
        )
        return report
    if len(body) > MAX_LINES:
        report.errors.append(_("At most %(max)d lines can be imported at once.") % {"max": MAX_LINES})
        return report
    seen = {}
    for number, row in body:
        values = {key: (row[index] if index < len(row) else "") for key, index in positions.items()}
        line = Line(number=number, values=values)
        _check_line(line)
        key = values.get("uscc") or values.get("id_number")
        if key and not line.errors:
            if key in seen:
                line.errors.append(_("Same code as line %(line)d.") % {"line": seen[key]})
            seen.setdefault(key, number)
        report.lines.append(line)
    if not report.lines:
        report.errors.append(_("The file has a header line but no entities."))
    return report


def _check_line(line: Line) -> None:
    values = line.values
    values["name"] = " ".join(values.get("name", "").split())
    uscc = normalize(values.get("uscc", ""))
    id_number = normalize(values.get("id_number", ""))
    values["uscc"], values["id_number"] = uscc, id_number
    if not values["name"]:
        line.errors.append(_("The name is missing."))
    if uscc and id_number:
        line.errors.append(
            _("Give either a credit code (an organisation) or an ID number (an expert), not both.")
        )
    elif not uscc and not id_number:
        line.errors.append(_("The unified social credit code is missing."))
    for value, validator in ((uscc, validate_uscc), (id_number, validate_id_number)):
        if value:
            try:
                validator(value)
            except ValidationError as error:
                line.errors.extend(error.messages)
    roles = set()
    for word in values.get("roles", "").replace("，", "、").replace(",", "、").replace(";", "、").split("、"):
        word = word.strip()
        if not word:
            continue
        if word not in ROLE_WORDS:
            line.errors.append(
                _("Unknown role %(role)s (known: %(known)s).")
                % {"role": word, "known": "、".join(name for name in ROLE_WORDS if not name.isascii())}
            )
        else:
            roles.add(ROLE_WORDS[word])
    if id_number and roles - {EntityRole.Role.EXPERT}:
        line.errors.append(_("A person (an ID number) can only be a bid-evaluation expert."))
    if id_number and not roles:
        roles.add(EntityRole.Role.EXPERT)
    values["roles"] = sorted(roles)
    for key, limit in (
        ("name", 200),
        ("legal_representative", 50),
        ("contact_person", 50),
        ("contact_phone", 30),
        ("address", 200),
    ):
        if len(values.get(key, "")) > limit:
            line.errors.append(
                _("%(column)s is longer than %(limit)d characters.")
                % {"column": COLUMNS[key][0], "limit": limit}
            )


def entities_import(*, actor, upload, agency=None, request=None) -> ImportReport:
    """Check the whole file, then save every line in one transaction, or nothing when any line is wrong."""
    report = check_file(upload)
    if not report.ok:
        return report
    try:
        _save(report, actor=actor, upload=upload, agency=agency, request=request)
    except ValidationError:
        # A line the checks let through but the model refuses: the line says why, nothing was saved.
        report.created = report.updated = 0
    except IntegrityError:
        # Another import or form registered one of these codes meanwhile: nothing was saved.
        report.created = report.updated = 0
        report.errors.append(
            _(
                "Someone registered one of these entities at the same moment; nothing was imported. Send the file again."
            )
        )
    return report


def _save(report: ImportReport, *, actor, upload, agency, request) -> None:
    """Every line in one transaction; a line the model refuses gets the reasons and undoes the whole file."""
    with transaction.atomic():
        for line in report.lines:
            values = line.values
            lookup = {"uscc": values["uscc"]} if values["uscc"] else {"id_number": values["id_number"]}
            entity = MarketEntity.objects.select_for_update().filter(**lookup).first()
            details = {
                key: values[key]
                for key in ("legal_representative", "contact_person", "contact_phone", "address")
                if values.get(key)
            }
            if entity is None:
                entity = MarketEntity(
                    name=values["name"],
                    kind=MarketEntity.Kind.ORGANISATION if values["uscc"] else MarketEntity.Kind.PERSON,
                    **lookup,
                    **details,
                )
                try:
                    entity.full_clean()
                except ValidationError as error:
                    line.errors.extend(error.messages)
                    raise
                entity.save()
                report.created += 1
            else:
                for key, value in details.items():
                    setattr(entity, key, value)
                entity.save()
                report.updated += 1
            for role in values["roles"]:
                EntityRole.objects.get_or_create(entity=entity, role=role)
        audit_record(
            actor=actor,
            action=CreditAction.ENTITIES_IMPORTED,
            agency=agency,
            payload={
                "file": upload.name,
                "created": report.created,
                "updated": report.updated,
                "codes": [line.values["uscc"] or mask(line.values["id_number"]) for line in report.lines][
                    :200
                ],
            },
            request=request,
        )
