"""Reading an import file (CSV, XLSX or JSON) into a table of text cells.

`read_table` checks the whole file once (size, encoding, header row, ragged rows, oversized cells, row
count) and keeps only the header and the first `SAMPLE_ROWS` rows in memory; `Table.iter_rows()` streams
the rows again for the import, so a 100,000-row file is never held in Python lists. An XLSX sheet is
parsed by openpyxl once and spooled to a temporary CSV file, since parsing it is the slow part.

Every refusal is a `ReadError` whose message names the row and column where there is one.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import tempfile
import warnings
import weakref
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

FileType = Literal["csv", "xlsx", "json"]

MAX_BYTES: Final = 100 * 1024 * 1024
MAX_ROWS: Final = 200_000
MAX_CELL_BYTES: Final = 1024 * 1024
# Rows kept in memory for format detection and the mapping engine's value sniffing.
SAMPLE_ROWS: Final = 1000
# Rows looked at to find the header below title rows.
HEADER_WINDOW: Final = 25
# A workbook's ZIP may expand to this many times the file limit, and no entry above
# ZIP_RATIO_FLOOR bytes may expand more than ZIP_MAX_RATIO times (sheets of repeated rows compress ~15x).
ZIP_EXPANSION_FACTOR: Final = 10
ZIP_MAX_RATIO: Final = 100
ZIP_RATIO_FLOOR: Final = 1024 * 1024
ZIP_MAX_ENTRIES: Final = 10_000
DELIMITERS: Final = (",", ";", "\t", "|")

# A cell longer than this many characters may be over MAX_CELL_BYTES once encoded (UTF-8: at most 4 bytes
# a character); only then are its bytes counted.
_CELL_CHARS_SUSPECT: Final = MAX_CELL_BYTES // 4
# The csv module refuses longer fields itself; ours must be reported first, with their column.
_CSV_FIELD_LIMIT: Final = 4 * MAX_CELL_BYTES + 1
_TEXT_SUFFIXES: Final = frozenset({".csv", ".tsv", ".txt", ""})
_XLSX_SUFFIXES: Final = frozenset({".xlsx", ".xlsm"})
_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0"

Row = tuple[int, list[str]]


class ReadError(Exception):
    """A file that cannot be read as a table; `row` is the row as a spreadsheet numbers it."""

    def __init__(self, message: str, row: int | None = None, column: str | None = None) -> None:
        self.message = message
        self.row = row
        self.column = column
        super().__init__(self.describe())

    def describe(self) -> str:
        where = [f"row {self.row}"] if self.row is not None else []
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class SheetNotFound(ReadError):
    """The sheet asked for is not in the file (or the file has no sheets)."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_rows: int = MAX_ROWS
    max_bytes: int = MAX_BYTES


@dataclass(eq=False)
class Table:
    path: Path
    file_type: FileType
    # The workbook's tab names; [] for CSV and JSON.
    sheets: list[str]
    sheet: str | None
    # 1-based, as a spreadsheet shows it (for JSON, 1: objects are numbered from row 2 like an export).
    header_row: int
    headers: list[str]
    # Data rows (empty rows not counted); 0 for a file with a header only.
    row_count: int
    # The first SAMPLE_ROWS data rows, each as wide as `headers`.
    sample_rows: list[list[str]]
    limits: Limits = field(repr=False)
    _rows: Callable[[], Iterator[Row]] = field(repr=False)
    encoding: str | None = None
    delimiter: str | None = None
    _cleanup: weakref.finalize[..., Table] | None = field(default=None, repr=False)

    def iter_rows(self) -> Iterator[Row]:
        """(row number as a spreadsheet shows it, cells as wide as the header), empty rows left out."""
        return self._rows()

    def open_sheet(self, name: str) -> Table:
        """Another tab of the same workbook (RVTools' vDisk, vNetwork), read with the same limits."""
        if self.file_type != "xlsx":
            raise SheetNotFound(f"a {self.file_type.upper()} file has no sheet '{name}'; only workbooks have sheets")
        return read_table(self.path, sheet=name, max_rows=self.limits.max_rows, max_bytes=self.limits.max_bytes)

    def close(self) -> None:
        """Remove the spooled rows of a workbook now rather than when the table is collected."""
        if self._cleanup is not None:
            self._cleanup()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_table(
    path: Path | str,
    *,
    sheet: str | None = None,
    max_rows: int = MAX_ROWS,
    max_bytes: int = MAX_BYTES,
    scan: bool = True,
) -> Table:
    """Read `path` (CSV, TSV, TXT, XLSX or JSON) into a Table, or raise ReadError saying why it cannot be.

    `scan=False` finds the header but leaves the data rows unread until `iter_rows`, which checks them the same
    way (and raises ReadError there): for a file already read once, whose row count is known (a stored upload).
    Its table's `row_count` is -1 and its sample empty; a workbook is read whole either way."""
    path = Path(path)
    limits = Limits(max_rows, max_bytes)
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ReadError("this is a directory, not a file")
        with path.open("rb") as handle:
            head = handle.read(8192)
    except FileNotFoundError:
        raise ReadError("there is no such file") from None
    except OSError as error:
        raise ReadError(f"the file cannot be opened: {error.strerror}") from None
    if size == 0:
        raise ReadError("the file is empty")
    if size > max_bytes:
        raise ReadError(f"the file is {_megabytes(size)}, over the limit of {_megabytes(max_bytes)}")
    file_type = _file_type(path, head)
    if sheet is not None and file_type != "xlsx":
        raise SheetNotFound(f"a sheet ('{sheet}') was asked for, but a {file_type.upper()} file has no sheets")
    if file_type == "xlsx":
        return _read_xlsx(path, sheet, limits)
    if file_type == "json":
        return _read_json(path, head, limits, scan)
    return _read_csv(path, head, limits, scan)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _file_type(path: Path, head: bytes) -> FileType:
    suffix = path.suffix.lower()
    is_zip = head.startswith(_ZIP_MAGIC)
    is_ole = head.startswith(_OLE_MAGIC)
    if suffix in _XLSX_SUFFIXES:
        if is_zip:
            return "xlsx"
        if is_ole:
            raise ReadError("this is a legacy .xls (or password-protected) workbook; save it as .xlsx or CSV")
        raise ReadError(
            f"not an XLSX workbook: an {suffix} file is a ZIP archive and this one is not "
            "(a CSV or text file with the wrong extension?)"
        )
    if suffix == ".xls":
        raise ReadError("legacy .xls workbooks are not supported; save it as .xlsx or CSV")
    if suffix in _TEXT_SUFFIXES or suffix == ".json":
        if is_zip:
            raise ReadError(f"this {suffix or 'file'} is a ZIP archive (an XLSX workbook?), not text; name it .xlsx")
        if is_ole:
            raise ReadError(f"this {suffix or 'file'} is a binary Excel workbook, not text; save it as CSV or .xlsx")
        if suffix == ".json" or (not suffix and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")):
            return "json"
        return "csv"
    raise ReadError(f"unsupported file type '{suffix}'; expected .csv, .tsv, .txt, .xlsx or .json")


# --- text: encoding and delimiter ---------------------------------------------------------------------


def _encoding(path: Path, head: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16/32 by their BOM, else cp1252; binary content is refused."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    controls = sum(1 for b in head if b < 0x20 and b not in b"\t\n\r\f\x0b")
    if b"\x00" in head or controls > len(head) // 100:
        raise ReadError("the file is binary, not text: it holds control bytes no CSV has (a wrong extension?)")
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Windows' Western European code page; latin-1 where a byte cp1252 leaves undefined appears.
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                chunk.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _sniff_delimiter(text: str, preferred: str | None) -> str:
    """The delimiter that splits most lines into the same number (at least 2) of cells."""
    lines = text.splitlines()[:50]
    scores: dict[str, tuple[int, int]] = {}
    for delimiter in DELIMITERS:
        widths = [len(cells) for cells in csv.reader(lines, delimiter=delimiter) if any(c.strip() for c in cells)]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        scores[delimiter] = (count if width >= 2 else 0, width)
    if preferred is not None and scores.get(preferred, (0, 0))[0] > 0:
        return preferred
    best = max(DELIMITERS, key=lambda d: scores.get(d, (0, 0)))
    return best if scores.get(best, (0, 0))[0] > 0 else ","


def _csv_records(path: Path, encoding: str, delimiter: str) -> Iterator[Row]:
    csv.field_size_limit(max(csv.field_size_limit(), _CSV_FIELD_LIMIT))
    number = 0
    with path.open("r", encoding=encoding, newline="") as handle:
        try:
            for cells in csv.reader(handle, delimiter=delimiter):
                number += 1
                yield number, cells
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise ReadError("a cell is over the 1 MB limit", row=number + 1) from None
            raise ReadError(f"the CSV cannot be parsed: {error}", row=number + 1) from None
        except UnicodeDecodeError:
            raise ReadError(f"the text is not valid {encoding}", row=number + 1) from None


def _read_csv(path: Path, head: bytes, limits: Limits, scan: bool = True) -> Table:
    encoding = _encoding(path, head)
    with path.open("r", encoding=encoding, newline="") as handle:
        sample = handle.read(64 * 1024)
    if not sample.strip():
        raise ReadError("the file is empty: it holds no text")
    delimiter = _sniff_delimiter(sample, "\t" if path.suffix.lower() == ".tsv" else None)
    return _scan(
        path,
        "csv",
        lambda: _csv_records(path, encoding, delimiter),
        limits,
        encoding=encoding,
        delimiter=delimiter,
        scan=scan,
    )


# --- the scan shared by every file type ---------------------------------------------------------------


def _scan(
    path: Path,
    file_type: FileType,
    records: Callable[[], Iterator[Row]],
    limits: Limits,
    *,
    header: tuple[int, list[str]] | None = None,
    sheets: list[str] | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    spool: bool = False,
    scan: bool = True,
) -> Table:
    """Find the header in the first rows (unless given), then check every data row once, keeping a sample.

    With `spool`, the checked rows are written to a temporary CSV file that `iter_rows` reads (a workbook is
    parsed once); otherwise `iter_rows` reads the source again through the same checks.
    """
    source = records()
    if header is None:
        window = list(_take(source, HEADER_WINDOW))
        header = _header(window)
        source = chain(window, source)
    header_row, headers = header
    sample: list[list[str]] = []
    count = 0
    spooled = _spool_path() if spool else None
    if not scan and spooled is None:
        count = -1  # unknown: the rows are read (and checked) by iter_rows alone
        source = iter(())
    try:
        with spooled.open("w", encoding="utf-8", newline="") if spooled else nullcontext() as handle:
            writer = csv.writer(handle) if handle else None
            for number, cells in _data_rows(source, header_row, headers, limits):
                count += 1
                if count <= SAMPLE_ROWS:
                    sample.append(cells)
                if writer is not None:
                    writer.writerow([number, *cells])
    except BaseException:
        if spooled is not None:
            spooled.unlink(missing_ok=True)
        raise

    def again() -> Iterator[Row]:
        if spooled is not None:
            return _spooled_rows(spooled)
        return _data_rows(records(), header_row, headers, limits)

    table = Table(
        path=path,
        file_type=file_type,
        sheets=sheets or [],
        sheet=sheet,
        header_row=header_row,
        headers=headers,
        row_count=count,
        sample_rows=sample,
        limits=limits,
        _rows=again,
        encoding=encoding,
        delimiter=delimiter,
    )
    if spooled is not None:
        table._cleanup = weakref.finalize(table, spooled.unlink, missing_ok=True)
    return table


def _spool_path() -> Path:
    descriptor, name = tempfile.mkstemp(prefix="import-", suffix=".csv")
    os.close(descriptor)
    return Path(name)


def _take(source: Iterator[Row], n: int) -> Iterator[Row]:
    for _ in range(n):
        row = next(source, None)
        if row is None:
            return
        yield row


def _spooled_rows(path: Path) -> Iterator[Row]:
    if not path.exists():
        raise ReadError("the table was closed; read the file again")
    with path.open("r", encoding="utf-8", newline="") as handle:
        for cells in csv.reader(handle):
            yield int(cells[0]), cells[1:]


def _filled(cells: list[str]) -> int:
    return sum(1 for c in cells if c.strip())


def _width(cells: list[str]) -> int:
    """Index of the last cell with a value, plus one."""
    for i in range(len(cells) - 1, -1, -1):
        if cells[i].strip():
            return i + 1
    return 0


def _is_number(text: str) -> bool:
    try:
        float(text.strip().replace(",", "."))
        return True
    except ValueError:
        return False


def _header(window: list[Row]) -> tuple[int, list[str]]:
    """The header row: the first row with at least half as many values as the fullest row, mostly text,
    that the rows after it are not wider than (title rows above a table fail that test)."""
    filled = [(number, cells) for number, cells in window if _filled(cells)]
    if not filled:
        raise ReadError("the file is empty: no row has a value")
    most = max(_filled(cells) for _, cells in filled)
    chosen = filled[0]
    for position, (number, cells) in enumerate(filled):
        count = _filled(cells)
        if count * 2 < most:
            continue
        texts = sum(1 for c in cells if c.strip() and not _is_number(c))
        if texts < 0.8 * count:
            continue
        after = filled[position + 1 : position + 6]
        if sum(1 for _, later in after if _width(later) > _width(cells)) * 2 > len(after):
            continue
        chosen = (number, cells)
        break
    number, cells = chosen
    return number, _header_names(cells, number)


def _header_names(cells: list[str], row: int, *, trim: bool = True) -> list[str]:
    """Header cells cleaned: blank -> column_N (1-based), a repeat -> "NAME (2)", inner spaces collapsed.
    With `trim`, blank cells after the last named one are not columns."""
    names: list[str] = []
    used: set[str] = set()
    for index, cell in enumerate(cells[: _width(cells)] if trim else cells, start=1):
        if len(cell) > _CELL_CHARS_SUSPECT:
            raise ReadError("a header cell is too long to be a header", row=row, column=f"column_{index}")
        name = " ".join(cell.split()) or f"column_{index}"
        if name in used:
            repeat = 2
            while f"{name} ({repeat})" in used:
                repeat += 1
            name = f"{name} ({repeat})"
        used.add(name)
        names.append(name)
    return names


def _data_rows(records: Iterable[Row], header_row: int, headers: list[str], limits: Limits) -> Iterator[Row]:
    """The rows below the header, as wide as the header, empty ones left out; refuses a row with values
    beyond the header, a cell over MAX_CELL_BYTES and more than limits.max_rows rows."""
    width = len(headers)
    count = 0
    for number, cells in records:
        if number <= header_row:
            continue
        if not any(cells):
            continue
        if len(cells) > width:
            extra = _width(cells)
            if extra > width:
                raise ReadError(
                    f"this row has values in {extra} columns but the header (row {header_row}) names {width}",
                    row=number,
                )
            del cells[width:]
        elif len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        if len("".join(cells)) > _CELL_CHARS_SUSPECT:  # no cell is longer than its row: one quick test a row
            _check_cell_sizes(cells, number, headers)
        count += 1
        if count > limits.max_rows:
            raise ReadError(f"the file has more than {limits.max_rows:,} data rows, the limit", row=number)
        yield number, cells


def _check_cell_sizes(cells: list[str], row: int, headers: list[str]) -> None:
    for index, cell in enumerate(cells):
        if len(cell) > _CELL_CHARS_SUSPECT:
            size = len(cell.encode("utf-8"))
            if size > MAX_CELL_BYTES:
                raise ReadError(f"the cell holds {_megabytes(size)}, over the limit of 1 MB", row, headers[index])


# --- XLSX ---------------------------------------------------------------------------------------------


def _check_zip(path: Path, limits: Limits) -> None:
    """Refuse a damaged archive or a ZIP bomb before openpyxl inflates anything.

    The sizes come from the archive's directory; Python's zipfile stops reading an entry at its declared
    size, so an entry cannot inflate past what is checked here.
    """
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ReadError("not a valid XLSX workbook: the ZIP archive is damaged") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > ZIP_MAX_ENTRIES:
            raise ReadError(f"the workbook holds {len(entries):,} files; a spreadsheet needs far fewer")
        total = 0
        for entry in entries:
            total += entry.file_size
            if entry.file_size > ZIP_RATIO_FLOOR and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1):
                ratio = entry.file_size // max(entry.compress_size, 1)
                raise ReadError(
                    f"refused: '{entry.filename}' in the workbook expands {ratio:,} times to "
                    f"{_megabytes(entry.file_size)} (a ZIP bomb?)"
                )
        limit = ZIP_EXPANSION_FACTOR * limits.max_bytes
        if total > limit:
            raise ReadError(f"refused: the workbook expands to {_megabytes(total)}, over {_megabytes(limit)}")
        if "xl/workbook.xml" not in archive.namelist():
            raise ReadError("not an XLSX workbook: the ZIP archive has no xl/workbook.xml")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        # Excel stores every number as a float: 4096 is written 4096, not 4096.0.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _read_xlsx(path: Path, sheet: str | None, limits: Limits) -> Table:
    _check_zip(path, limits)
    # openpyxl is imported here: CSV imports never pay for it.
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it ignores; they say nothing about the data.
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, SyntaxError) as e:
            raise ReadError(f"the workbook cannot be read: {e}") from None
        try:
            names = list(workbook.sheetnames)
            chosen = _choose_sheet(workbook, names, sheet)
            worksheet = workbook[chosen]
            # Some generators write a wrong <dimension>; read the rows that are there instead.
            worksheet.reset_dimensions()

            def records() -> Iterator[Row]:
                for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                    yield number, [_cell_text(v) for v in values]

            return _scan(path, "xlsx", records, limits, sheets=names, sheet=chosen, spool=True)
        finally:
            workbook.close()


def _choose_sheet(workbook: Workbook, names: list[str], sheet: str | None) -> str:
    """The asked-for sheet (exact, else ignoring case); by default RVTools' vInfo, else the first with data."""
    if sheet is not None:
        for name in names:
            if name == sheet:
                return name
        for name in names:
            if name.casefold() == sheet.casefold():
                return name
        raise SheetNotFound(f"the workbook has no sheet named '{sheet}'; its sheets are: {', '.join(names)}")
    for name in names:
        if name.casefold() == "vinfo":
            return name
    for name in names:
        worksheet = workbook[name]
        if not hasattr(worksheet, "iter_rows"):
            continue  # a chart sheet
        for values in worksheet.iter_rows(max_row=HEADER_WINDOW, values_only=True):
            if any(v is not None and str(v).strip() for v in values):
                return name
    raise ReadError("the workbook is empty: no sheet has a value")


# --- JSON ---------------------------------------------------------------------------------------------


def _json_text(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(_json_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return _cell_text(value)


def _read_json(path: Path, head: bytes, limits: Limits, scan: bool = True) -> Table:
    encoding = _encoding(path, head)
    try:
        data = json.loads(path.read_text(encoding=encoding))
    except json.JSONDecodeError as error:
        raise ReadError(
            f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno} of the text)"
        ) from None
    records = data
    if isinstance(data, dict):
        arrays = [v for v in data.values() if isinstance(v, list)]
        records = arrays[0] if len(arrays) == 1 else None
    if not isinstance(records, list):
        raise ReadError("a JSON file must hold an array of objects (or an object holding one such array)")
    if not records:
        raise ReadError("the file is empty: the JSON array has no objects")
    keys: dict[str, None] = {}
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise ReadError(f"item {index + 1} of the array is not an object", row=index + 2)
        keys.update(dict.fromkeys(record))
    key_list = list(keys)
    header = (1, _header_names(key_list, 1, trim=False))

    def rows() -> Iterator[Row]:
        # Object N is row N + 1, as in a spreadsheet whose row 1 holds the keys.
        for index, record in enumerate(records):
            yield index + 2, [_json_text(record.get(k)) for k in key_list]

    return _scan(path, "json", rows, limits, header=header, encoding=encoding, scan=scan)
