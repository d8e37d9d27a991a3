"""The assessment workbook's writer: what a spreadsheet reads back is what was written (text, numbers, booleans,
dates), text never becomes a formula, and a workbook of a million cells takes seconds, not the half minute openpyxl
took."""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from decimal import Decimal

from openpyxl import load_workbook

from inventory.exporters import spreadsheet_cell
from migration_platform.xlsx import XlsxStream


def _read(content: bytes) -> dict[str, list[tuple[object, ...]]]:
    workbook = load_workbook(io.BytesIO(content))
    return {sheet.title: list(sheet.values) for sheet in workbook.worksheets}


def test_every_kind_of_value_reads_back_as_written() -> None:
    row = [
        "Sales CRM",
        42,
        0.1,
        128.0,
        Decimal("19.99"),
        True,
        False,
        dt.date(2026, 1, 5),
        dt.datetime(2026, 1, 5, 13, 30, 15),
        None,
        "",
        "  padded  ",
        'a & <b> "c"',
        "bell\x07 and tab\tand\nnew line",
        "é 東京 🚀",
    ]
    out = io.BytesIO()
    with XlsxStream(out, ["first", "second & more"]) as workbook:
        first, second = workbook.sheets
        second.append(["only", "row"])
        first.append(["header"] * len(row))
        first.append(row)

    sheets = _read(out.getvalue())

    assert list(sheets) == ["first", "second & more"]  # in the order named, not the order filled
    assert sheets["second & more"] == [("only", "row")]
    written = sheets["first"][1]
    assert written[:7] == ("Sales CRM", 42, 0.1, 128, 19.99, True, False)
    assert written[7] == dt.datetime(2026, 1, 5) and written[8] == dt.datetime(2026, 1, 5, 13, 30, 15)
    assert written[9] is None and written[10] is None
    assert written[11] == "  padded  "
    assert written[12] == 'a & <b> "c"'
    assert written[13] == "bell and tab\tand\nnew line"  # XML cannot carry the bell: it is dropped, not an error
    assert written[14] == "é 東京 🚀"
    cells = load_workbook(io.BytesIO(out.getvalue()))["first"]
    assert cells["H2"].number_format == "yyyy-mm-dd" and cells["I2"].number_format == "yyyy-mm-dd h:mm:ss"


def test_text_is_never_a_formula_and_formula_starts_are_neutralised() -> None:
    out = io.BytesIO()
    with XlsxStream(out, ["sheet"]) as workbook:
        workbook.sheets[0].append(["=1+1", spreadsheet_cell('=HYPERLINK("http://x","shop")'), spreadsheet_cell("-5")])

    cells = load_workbook(io.BytesIO(out.getvalue()))["sheet"]

    assert cells["A1"].data_type == "s" and cells["A1"].value == "=1+1"  # even text the caller left alone
    assert cells["B1"].value == '\'=HYPERLINK("http://x","shop")'
    assert cells["C1"].value == "-5"  # a number as text stays as it was


def test_text_longer_than_a_cell_holds_is_cut_at_its_limit() -> None:
    out = io.BytesIO()
    with XlsxStream(out, ["sheet"]) as workbook:
        workbook.sheets[0].append(["x" * 40_000])

    assert _read(out.getvalue())["sheet"][0][0] == "x" * 32_767


def test_a_million_cells_take_seconds() -> None:
    names = [f"srv{n:06d}" for n in range(100_000)]
    started = time.process_time()
    out = io.BytesIO()
    with XlsxStream(out, ["servers"]) as workbook:
        sheet = workbook.sheets[0]
        for n, name in enumerate(names):
            values = [name, "Red Hat Enterprise Linux 9", "ready", ["EOL soon"], n % 64, 128.0, 815.77, None]
            sheet.append([spreadsheet_cell(v) for v in [*values, dt.date(2025, 6, 1), n % 2 == 0]])
    cpu = time.process_time() - started

    assert cpu < 8, f"{cpu:.1f} s of CPU"  # CPU time: the machine's other load stretches the wall clock only
    # Read back by a spreadsheet library, a million cells take longer than writing them: the sheet's XML instead.
    sheet_xml = zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml").decode()
    assert sheet_xml.count("<row ") == 100_000
    assert '<row r="100000"><c r="A100000" t="inlineStr"><is><t>srv099999</t></is></c>' in sheet_xml
