"""A streaming XLSX writer for plain values, shared by the inventory and assessment exports.

openpyxl builds an XML element per cell (about 10 s of CPU for a million cells); this writes one string per cell
into a temporary file per sheet and zips them on exit (about 1.4 s for a million cells).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from types import TracebackType
from typing import IO, Any

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
