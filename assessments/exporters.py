"""The assessment's exports (cli.md `export_assessment`), for the page button, the API and the command.

JSON follows application-fields.md "Assessment export" exactly: `{"applications": [{"name", "strategy",
"confidence", "effort", "person_days", "evidence", "alternatives": [{"strategy", "score"}], "wave",
"monthly_cost_now", "monthly_cost_target", "source"}], "waves": [{"name", "start", "end", "applications"}]}`;
`strategy` is the effective one and `source` is "override" where a person overrode it.
XLSX has the sheets applications, decisions, servers and waves; text cells that would start a formula are
neutralised as the inventory's exports do. The workbook is written by XlsxStream below, not openpyxl: openpyxl's
write-only mode serialises every cell through an XML element (about 23 s for 10,000 applications on 50,000
servers); these plain values need one string per cell.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from types import TracebackType
from typing import IO, Any

from django.db.models import Count
from django.db.models.functions import Lower

from engagements.models import Engagement
from inventory.exporters import spreadsheet_cell
from inventory.models import ApplicationAsset

from .models import DECISION_RESULT_FIELDS, SERVER_RESULT_FIELDS, ServerAssessment, Wave, WaveAssignment
from .selectors import decision_list

CHUNK = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _wave_names(engagement: Engagement) -> tuple[dict[int, str], list[dict[str, Any]]]:
    """The wave of each application, and the waves with their applications' names (two queries)."""
    waves = list(Wave.objects.filter(engagement=engagement).order_by("number"))
    members: dict[int, list[str]] = defaultdict(list)
    wave_of: dict[int, str] = {}
    names = {wave.pk: wave.name for wave in waves}
    rows = (
        WaveAssignment.objects.filter(engagement=engagement, application__deleted_at__isnull=True)
        .order_by(Lower("application__name"), "application_id")
        .values_list("wave_id", "application_id", "application__name")
    )
    for wave_id, app_id, app_name in rows.iterator(chunk_size=CHUNK):
        members[wave_id].append(app_name)
        wave_of[app_id] = names[wave_id]
    listed = [
        {
            "name": wave.name,
            "start": wave.start.isoformat(),
            "end": wave.end.isoformat(),
            "applications": members.get(wave.pk, []),
        }
        for wave in waves
    ]
    return wave_of, listed


def _decision_rows(engagement: Engagement) -> Any:
    rows: Any = decision_list(engagement=engagement)  # annotated with effective_strategy and export_source
    return rows.values(
        "application_id",
        "application__name",
        "application__app_type",
        "application__business_criticality",
        "application__lifecycle",
        "application__users",
        *DECISION_RESULT_FIELDS,
        "effective_strategy",
        "export_source",
        "application__decision_review__status",
        "application__decision_review__comment",
    )


def assessment_export_data(*, engagement: Engagement) -> dict[str, Any]:
    """The export as a JSON-ready dict (application-fields.md, "Assessment export")."""
    wave_of, waves = _wave_names(engagement)
    applications = [
        {
            "name": row["application__name"],
            "strategy": row["effective_strategy"],
            "confidence": row["confidence"],
            "effort": row["effort"],
            "person_days": row["person_days"],
            "evidence": list(row["evidence"] or []),
            "alternatives": [
                {"strategy": a["strategy"], "score": a["score"]} for a in row["alternatives"] or [] if "strategy" in a
            ],
            "wave": wave_of.get(row["application_id"]),
            "monthly_cost_now": row["monthly_cost_now"],
            "monthly_cost_target": row["monthly_cost_target"],
            "source": row["export_source"],
        }
        for row in _decision_rows(engagement).iterator(chunk_size=CHUNK)
    ]
    return {"applications": applications, "waves": waves}


APPLICATION_COLUMNS = [
    "name",
    "app_type",
    "business_criticality",
    "lifecycle",
    "users",
    "servers",
    "strategy",
    "source",
    "wave",
    "monthly_cost_now",
    "monthly_cost_target",
]
SERVER_COLUMNS = ["server", "os", *SERVER_RESULT_FIELDS]
DECISION_COLUMNS = [
    "application",
    "engine_strategy",
    "strategy",
    "source",
    "review",
    "review_comment",
    "confidence",
    "effort",
    "person_days",
    "complexity_score",
    "complexity_factors",
    "readiness",
    "evidence",
    "alternatives",
    "risks",
    "target_services",
    "rationale",
]
WAVE_COLUMNS = ["wave", "name", "start", "end", "pilot", "application", "move_group", "moved_by_hand"]


def _alternatives_text(alternatives: list[dict[str, Any]] | None) -> str:
    return "; ".join(f"{a.get('strategy')} {a.get('score')}" for a in alternatives or [])


def assessment_export_xlsx(*, engagement: Engagement, out: IO[bytes]) -> int:
    """Write the workbook (applications, decisions, servers, waves) into `out`; returns the applications written."""
    with XlsxStream(out, ["applications", "decisions", "servers", "waves"]) as workbook:
        return _workbook_fill(workbook, engagement)


def _workbook_fill(workbook: XlsxStream, engagement: Engagement) -> int:
    wave_of, _ = _wave_names(engagement)
    applications, decisions, servers_sheet, waves_sheet = workbook.sheets
    applications.append(APPLICATION_COLUMNS)
    decisions.append(DECISION_COLUMNS)
    server_counts = dict(
        ApplicationAsset.objects.filter(application__engagement=engagement, asset__deleted_at__isnull=True)
        .values_list("application_id")
        .annotate(n=Count("pk"))
        .values_list("application_id", "n")
    )
    count = 0
    for row in _decision_rows(engagement).iterator(chunk_size=CHUNK):
        count += 1
        app_id = row["application_id"]
        values = [
            row["application__name"],
            row["application__app_type"],
            row["application__business_criticality"],
            row["application__lifecycle"],
            row["application__users"],
            server_counts.get(app_id, 0),
            row["effective_strategy"],
            row["export_source"],
            wave_of.get(app_id),
            row["monthly_cost_now"],
            row["monthly_cost_target"],
        ]
        applications.append([spreadsheet_cell(v) for v in values])
        decision = [
            row["application__name"],
            row["strategy"],
            row["effective_strategy"],
            row["export_source"],
            row["application__decision_review__status"] or "pending",
            row["application__decision_review__comment"] or "",
            row["confidence"],
            row["effort"],
            row["person_days"],
            row["complexity_score"],
            row["complexity_factors"],
            row["readiness"],
            row["evidence"],
            _alternatives_text(row["alternatives"]),
            row["risks"],
            row["target_services"],
            row["rationale"],
        ]
        decisions.append([spreadsheet_cell(v) for v in decision])

    servers_sheet.append(SERVER_COLUMNS)
    server_rows = (
        ServerAssessment.objects.filter(engagement=engagement, asset__deleted_at__isnull=True)
        .order_by(Lower("asset__name"), "pk")
        .values_list("asset__name", "asset__os_name", *SERVER_RESULT_FIELDS)
    )
    for server in server_rows.iterator(chunk_size=CHUNK):
        servers_sheet.append([spreadsheet_cell(v) for v in server])

    waves_sheet.append(WAVE_COLUMNS)
    wave_rows = (
        WaveAssignment.objects.filter(engagement=engagement, application__deleted_at__isnull=True)
        .order_by("wave__number", Lower("application__name"))
        .values_list(
            "wave__number",
            "wave__name",
            "wave__start",
            "wave__end",
            "wave__is_pilot",
            "application__name",
            "move_group",
            "source",
        )
    )
    for number, name, start, end, pilot, app_name, group, source in wave_rows.iterator(chunk_size=CHUNK):
        values = [number, name, start, end, "yes" if pilot else "no", app_name, group, source == "manual"]
        waves_sheet.append([spreadsheet_cell(v) for v in values])
    return count


def assessment_export_xlsx_bytes(*, engagement: Engagement) -> bytes:
    buffer = io.BytesIO()
    assessment_export_xlsx(engagement=engagement, out=buffer)
    return buffer.getvalue()


def filename_for(engagement: Engagement, fmt: str) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in engagement.name.lower()).strip("-") or "engagement"
    return f"{slug}-assessment.{fmt}"


# --- a streaming XLSX writer for plain values ----------------------------------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
# Cell styles: 0 plain, 1 a date, 2 a date and time (the number formats openpyxl gives them).
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_EPOCH = dt.datetime(1899, 12, 30)  # Excel's day 0 in the 1900 date system (its phantom leap day included)
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # control characters XML 1.0 forbids
_MAX_TEXT = 32767  # characters in a cell, at most (Excel's limit; openpyxl cuts there too)


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _text(value: str) -> str:
    """A text cell's <is> element: XML-escaped, without the control characters XML cannot carry."""
    value = _NOT_IN_XML.sub("", value[:_MAX_TEXT]).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<is><t{space}>{value}</t></is>"


def _cell(ref: str, value: Any) -> str:
    """One cell as SpreadsheetML: text inline (never a formula), numbers, booleans, dates as dated numbers."""
    kind = type(value)
    if kind is str:
        return f'<c r="{ref}" t="inlineStr">{_text(value)}</c>' if value else ""
    if kind is int or kind is Decimal:
        return f'<c r="{ref}"><v>{value}</v></c>'
    if kind is float:
        if not math.isfinite(value):
            return ""
        number = repr(value)  # the shortest text that reads back as the same float; 128 rather than 128.0
        return f'<c r="{ref}"><v>{number[:-2] if number.endswith(".0") else number}</v></c>'
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is dt.date:
        return f'<c r="{ref}" s="1"><v>{(value - _EPOCH.date()).days}</v></c>'
    if kind is dt.datetime:
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return f'<c r="{ref}" s="2"><v>{(value - _EPOCH).total_seconds() / 86400!r}</v></c>'
    if value is None:
        return ""
    for base in (str, int, float):  # their subclasses: a text choice, an int enum
        if isinstance(value, base):
            return _cell(ref, base(value))
    raise TypeError(f"Cannot write {type(value).__name__} to a spreadsheet cell")


class XlsxSheet:
    """One worksheet: rows appended in order, kept in a temporary file until the workbook is closed."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.rows = 0
        self._columns: list[str] = []
        self._file = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)

    def append(self, values: Sequence[Any]) -> None:
        self.rows += 1
        number = self.rows
        while len(self._columns) < len(values):
            self._columns.append(_column_letters(len(self._columns)))
        cells = "".join([_cell(f"{letter}{number}", v) for letter, v in zip(self._columns, values, strict=False)])
        self._file.write(f'<row r="{number}">{cells}</row>'.encode())

    def copy_to(self, target: IO[bytes]) -> None:
        target.write(f'{_HEAD}<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
        self._file.seek(0)
        shutil.copyfileobj(self._file, target, 1024 * 1024)
        target.write(b"</sheetData></worksheet>")

    def close(self) -> None:
        self._file.close()


class XlsxStream:
    """An XLSX workbook of plain values (text, numbers, booleans, dates) written into a binary stream on exit.

    Sheets fill in any order and are zipped in the order named. Text is written as inline strings, so no cell holds
    a formula whatever it starts with; callers still neutralise text starting with =, +, - or @, which a
    spreadsheet evaluates once someone edits the cell.
    """

    def __init__(self, out: IO[bytes], names: Iterable[str]) -> None:
        self.out = out
        self.sheets = [XlsxSheet(name) for name in names]

    def __enter__(self) -> XlsxStream:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if kind is None:
                self._write()
        finally:
            for sheet in self.sheets:
                sheet.close()

    def _write(self) -> None:
        numbers = range(1, len(self.sheets) + 1)
        sheets = "".join(
            f'<sheet name="{_escape_attribute(sheet.name)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, sheet in zip(numbers, self.sheets, strict=True)
        )
        types = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CONTENT}.worksheet+xml"/>'
            for n in numbers
        )
        relations = "".join(
            f'<Relationship Id="rId{n}" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in numbers
        )
        styles_id = f"rId{len(self.sheets) + 1}"
        parts = {
            "[Content_Types].xml": (
                f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                f'<Override PartName="/xl/workbook.xml" ContentType="{_CONTENT}.sheet.main+xml"/>'
                f'<Override PartName="/xl/styles.xml" ContentType="{_CONTENT}.styles+xml"/>{types}</Types>'
            ),
            "_rels/.rels": (
                f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
                f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
            "xl/workbook.xml": (
                f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><sheets>{sheets}</sheets></workbook>'
            ),
            "xl/_rels/workbook.xml.rels": (
                f'{_HEAD}<Relationships xmlns="{_PACKAGE_RELS}">{relations}<Relationship Id="{styles_id}" '
                f'Type="{_DOC_RELS}/styles" Target="styles.xml"/></Relationships>'
            ),
            "xl/styles.xml": _STYLES,
        }
        with zipfile.ZipFile(self.out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, text in parts.items():
                archive.writestr(name, text)
            for n, sheet in zip(numbers, self.sheets, strict=True):
                with archive.open(f"xl/worksheets/sheet{n}.xml", "w", force_zip64=True) as target:
                    sheet.copy_to(target)


def _escape_attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
