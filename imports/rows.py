"""Turning one raw row (text cells keyed by header) into canonical values, with its errors and warnings.

Built once per import from the final column mapping (`RowConverter.build`), then called per row (or, by the
validation phase, per batch of rows, a column at a time) by the validation and inventory phases: one converter per
column, nothing looked up per value, and each column's outcome remembered per cell text (see MEMO_ENTRIES).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any, Final

from imports.engine.fields import FIELDS_BY_KIND, Field, Kind
from imports.engine.headers import squash
from imports.engine.transforms import TransformError, Value, converter, is_empty
from inventory.values import BIGINT_MAX, PERCENT_MAX, FieldValueError, clean_value

# One of these makes an asset identifiable (issue 4: name, hostname, IP, external id; FQDN, serial, BIOS UUID too).
ASSET_IDENTITY: Final = ("name", "hostname", "fqdn", "ip_address", "external_id", "serial_number", "bios_uuid")
MAX_PORT: Final = 65535
# Sensible ceilings: a value above is almost surely a unit mistake (GB in a MB column, say).
CEILINGS: Final[dict[str, float]] = {"cpu_cores": 4096, "cpu_sockets": 1024, "cpu_logical": 8192, "disk_count": 10000}

Issue = tuple[str | None, str]  # (column header or None for the row, message)
_RECHECK: Final = object()  # a numeric cell the quick check could not pass: the full _cell decides
# Exports repeat most of their cells (OS names, environments, applications, tags, CPU and memory sizes), so each column
# remembers the value of every cell text it converted without an error or a warning: a repeat costs a dict lookup, not
# a conversion. Per column and per converter (one per phase), and bounded: a column that fills its memo without
# repeating much (ids, addresses, measurements) forgets it and stops looking up.
MEMO_ENTRIES: Final = 1024
_MISSING: Final = object()


@dataclass(frozen=True, slots=True)
class PlannedColumn:
    header: str
    target: str
    transform: str | None


@dataclass
class RowResult:
    values: dict[str, Any]
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    # Konveyor record type 2: an application dependency rather than an application.
    dependency: dict[str, Any] | None = None


@dataclass
class _Column:
    header: str
    field: Field
    convert: Callable[[str], Value]
    # Numbers are checked again after converting (clean_value's ranges, CEILINGS, ports): the slower _cell.
    checked: bool = False
    vocabulary: bool = False

    # Numbers: the converter plus the checks every ordinary value passes, in one call (see _quick_number).
    quick: Callable[[str], Any] | None = None
    # Where its cell is in a row of RowConverter.headers.
    index: int = 0
    # The keys of its value, and of the text of a vocabulary's cell, in a row's values.
    name: str = ""
    raw_name: str | None = None
    # A vocabulary's cell text is kept beside its value; a list value is copied for each row (a remembered list is
    # shared), so that no caller's change reaches another row.
    special: bool = False
    # {cell text: value} of the cells it converted without an issue (see MEMO_ENTRIES).
    memo: dict[str, Any] = dataclasses.field(default_factory=dict)  # (in this class `field` is the Field above)
    memo_full: bool = False

    def __post_init__(self) -> None:
        self.checked = self.field.type in ("integer", "number")
        self.vocabulary = self.field.type == "vocabulary"
        if self.checked:
            self.quick = _quick_number(self.field, self.convert)
        self.name = self.field.name
        self.raw_name = f"{self.name}_raw" if self.vocabulary else None
        self.special = self.vocabulary or self.field.type == "list"


@dataclass
class RowConverter:
    kind: Kind
    format: str
    columns: list[_Column]
    unmapped: list[str]
    summed: dict[str, list[_Column]]
    konveyor: dict[str, str | None] = field(default_factory=dict)
    konveyor_tags: list[tuple[str, str]] = field(default_factory=list)
    # The order of the cells convert_cells takes: the file's headers, then any mapped header the file lacks.
    headers: list[str] = field(default_factory=list)
    _keys: list[str] = field(init=False, repr=False)
    _unmapped: list[tuple[str, int]] = field(init=False, repr=False)
    _positions: dict[str, int] = field(init=False, repr=False)
    _rows: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        self.headers = list(self.headers)
        positions = {header: index for index, header in enumerate(self.headers)}  # as a dict of the row: last wins
        for column in [*self.columns, *(c for extra in self.summed.values() for c in extra)]:
            if column.header not in positions:
                positions[column.header] = len(self.headers)
                self.headers.append(column.header)
            column.index = positions[column.header]
        # The keys of a row's values, in the order they were always set: a vocabulary's text before its value.
        self._keys = [key for c in self.columns for key in ([c.raw_name] if c.raw_name else []) + [c.name]]
        self._unmapped = [(header, positions[header]) for header in self.unmapped if header in positions]
        self._positions = positions

    @classmethod
    def build(
        cls,
        *,
        kind: Kind,
        format: str,
        headers: Sequence[str],
        planned: Sequence[PlannedColumn],
        summed_columns: Mapping[str, Sequence[str]] | None = None,
    ) -> RowConverter:
        fields = FIELDS_BY_KIND[kind]
        columns = []
        mapped = set()
        for column in planned:
            target = fields.get(column.target)
            if target is None or target.derived:
                continue
            columns.append(_Column(column.header, target, converter(target, column.transform)))
            mapped.add(column.header)
        summed: dict[str, list[_Column]] = {}
        for name, sources in (summed_columns or {}).items():
            main = next((c for c in columns if c.field.name == name), None)
            if main is None or main.header not in sources:
                continue
            transform = next((p.transform for p in planned if p.header == main.header), None)
            extra = [_Column(h, main.field, converter(main.field, transform)) for h in sources if h != main.header]
            if extra:
                summed[name] = extra
                mapped.update(c.header for c in extra)
        konveyor: dict[str, str | None] = {}
        tags: list[tuple[str, str]] = []
        if format == "konveyor":
            by_key = {squash(h): h for h in headers}
            konveyor = {key: by_key.get(key) for key in ("recordtype1", "dependency", "dependencydirection")}
            mapped.update(h for h in konveyor.values() if h)
            for h in headers:
                key = squash(h)
                for prefix in ("tagcategory", "tagtype"):
                    if key.startswith(prefix) and key[len(prefix) :].isdigit():
                        tag = by_key.get("tag" + key[len(prefix) :])
                        if tag is not None:
                            tags.append((h, tag))
                            mapped.update((h, tag))
        unmapped = [h for h in headers if h not in mapped]
        return cls(kind, format, columns, unmapped, summed, konveyor, tags, headers=list(headers))

    @property
    def targets(self) -> list[str]:
        return [c.field.name for c in self.columns]

    def convert(self, cells: Mapping[str, str]) -> RowResult:
        """The row's canonical values (None for unknown) and what is wrong with it, by column."""
        return self.convert_cells([cells.get(header) or "" for header in self.headers])

    def convert_cells(self, cells: Sequence[str]) -> RowResult:
        """As convert, for a row given as its cells in the order of `headers` ("" for an empty or missing one)."""
        if len(cells) < len(self.headers):
            cells = [*cells, *[""] * (len(self.headers) - len(cells))]
        self._rows += 1
        result = RowResult(values={})
        values = result.values
        for column in self.columns:
            raw = cells[column.index]
            value = column.memo.get(raw, _MISSING)
            if value is _MISSING:
                value = self._first(column, raw, result)
            if column.raw_name is not None:
                values[column.raw_name] = raw.strip() or None
            elif column.special and value is not None:  # a list: a remembered one is shared, each row gets its own
                value = value.copy()
            values[column.name] = value
        self._row_end(cells, result)
        return result

    def convert_rows(self, rows: Sequence[Sequence[str]]) -> list[RowResult]:
        """convert_cells of each row, worked out a column at a time (the hot loop of an import: a column's cells
        are looked up in its memo in one call, and the rare new text converted one by one)."""
        width = len(self.headers)
        rows = [cells if len(cells) >= width else [*cells, *[""] * (width - len(cells))] for cells in rows]
        self._rows += len(rows)
        results = [RowResult(values={}) for _ in rows]
        by_header = list(zip(*rows, strict=False)) if rows else []
        columns: list[list[Any]] = []  # in the order of self._keys
        for column in self.columns:
            column_cells = by_header[column.index]
            column_values = self._column(column, column_cells, results)
            if column.raw_name is not None:
                columns.append([cell.strip() or None for cell in column_cells])
            elif column.special:  # a list: a remembered one is shared, each row gets its own
                column_values = [value.copy() if value is not None else None for value in column_values]
            columns.append(column_values)
        row_values = zip(*columns, strict=True) if columns else [()] * len(rows)
        for result, cells, converted in zip(results, rows, row_values, strict=True):
            result.values = dict(zip(self._keys, converted, strict=True))
            self._row_end(cells, result)
        return results

    def _row_end(self, cells: Sequence[str], result: RowResult) -> None:
        """What follows the columns' values: summed columns, custom attributes, Konveyor's, the row's checks."""
        values = result.values
        for name, extra in self.summed.items():
            total = values.get(name)
            for column in extra:
                more = self._cell(column, cells[column.index], result)
                if isinstance(more, int | float) and not isinstance(more, bool):
                    total = (total or 0) + more
            values[name] = total
        if self.kind != "connections":
            custom = {header: cells[index] for header, index in self._unmapped if not is_empty(cells[index])}
            values["custom_attributes"] = custom or None
        if self.konveyor:
            self._konveyor(cells, result)
        self._check_row(result)

    def _column(self, column: _Column, cells: Sequence[str], results: list[RowResult]) -> list[Any]:
        """The values of a column's cells, its issues added to each row's result."""
        if column.memo_full and not column.memo:  # no use looking up: convert them all, then redo the odd one
            try:
                values = list(map(column.quick or column.convert, cells))
            except (TransformError, FieldValueError):
                values = [_MISSING] * len(cells)
            redo = _MISSING in values or _RECHECK in values
        else:
            values = list(map(column.memo.get, cells, repeat(_MISSING)))
            redo = _MISSING in values
        if redo:
            for index, value in enumerate(values):
                if value is _MISSING or value is _RECHECK:
                    values[index] = self._first(column, cells[index], results[index])
        return values

    def _first(self, column: _Column, raw: str, result: RowResult) -> Any:
        """The value of a cell text the column does not remember; remembered when it raised no issue."""
        if column.quick is not None:
            try:
                value = column.quick(raw)
            except (TransformError, FieldValueError):
                value = _RECHECK
            if value is _RECHECK:
                return self._cell(column, raw, result)
        else:
            try:
                value = column.convert(raw)
            except (TransformError, FieldValueError) as error:
                return self._refused(column, error, result)
        if not column.memo_full:
            memo = column.memo
            memo[raw] = value
            if len(memo) >= MEMO_ENTRIES:
                column.memo_full = True
                if self._rows < 2 * MEMO_ENTRIES:  # most of its cells were new ones: looking them up does not pay
                    column.memo = {}
        return value

    def _cell(self, column: _Column, raw: str, result: RowResult) -> Any:
        target = column.field
        try:
            value = column.convert(raw)
            if value is None or value == []:
                return value
            if target.type in ("integer", "number"):
                value = clean_value(target, value)  # type: ignore[assignment]  # negative sizes, percentages above 100
        except (TransformError, FieldValueError) as error:
            return self._refused(column, error, result)
        ceiling = CEILINGS.get(target.name)
        if ceiling is not None and isinstance(value, int | float) and value > ceiling:
            result.errors.append((column.header, f"{raw.strip()!r} is above {ceiling:g}, too many for {target.name}"))
            return None
        if target.name == "port" and isinstance(value, int) and value > MAX_PORT:
            result.errors.append((column.header, f"{raw.strip()!r} is not a port (0 to {MAX_PORT})"))
            return None
        return value

    @staticmethod
    def _refused(column: _Column, error: Exception, result: RowResult) -> None:
        """A cell the column cannot read: a warning for a vocabulary (left unknown), an error otherwise."""
        target = column.field
        if target.type == "vocabulary":
            result.warnings.append((column.header, f"{error}; {target.name} left unknown"))
            return None
        result.errors.append((column.header, f"{error} ({target.name})"))
        return None

    def _konveyor(self, row: Sequence[str], result: RowResult) -> None:
        def cell(header: str) -> str:
            return row[self._positions[header]]

        record_type = self.konveyor.get("recordtype1")
        tags = [f"{cell(c).strip()}:{cell(t).strip()}" for c, t in self.konveyor_tags if cell(t).strip()]
        if tags:
            result.values["tags"] = list(dict.fromkeys([*(result.values.get("tags") or []), *tags]))
        if record_type and cell(record_type).strip() == "2":
            dependency = self.konveyor.get("dependency")
            direction = self.konveyor.get("dependencydirection")
            result.dependency = {
                "source": result.values.get("name"),
                "target": cell(dependency).strip() if dependency else "",
                "direction": cell(direction).strip() if direction else "",
            }
            if not result.dependency["target"]:
                result.errors.append(
                    (dependency, "a dependency row (record type 2) needs the application it depends on")
                )

    def _check_row(self, result: RowResult) -> None:
        values = result.values
        if self.kind == "assets":
            if not any(values.get(name) for name in ASSET_IDENTITY) and not _has_errors_on(result, ASSET_IDENTITY):
                result.errors.append(
                    (None, "no name, hostname, IP address or external id: the asset cannot be identified")
                )
        elif self.kind == "applications":
            if not values.get("name"):
                column = next((c.header for c in self.columns if c.field.name == "name"), None)
                result.errors.append((column, "an application needs a name"))
        else:
            for name in ("source", "target"):
                if not values.get(name):
                    column = next((c.header for c in self.columns if c.field.name == name), None)
                    result.errors.append((column, f"a connection needs a {name}"))


def _quick_number(target: Field, convert: Callable[[str], Value]) -> Callable[[str], Any]:
    """The converter of a numeric column followed by the checks _cell makes (clean_value's type and range, the
    field's ceiling, ports), answering _RECHECK for anything but an ordinary value, which _cell then reads again
    and reports: the same values and messages, without three calls per cell for the 99.9% that pass."""
    highest = float(min(CEILINGS.get(target.name, BIGINT_MAX), MAX_PORT if target.name == "port" else BIGINT_MAX))
    if target.type == "integer":

        def quick(raw: str) -> Any:
            value = convert(raw)
            if value is None or (type(value) is int and 0 <= value <= highest):
                return value
            return _RECHECK

        return quick
    if target.unit == "pct":
        highest = min(highest, PERCENT_MAX)

    def quick_float(raw: str) -> Any:
        value = convert(raw)
        if value is None or (type(value) is float and 0 <= value <= highest):
            return value
        return _RECHECK

    return quick_float


def _has_errors_on(result: RowResult, names: Sequence[str]) -> bool:
    return any(message.endswith(f"({name})") for _, message in result.errors for name in names)
