"""Writes to the inventory. The import pipeline calls the `*_bulk_write` and `*_link` functions; pages and the
API call the edit, delete and restore ones. Every write is set-based (COPY, or one statement over arrays or
JSON), never a query per row, and atomic: on any error nothing is written.

Contract of the bulk writes (what the pipeline hands over):
- `rows` are dicts keyed by canonical field names (shared/spec/asset-fields.md, application-fields.md), values
  typed and normalised (a text value is read the way the mapping engine reads a cell). A vocabulary field may
  carry its source value under `<field>_raw`; without it the given value is kept as the raw one. Extra keys:
  `custom_attributes` (dict of unmapped source columns), `source_row` (the spreadsheet row number, used in
  error messages and kept as provenance). Any other key is refused.
- Missing or None values are unknown; an empty list is unknown. On `on_duplicate="update"` known values
  overwrite the matched asset's, unknown ones leave its values alone; custom attributes are merged.
- Errors are raised as one `ValidationError` whose messages name the row and the field
  ("Row 12, memory_mb: 'lots' is not a number") before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from psycopg.types.json import Jsonb

from accounts.models import User
from engagements.models import Engagement
from imports.engine.transforms import first_label
from imports.engine.vocabularies import os_family
from migration_platform import pgcopy

from .fields import (
    APPLICATION_FIELDS,
    APPLICATION_VOCABULARY_FIELDS,
    ASSET_EDITABLE_FIELDS,
    ASSET_FIELDS,
    ASSET_VOCABULARY_FIELDS,
    NATURAL_KEYS,
    QUALITY_FIELDS,
    Field,
)
from .models import (
    Application,
    ApplicationAsset,
    ApplicationDependency,
    Asset,
    AssetConnection,
    DependencyDirection,
    LinkSource,
)
from .values import FieldValueError, clean_value

OnDuplicate = Literal["update", "skip"]
Column = Callable[[str], str]

ASSET_RAW_FIELDS = tuple(f"{name}_raw" for name in ASSET_VOCABULARY_FIELDS)
APPLICATION_RAW_FIELDS = tuple(f"{name}_raw" for name in APPLICATION_VOCABULARY_FIELDS)
ASSET_ROW_KEYS = frozenset(ASSET_EDITABLE_FIELDS) | set(ASSET_RAW_FIELDS) | {"custom_attributes", "source_row"}
APPLICATION_ROW_KEYS = frozenset(APPLICATION_FIELDS) | set(APPLICATION_RAW_FIELDS) | {"custom_attributes", "source_row"}
# Identity an asset row needs (issue 4: one of name, hostname, IP, external id; FQDN, serial and BIOS UUID do too).
IDENTITY_FIELDS = ("name", "hostname", "fqdn", "ip_address", "external_id", "serial_number", "bios_uuid")
# Text searched by the asset table, in one lower-cased column under a trigram index.
SEARCH_FIELDS = ("name", "hostname", "fqdn", "external_id", "serial_number", "os_name")
SEARCH_LIST_FIELDS = ("ip_address", "application")
MAX_ERRORS = 200
INT_MAX = 2**31 - 1
ANALYZE_AFTER = 10_000
ANALYZE_STATISTICS_TARGET = 30  # 300 rows sampled per unit: 9,000
# What the table pages filter and sort on, and the natural keys: the statistics a big write refreshes.
ANALYZED_COLUMNS = (
    "engagement_id",
    "deleted_at",
    "name",
    "asset_type",
    "environment",
    "os_family",
    "quality_score",
    "memory_mb",
    "cpu_cores",
    "storage_gb",
    "search_text",
    *NATURAL_KEYS,
)


# ------------------------------------------------------------------------------------------- derived values


def quality_score_sql(column: Column = str) -> str:
    """The quality score (0-100) as SQL: the share of QUALITY_FIELDS that are known.

    `column` maps a field name to its SQL expression, so the same score is computed over a staging table
    during a bulk write and over the asset table after an edit.
    """
    terms = []
    for name in QUALITY_FIELDS:
        canonical, expression = ASSET_FIELDS[name], column(name)
        if canonical.type == "list":
            known = f"cardinality({expression}) > 0"
        elif name == "environment":
            known = f"{expression} IS NOT NULL AND {expression} <> 'unknown'"
        elif canonical.type == "text":
            known = f"{expression} IS NOT NULL AND {expression} <> ''"
        else:
            known = f"{expression} IS NOT NULL"
        terms.append(f"(CASE WHEN {known} THEN 1 ELSE 0 END)")
    return f"((({' + '.join(terms)}) * 100) / {len(terms)})"


def search_text_sql(column: Column = str) -> str:
    parts = [column(name) for name in SEARCH_FIELDS]
    parts += [f"array_to_string({column(name)}, ' ')" for name in SEARCH_LIST_FIELDS]
    return f"lower(concat_ws(' ', {', '.join(parts)}))"


def _assets_refresh_derived(*, asset_ids: Sequence[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE inventory_asset SET quality_score = {quality_score_sql()}, search_text = {search_text_sql()}"
            " WHERE id = ANY(%s)",
            [list(asset_ids)],
        )


# ------------------------------------------------------------------------------------------- row checking


def _row_label(row: Mapping[str, Any], index: int) -> str:
    number = row.get("source_row")
    return f"Row {number if isinstance(number, int) else index + 1}"


def _clean_fields(
    row: Mapping[str, Any],
    fields: Mapping[str, Field],
    vocabulary_fields: Sequence[str],
    label: str,
    errors: list[str],
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in row.items():
        canonical = fields.get(name)
        if canonical is None or canonical.derived:
            continue
        try:
            values[name] = clean_value(canonical, value)
        except FieldValueError as error:
            errors.append(f"{label}, {name}: {error}")
    for name in vocabulary_fields:
        raw = row.get(f"{name}_raw")
        if raw is None and row.get(name) is not None:
            raw = row[name]
        values[f"{name}_raw"] = None if raw is None or str(raw).strip() == "" else str(raw).strip()
    custom = row.get("custom_attributes")
    if isinstance(custom, dict) and any("\x00" in f"{key}{value}" for key, value in custom.items()):
        errors.append(f"{label}, custom_attributes: contains a NUL character")
    if custom is not None and not isinstance(custom, dict):
        errors.append(f"{label}, custom_attributes: must be an object")
    values["custom_attributes"] = dict(custom) if isinstance(custom, dict) and custom else None
    source_row = row.get("source_row")
    if source_row is not None and (not isinstance(source_row, int) or isinstance(source_row, bool) or source_row < 0):
        errors.append(f"{label}, source_row: {source_row!r} is not a row number")
    elif source_row is not None and source_row > INT_MAX:
        errors.append(f"{label}, source_row: {source_row!r} is too large")
    values["source_row"] = source_row if isinstance(source_row, int) and 0 <= source_row <= INT_MAX else None
    return values


def _check_keys(row: Mapping[str, Any], allowed: frozenset[str], label: str, errors: list[str]) -> None:
    unknown = sorted(set(row) - allowed)
    if unknown:
        errors.append(f"{label}: {', '.join(unknown)} not a canonical field (put it in custom_attributes)")


def _raise(errors: list[str]) -> None:
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(f"... and {len(errors) - MAX_ERRORS} more errors")
        raise ValidationError(shown)


def _trusted_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """A typed row (see assets_bulk_write's `trusted`) as _clean_fields would leave it, without re-reading values."""
    values = dict(row)
    for name in ASSET_VOCABULARY_FIELDS:
        if values.get(f"{name}_raw") is None and values.get(name) is not None:
            values[f"{name}_raw"] = values[name]
    values["custom_attributes"] = values.get("custom_attributes") or None
    return values


def _asset_row(row: Mapping[str, Any], index: int, errors: list[str], trusted: bool = False) -> dict[str, Any] | None:
    label = _row_label(row, index)
    before = len(errors)
    if trusted:
        values = _trusted_fields(row)
    else:
        _check_keys(row, ASSET_ROW_KEYS, label, errors)
        values = _clean_fields(row, ASSET_FIELDS, ASSET_VOCABULARY_FIELDS, label, errors)
    if len(errors) > before:
        return None
    if not any(values.get(name) for name in IDENTITY_FIELDS):
        errors.append(f"{label}: no name, hostname, FQDN, IP address, external id, serial number or BIOS UUID")
        return None
    # asset-fields.md: `name` falls back to `hostname`, `hostname` to the first label of `fqdn`.
    if values.get("hostname") is None and values.get("fqdn"):
        values["hostname"] = first_label(values["fqdn"]).lower()
    ips = values.get("ip_address") or []
    values["name_fallback"] = next(
        (v for v in (values.get("hostname"), ips[0] if ips else None, values.get("external_id")) if v),
        values.get("serial_number") or values.get("bios_uuid"),
    )
    if "os_name" in values:
        values["os_family"] = os_family(values["os_name"])
    return values


def _natural_keys(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    keys = []
    for name in NATURAL_KEYS:
        value = values.get(name)
        if name == "ip_address":
            value = value[0] if value else None
        elif value is not None and name != "external_id":
            value = str(value).lower()
        if value:
            keys.append((name, str(value)))
    return keys


def _merge(into: dict[str, Any], later: Mapping[str, Any]) -> None:
    """Fold a later row of the same asset into an earlier one: its known values win, custom attributes merge."""
    for name, value in later.items():
        if name == "custom_attributes" and value:
            into[name] = {**(into.get(name) or {}), **value}
        elif value not in (None, [], ""):
            into[name] = value


# ------------------------------------------------------------------------------------------- assets


@dataclass(frozen=True)
class AssetWriteResult:
    created: int
    updated: int
    skipped: int
    # For every input row, in order: the asset it created, updated or (skipped) matched.
    asset_ids: list[int]
    # Of the staged rows (one per asset), those that matched an existing asset or an earlier batch's row.
    matched: int = 0
    applications_created: int = 0
    application_links: int = 0
    dependency_connections: int = 0


def _db_type(model: type[Asset] | type[Application], name: str) -> str:
    return str(model._meta.get_field(name).db_type(connection))  # type: ignore[union-attr]


def assets_bulk_write(
    *,
    engagement: Engagement,
    rows: Sequence[Mapping[str, Any]],
    on_duplicate: OnDuplicate = "update",
    source_import_id: int | None = None,
    source_format: str = "",
    user: User | None = None,
    link_applications: bool = True,
    trusted: bool = False,
    analyze: bool = True,
) -> AssetWriteResult:
    """Write asset rows into the engagement's inventory (see the module's contract), in one batch: AssetWriter
    for a caller with many batches.

    With `link_applications`, applications named in `application` are created and linked, and `dependencies`
    become asset connections. `analyze=False` leaves the statistics refresh after a big write to the caller
    (`assets_analyze`). `trusted` is AssetWriter's.
    """
    with transaction.atomic():
        with AssetWriter(
            engagement=engagement,
            on_duplicate=on_duplicate,
            source_import_id=source_import_id,
            source_format=source_format,
            user=user,
            trusted=trusted,
        ) as writer:
            writer.add(rows)
        result = writer.result
        if analyze and result.created + result.matched >= ANALYZE_AFTER:
            assets_analyze()
        if link_applications and result.asset_ids:
            touched = sorted(set(result.asset_ids))
            apps = applications_link(engagement=engagement, asset_ids=touched, source_import_id=source_import_id)
            connections = asset_dependencies_link(engagement=engagement, asset_ids=touched)
            result = replace(
                result,
                applications_created=apps.created,
                application_links=apps.linked,
                dependency_connections=connections,
            )
    return result


@dataclass
class _Batch:
    """A batch of asset rows made ready in Python: what AssetWriter.add sends to the database."""

    staged: int  # rows, one per asset: the batch's rows of the same asset are folded into one
    # Input row index -> staged row.
    row_to_staged: list[int]
    # The COPY columns after `n, asset_id`, and each staged row's text for them.
    columns: list[str]
    lines: list[str]
    # Staged row -> the earlier batches' staged row (global index) it matched by natural key, when known.
    matched_earlier: dict[int, int]


class AssetWriter:
    """Writes asset rows into an engagement's inventory, in as many batches (`add`) as the caller likes; all of
    them or none (one transaction), with the results in `result` once the `with` block has ended.

    A row matching an existing asset (or an earlier row, in any batch) on a natural key - external_id, bios_uuid,
    serial_number, fqdn, hostname, primary IP, first match wins in that order - updates it or is skipped
    (`on_duplicate`). Soft-deleted assets match too and stay deleted (a person's decision stands). Each batch is
    staged with COPY into a temporary table and matched, updated and inserted by a handful of statements.

    While PostgreSQL runs a batch's statements (sent in psycopg's pipeline mode, without waiting), Python
    prepares the next one: the checks, the matching and the COPY text. Nothing else may use the connection inside
    the `with` block. An engagement without assets when the writer starts (an import's first) is matched here, in
    Python, by the natural keys of the rows written so far ({key name: {value: staged row}}, no tuple per key:
    100,000 rows have about 500,000); otherwise by SQL against the engagement's assets, batch by batch.

    `trusted=True` is for the import pipeline only: it skips the per-value re-check (`clean_value`, unknown
    keys, NUL characters, row numbers) for rows that are already typed, and the caller promises that each row
    holds only canonical, non-derived asset fields (plus their `<vocabulary>_raw`, `custom_attributes` as a
    dict of text without NUL characters or None, and `source_row` as a non-negative int), each value exactly
    as `inventory.values.clean_value` would return it or None - which is what `imports.rows.RowConverter`
    produces for a row without errors. The identity check, natural-key matching, staging, update and insert
    are the same either way, and so are the results. Anything else (pages, the API, tests, other callers)
    keeps the default, validated path.
    """

    COLUMNS = [*ASSET_FIELDS, *ASSET_RAW_FIELDS, "custom_attributes", "source_row"]
    LIST_COLUMNS = frozenset(name for name in ASSET_FIELDS if ASSET_FIELDS[name].type == "list")

    def __init__(
        self,
        *,
        engagement: Engagement,
        on_duplicate: OnDuplicate = "update",
        source_import_id: int | None = None,
        source_format: str = "",
        user: User | None = None,
        trusted: bool = False,
    ) -> None:
        if on_duplicate not in ("update", "skip"):
            raise ValidationError({"on_duplicate": "on_duplicate must be 'update' or 'skip'."})
        self.engagement = engagement
        self.on_duplicate = on_duplicate
        self.source_import_id = source_import_id
        self.source_format = source_format
        self.user = user
        self.trusted = trusted
        self.result = AssetWriteResult(created=0, updated=0, skipped=0, asset_ids=[])
        # Whether the engagement had no assets when the writer began: then the rows are matched in `_known`.
        self.fresh = False
        self._known: dict[str, dict[str, int]] | None = None
        # Global staged row -> its asset, for every batch written so far.
        self._asset_of: list[int] = []
        self._sent: _Batch | None = None
        self._outer = ExitStack()
        self._pipeline: Any = None

    def __enter__(self) -> AssetWriter:
        with ExitStack() as outer:
            outer.enter_context(transaction.atomic())
            self._cursor = outer.enter_context(connection.cursor())
            self._created = outer.enter_context(connection.cursor())
            self._matched = outer.enter_context(connection.cursor())
            self._cursor.execute(
                "SELECT EXISTS (SELECT 1 FROM inventory_asset WHERE engagement_id = %s)", [self.engagement.pk]
            )
            self.fresh = not self._cursor.fetchone()[0]
            definitions = ", ".join(f"{name} {_db_type(Asset, name)}" for name in self.COLUMNS)
            self._staging = (
                "CREATE TEMPORARY TABLE inventory_asset_staging (n integer PRIMARY KEY, asset_id bigint, "
                f"name_fallback text, {definitions}) ON COMMIT DROP"
            )
            self._known = {} if self.fresh else None
            self._outer = outer.pop_all()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: Any) -> None:
        try:
            if kind is None:
                self._wait()
            elif self._pipeline is not None:
                pipeline, self._pipeline = self._pipeline, None
                pipeline.__exit__(kind, error, trace)  # its own errors are logged, not raised over this one
        except BaseException as failure:
            self._outer.__exit__(type(failure), failure, failure.__traceback__)
            raise
        self._outer.__exit__(kind, error, trace)

    def add(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Check and prepare `rows` (ValidationError naming each bad row, before anything of them is written),
        wait for the previous batch, then stage these and send their statements."""
        batch = self._prepare(rows)
        self._wait()
        if batch.lines:
            self._send(batch)

    # -------------------------------------------------------------------- Python: checks, matching, COPY text

    def _prepare(self, rows: Sequence[Mapping[str, Any]]) -> _Batch:
        errors: list[str] = []
        staged: list[dict[str, Any]] = []
        row_to_staged: list[int] = []
        seen: dict[tuple[str, str], int] = {}
        for index, row in enumerate(rows):
            values = _asset_row(row, index, errors, self.trusted)
            if values is None:
                row_to_staged.append(-1)
                continue
            keys = _natural_keys(values)
            earlier = next((seen[key] for key in keys if key in seen), None)
            if earlier is None:
                earlier = len(staged)
                staged.append(values)
            elif self.on_duplicate == "update":
                _merge(staged[earlier], values)
            for key in keys:
                seen.setdefault(key, earlier)
            row_to_staged.append(earlier)
        _raise(errors)
        matched_earlier: dict[int, int] = {}
        if self._known is not None:
            known, offset = self._known, len(self._asset_of) + (self._sent.staged if self._sent else 0)
            staged_keys = [_natural_keys(values) for values in staged]
            for s, keys in enumerate(staged_keys):
                earlier = next((known[n][v] for n, v in keys if v in known.get(n, ())), None)
                if earlier is not None:
                    matched_earlier[s] = earlier
            for s, keys in enumerate(staged_keys):
                target = matched_earlier.get(s, offset + s)
                for name, value in keys:
                    known.setdefault(name, {}).setdefault(value, target)
        # Only the columns some row has (an import maps a few dozen of the ~70): the rest stay NULL, unknown.
        present: set[str] = set()
        for values in staged:
            present.update(values)
        columns = ["name_fallback", *(name for name in self.COLUMNS if name in present)]
        lists = [i for i, name in enumerate(columns) if name in self.LIST_COLUMNS]
        lines = []
        for values in staged:
            record = [values.get(name) for name in columns]
            for i in lists:
                if not record[i]:
                    record[i] = None  # empty is unknown: an update keeps the asset's list
            lines.append(pgcopy.line(record))
        return _Batch(len(staged), row_to_staged, columns, lines, matched_earlier)

    # -------------------------------------------------------------------- PostgreSQL

    def _send(self, batch: _Batch) -> None:
        """Stage the batch by COPY, then send its statements in pipeline mode: they run while Python goes on."""
        cursor, engagement_id = self._cursor, self.engagement.pk
        cursor.execute(self._staging)
        with cursor.copy(f"COPY inventory_asset_staging (n, asset_id, {', '.join(batch.columns)}) FROM STDIN") as copy:
            asset_of, matched = self._asset_of, batch.matched_earlier
            data = "".join(
                f"{n}\t{asset_of[matched[n]] if n in matched else pgcopy.NULL}\t{text}\n"
                for n, text in enumerate(batch.lines)
            )
            copy.write(data.encode())
        self._pipeline = connection.connection.pipeline()
        self._pipeline.__enter__()
        if self._known is None:
            cursor.execute(f"ANALYZE inventory_asset_staging ({', '.join(NATURAL_KEYS)})")
            _match_natural_keys(cursor, engagement_id)
        user_id = self.user.pk if self.user else None
        # Matched in Python and nothing matched: no update to plan over a staging table without statistics.
        if self.on_duplicate == "update" and (self._known is None or batch.matched_earlier):
            _update_matched(cursor, self.COLUMNS, self.source_import_id, self.source_format, user_id)
        _insert_new(
            self._created,
            engagement_id,
            self.COLUMNS,
            self.LIST_COLUMNS,
            self.source_import_id,
            self.source_format,
            user_id,
        )
        self._matched.execute("SELECT n, asset_id FROM inventory_asset_staging WHERE asset_id IS NOT NULL")
        cursor.execute("DROP TABLE inventory_asset_staging")
        self._sent = batch

    def _wait(self) -> None:
        """Wait for the batch sent last (its errors raise here) and add its results."""
        batch, self._sent = self._sent, None
        if batch is None:
            return
        pipeline, self._pipeline = self._pipeline, None
        with connection.wrap_database_errors:  # psycopg's errors as Django's, as from a cursor
            pipeline.__exit__(None, None, None)  # leaves pipeline mode: waits for every statement's result
        staged_ids = [0] * batch.staged
        matched = self._matched.fetchall()
        for n, asset_id in matched:
            staged_ids[n] = int(asset_id)
        created = self._created.fetchall()
        for n, asset_id in created:
            staged_ids[n] = int(asset_id)
        self._asset_of.extend(staged_ids)
        asset_ids = [staged_ids[s] for s in batch.row_to_staged]
        repeated = len(matched) + len(asset_ids) - batch.staged  # matched an asset, or an earlier row of this batch
        previous = self.result
        self.result = replace(
            previous,
            created=previous.created + len(created),
            updated=previous.updated + (repeated if self.on_duplicate == "update" else 0),
            skipped=previous.skipped + (repeated if self.on_duplicate == "skip" else 0),
            matched=previous.matched + len(matched),
            asset_ids=previous.asset_ids + asset_ids,
        )


def assets_analyze() -> None:
    """After a big write: fresh statistics, so the table's first pages are planned on the indexes, and the text
    search index's pending list merged (a bulk insert leaves up to 4 MB of it unsorted until autovacuum comes,
    which every search would read: 2-30 ms each; merging costs about 70 ms at 100,000 rows).

    The statistics come from a sample of 9,000 rows (ANALYZE_STATISTICS_TARGET) rather than the server's default
    30,000: the pages' filters and sorts plan the same on it, and it reads a third of the table (0.3 s instead of
    0.7-1.1 s at 100,000 assets). Autovacuum's next analyze takes the default sample."""
    with transaction.atomic(), connection.cursor() as cursor:
        _analyze(cursor, f"inventory_asset ({', '.join(ANALYZED_COLUMNS)})")
        cursor.execute("SELECT gin_clean_pending_list('inventory_asset_search_trgm'::regclass)")


def _analyze(cursor: Any, table: str) -> None:
    """ANALYZE `table` (in a transaction) on a sample of ANALYZE_STATISTICS_TARGET (see assets_analyze)."""
    cursor.execute(f"SET LOCAL default_statistics_target = {ANALYZE_STATISTICS_TARGET}")
    cursor.execute(f"ANALYZE {table}")
    cursor.execute("SET LOCAL default_statistics_target TO DEFAULT")


def _match_natural_keys(cursor: Any, engagement_id: int) -> None:
    """Point each staged row at an existing asset, trying the natural keys in order; live assets first."""
    for key in NATURAL_KEYS:
        # `a.<key> IS NOT NULL` names the partial natural-key indexes' condition, so that they serve the join.
        if key == "ip_address":
            condition, present = "a.ip_address[1] = t.ip_address[1]", "t.ip_address IS NOT NULL"
        elif key == "external_id":
            condition, present = (
                "a.external_id = t.external_id AND a.external_id IS NOT NULL",
                "t.external_id IS NOT NULL",
            )
        else:
            condition, present = f"lower(a.{key}) = lower(t.{key}) AND a.{key} IS NOT NULL", f"t.{key} IS NOT NULL"
        cursor.execute(
            "UPDATE inventory_asset_staging s SET asset_id = m.id FROM ("
            " SELECT DISTINCT ON (t.n) t.n, a.id FROM inventory_asset_staging t"
            f" JOIN inventory_asset a ON a.engagement_id = %s AND {condition}"
            f" WHERE t.asset_id IS NULL AND {present}"
            " ORDER BY t.n, (a.deleted_at IS NOT NULL), a.id"
            ") m WHERE s.n = m.n",
            [engagement_id],
        )


def _update_matched(
    cursor: Any, columns: list[str], source_import_id: int | None, source_format: str, user_id: int | None
) -> None:
    """Update the assets the staged rows matched: known values win, custom attributes merge; the quality score and
    the search text from the new values in the same statement (a second UPDATE wrote every row and its 17 index
    entries again)."""

    def updated(name: str) -> str:
        if name == "custom_attributes":
            return "a.custom_attributes || COALESCE(t.custom_attributes, '{}'::jsonb)"
        return f"COALESCE(t.{name}, a.{name})" if name in columns else f"a.{name}"

    assignments = [f"{name} = {updated(name)}" for name in columns]
    assignments += [
        f"quality_score = {quality_score_sql(updated)}",
        f"search_text = {search_text_sql(updated)}",
        "source_import_id = COALESCE(%s, a.source_import_id)",
        "source_format = CASE WHEN %s <> '' THEN %s ELSE a.source_format END",
        "updated_by_id = %s",
        "updated_at = now()",
    ]
    # Several rows matching one asset: the last one wins.
    cursor.execute(
        f"UPDATE inventory_asset a SET {', '.join(assignments)} FROM ("
        " SELECT DISTINCT ON (asset_id) * FROM inventory_asset_staging WHERE asset_id IS NOT NULL"
        " ORDER BY asset_id, n DESC) t WHERE a.id = t.asset_id",
        [source_import_id, source_format, source_format, user_id],
    )


def _insert_new(
    cursor: Any,
    engagement_id: int,
    columns: list[str],
    list_columns: frozenset[str],
    source_import_id: int | None,
    source_format: str,
    user_id: int | None,
) -> None:
    """Insert the staged rows that matched nothing, with ids drawn in the same statement; its result is (n, id) of
    each (the cursor's to fetch: in pipeline mode, once the pipeline is left)."""

    def final(name: str) -> str:
        if name == "name":
            return "COALESCE(t.name, t.name_fallback)"
        if name in list_columns:
            return f"COALESCE(t.{name}, '{{}}')"
        if name == "custom_attributes":
            return "COALESCE(t.custom_attributes, '{}'::jsonb)"
        return f"t.{name}"

    targets = ["id", "engagement_id", *columns, "source_import_id", "source_format", "updated_by_id"]
    targets += ["quality_score", "search_text", "created_at", "updated_at"]
    selected = ["t.new_id", "%s", *(final(name) for name in columns), "%s", "%s", "%s"]
    selected += [quality_score_sql(final), search_text_sql(final), "now()", "now()"]
    cursor.execute(
        "WITH new AS MATERIALIZED (SELECT s.*, nextval(pg_get_serial_sequence('inventory_asset', 'id')) AS new_id"
        "  FROM inventory_asset_staging s WHERE s.asset_id IS NULL ORDER BY s.n),"
        f" inserted AS (INSERT INTO inventory_asset ({', '.join(targets)}) SELECT {', '.join(selected)} FROM new t)"
        " SELECT n, new_id FROM new",
        [engagement_id, source_import_id, source_format, user_id],
    )


@dataclass(frozen=True)
class LinkResult:
    created: int
    linked: int


def _live_assets(
    *, engagement: Engagement, asset_ids: Sequence[int] | None, source_import_id: int | None
) -> tuple[str, list[Any]]:
    """SQL condition and parameters for the engagement's live assets (as `a`): those of `asset_ids`, else those an
    import wrote (`source_import_id`: no list of its 100,000 ids to send), else all."""
    scope, params = "a.engagement_id = %s AND a.deleted_at IS NULL", [engagement.pk]
    if asset_ids is not None:
        return scope + " AND a.id = ANY(%s)", [*params, list(asset_ids)]
    if source_import_id is not None:
        return scope + " AND a.source_import_id = %s", [*params, source_import_id]
    return scope, params


def applications_link(
    *,
    engagement: Engagement,
    asset_ids: Sequence[int] | None = None,
    source_import_id: int | None = None,
    unlinked: bool = False,
) -> LinkResult:
    """Create the applications the assets name in `application` (matched case-insensitively) and link them.

    `asset_ids` limits the work to those assets (all of the engagement's live assets otherwise). Two statements.
    `unlinked=True` is an import's promise, with its `source_import_id` and no `asset_ids`, that it created every
    asset it wrote (the engagement had none) and that none has a link yet: the work is limited to the assets of
    that import, and their links are inserted without the conflict check of each (about 0.5 s of 100,000; and
    no list of 100,000 ids to send).
    """
    if unlinked and (asset_ids is not None or source_import_id is None):
        raise ValueError("unlinked=True names the import's assets by source_import_id, without asset_ids")
    scope, params = _live_assets(
        engagement=engagement, asset_ids=asset_ids, source_import_id=source_import_id if unlinked else None
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO inventory_application (engagement_id, name, languages, frameworks, databases, middleware,"
            " compliance, servers, tags, custom_attributes, source_import_id, source_format, created_at, updated_at)"
            " SELECT %s, name, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}'::jsonb, %s, 'asset_application',"
            " now(), now() FROM ("
            # One name per application, the first in sort order (grouped in a hash, not a sort of every link).
            "  SELECT min(btrim(app)) AS name"
            f"  FROM inventory_asset a CROSS JOIN LATERAL unnest(a.application) AS app WHERE {scope}"
            "  AND btrim(app) <> '' GROUP BY lower(btrim(app))"
            " ) names ON CONFLICT (engagement_id, lower(name)) DO NOTHING",
            [engagement.pk, source_import_id, *params],
        )
        created = cursor.rowcount
        if created >= ANALYZE_AFTER // 100:
            # Statistics first, so that each link finds its application by the (engagement, lower(name)) index.
            # Without them, the planner took 1 row for the new assets and read every application of the
            # engagement per link: 4 s for 5,000 assets of 400 applications.
            _analyze(cursor, "inventory_application")
        # A lookup per link (memoised per name), whatever the planner believes of the assets: a join planned on
        # stale statistics became that nested loop over the engagement's applications.
        cursor.execute(
            "INSERT INTO inventory_applicationasset (application_id, asset_id, source, created_at)"
            " SELECT DISTINCT ap.id, a.id, %s, now()"
            " FROM inventory_asset a CROSS JOIN LATERAL unnest(a.application) AS app"
            " CROSS JOIN LATERAL (SELECT x.id FROM inventory_application x"
            "  WHERE x.engagement_id = a.engagement_id AND lower(x.name) = lower(btrim(app)) OFFSET 0) ap"
            f" WHERE {scope}" + ("" if unlinked else " ON CONFLICT (application_id, asset_id) DO NOTHING"),
            [LinkSource.IMPORT, *params],
        )
        linked = cursor.rowcount
        if linked >= ANALYZE_AFTER:
            # Without fresh statistics the table's application filter walks the whole name index (135 ms over
            # 100,000 assets) instead of reading the application's few links (8 ms).
            _analyze(cursor, "inventory_applicationasset")
    return LinkResult(created=created, linked=linked)


# Host references from which _assets_resolve first checks that the planner knows the engagement's size.
RESOLVE_CHECKED = 100
# How many more live assets than the planner believes make its statistics worth refreshing (beyond 4 times).
RESOLVE_MISESTIMATE = 500


def _assets_statistics_ensure(cursor: Any, engagement_id: int) -> None:
    """ANALYZE the assets (as assets_analyze does) when the planner takes the engagement's live assets for far fewer
    than they are. An import below ANALYZE_AFTER leaves no statistics of its rows: an engagement of 5,000 assets
    beside one of 20,000 analyzed ones was taken for 1 asset, and then a nested loop over the references reads all
    5,000 assets for each (two such plans: 4 s and 11 s for 500 references, instead of 25 ms by a hash join, which
    the planner chose in our runs by a small margin of its cost estimates)."""
    cursor.execute(
        "EXPLAIN (FORMAT JSON) SELECT FROM inventory_asset WHERE engagement_id = %s AND deleted_at IS NULL",
        [engagement_id],
    )
    plan = cursor.fetchone()[0]
    estimate = int((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"])
    ceiling = 4 * estimate + RESOLVE_MISESTIMATE  # counting further would not change the answer
    cursor.execute(
        "SELECT count(*) FROM (SELECT FROM inventory_asset WHERE engagement_id = %s AND deleted_at IS NULL LIMIT %s) a",
        [engagement_id, ceiling],
    )
    if cursor.fetchone()[0] >= ceiling:
        with transaction.atomic():  # _analyze's sample size is set for its transaction
            _analyze(cursor, f"inventory_asset ({', '.join(ANALYZED_COLUMNS)})")


def _assets_resolve(*, engagement_id: int, refs: Iterable[str]) -> dict[str, int]:
    """Map host references (name, hostname, FQDN or primary IP; case-insensitive) to live assets, in that order."""
    wanted = sorted({ref.strip().lower() for ref in refs if ref and ref.strip()})
    if not wanted:
        return {}
    joins = [
        ("lower(a.name) = r.ref", 1),
        ("lower(a.hostname) = r.ref", 2),
        ("lower(a.fqdn) = r.ref AND a.fqdn IS NOT NULL", 3),  # the partial index's condition
        ("a.ip_address[1] = r.ref", 4),
    ]
    union = " UNION ALL ".join(
        f"SELECT r.ref, a.id, {rank} AS rank FROM refs r JOIN inventory_asset a"
        f" ON a.engagement_id = %s AND a.deleted_at IS NULL AND {condition}"
        for condition, rank in joins
    )
    with connection.cursor() as cursor:
        if len(wanted) >= RESOLVE_CHECKED:
            _assets_statistics_ensure(cursor, engagement_id)
        cursor.execute(
            "WITH refs AS (SELECT unnest(%s::text[]) AS ref)"
            f" SELECT DISTINCT ON (ref) ref, id FROM ({union}) m ORDER BY ref, rank, id",
            [wanted, *([engagement_id] * len(joins))],
        )
        return {ref: int(asset_id) for ref, asset_id in cursor.fetchall()}


def asset_dependencies_link(
    *, engagement: Engagement, asset_ids: Sequence[int] | None = None, source_import_id: int | None = None
) -> int:
    """Turn the names in assets' `dependencies` into connections (no port); returns the connections created.

    Of the engagement's live assets, those of `asset_ids`, or those an import wrote (`source_import_id`: no list of
    its 100,000 ids to send), or all."""
    scope, params = _live_assets(engagement=engagement, asset_ids=asset_ids, source_import_id=source_import_id)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id, a.dependencies FROM inventory_asset a WHERE {scope} AND cardinality(a.dependencies) > 0",
            params,
        )
        pairs = [(int(asset_id), list(refs)) for asset_id, refs in cursor.fetchall()]
    if not pairs:
        return 0
    resolved = _assets_resolve(engagement_id=engagement.pk, refs=(ref for _, refs in pairs for ref in refs))
    sources, targets = [], []
    for asset_id, refs in pairs:
        for target in {resolved[key] for key in (ref.strip().lower() for ref in refs) if key in resolved}:
            if target != asset_id:
                sources.append(asset_id)
                targets.append(target)
    return _connections_insert(
        engagement_id=engagement.pk,
        sources=sources,
        targets=targets,
        ports=[None] * len(sources),
        protocols=[""] * len(sources),
        counts=[None] * len(sources),
        source_rows=[None] * len(sources),
        source_import_id=None,
        source_format="asset_dependencies",
    )


def _connections_insert(
    *,
    engagement_id: int,
    sources: list[int],
    targets: list[int],
    ports: list[int | None],
    protocols: list[str],
    counts: list[int | None],
    source_rows: list[int | None],
    source_import_id: int | None,
    source_format: str,
) -> int:
    if not sources:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO inventory_assetconnection (engagement_id, source_id, target_id, port, protocol,"
            " connection_count, source_row, source_import_id, source_format, created_at)"
            " SELECT %s, s, t, p, pr, c, r, %s, %s, now() FROM ("
            "  SELECT s, t, p, pr, CASE WHEN count(c) > 0 THEN sum(c) END AS c, min(r) AS r"
            "  FROM unnest(%s::bigint[], %s::bigint[], %s::integer[], %s::text[], %s::bigint[], %s::integer[])"
            "  AS i(s, t, p, pr, c, r) GROUP BY s, t, p, pr"
            " ) grouped ON CONFLICT (source_id, target_id, port, protocol) DO UPDATE SET"
            " connection_count = COALESCE(EXCLUDED.connection_count, inventory_assetconnection.connection_count)",
            [engagement_id, source_import_id, source_format, sources, targets, ports, protocols, counts, source_rows],
        )
        written = int(cursor.rowcount)
        if written >= ANALYZE_AFTER:
            with transaction.atomic():  # statistics of the new rows, for the pages that read them (as for links)
                _analyze(cursor, "inventory_assetconnection")
        return written


@dataclass(frozen=True)
class ConnectionWriteResult:
    written: int
    # Rows whose source or target matches no asset, as "Row N: no asset 'x'".
    unresolved: list[str] = field(default_factory=list)


def connections_bulk_write(
    *,
    engagement: Engagement,
    rows: Sequence[Mapping[str, Any]],
    source_import_id: int | None = None,
    source_format: str = "connections",
) -> ConnectionWriteResult:
    """Write server connections: rows of `source`, `target` (host name, FQDN, asset name or IP), `port`,
    `protocol`, optional `connection_count` and `source_row`. Repeated (source, target, port, protocol) add
    their counts up; rows whose hosts are not in the inventory are reported, not written."""
    errors: list[str] = []
    for index, row in enumerate(rows):
        label = _row_label(row, index)
        for key in ("port", "connection_count"):
            value = row.get(key)
            if value not in (None, "") and (not str(value).strip().isdigit()):
                errors.append(f"{label}, {key}: {value!r} is not a whole number")
        if not str(row.get("source") or "").strip() or not str(row.get("target") or "").strip():
            errors.append(f"{label}: a connection needs a source and a target")
    _raise(errors)
    refs = [str(row[key]) for row in rows for key in ("source", "target")]
    resolved = _assets_resolve(engagement_id=engagement.pk, refs=refs)
    sources, targets, ports, protocols, counts, source_rows, unresolved = [], [], [], [], [], [], []
    for index, row in enumerate(rows):
        source, target = (resolved.get(str(row[key]).strip().lower()) for key in ("source", "target"))
        if source is None or target is None:
            missing = row["source"] if source is None else row["target"]
            unresolved.append(f"{_row_label(row, index)}: no asset '{missing}'")
            continue
        if source == target:
            continue
        sources.append(source)
        targets.append(target)
        ports.append(int(row["port"]) if row.get("port") not in (None, "") else None)
        protocols.append(str(row.get("protocol") or "").strip().lower())
        counts.append(int(row["connection_count"]) if row.get("connection_count") not in (None, "") else None)
        source_rows.append(row.get("source_row") if isinstance(row.get("source_row"), int) else None)
    with transaction.atomic():
        written = _connections_insert(
            engagement_id=engagement.pk,
            sources=sources,
            targets=targets,
            ports=ports,
            protocols=protocols,
            counts=counts,
            source_rows=source_rows,
            source_import_id=source_import_id,
            source_format=source_format,
        )
    return ConnectionWriteResult(written=written, unresolved=unresolved)


# ------------------------------------------------------------------------------------------- applications


@dataclass(frozen=True)
class ApplicationWriteResult:
    created: int
    updated: int
    skipped: int
    application_ids: list[int]
    servers_linked: int = 0
    # Server names of `servers` that match no asset.
    servers_unresolved: list[str] = field(default_factory=list)


def applications_bulk_write(
    *,
    engagement: Engagement,
    rows: Sequence[Mapping[str, Any]],
    on_duplicate: OnDuplicate = "update",
    source_import_id: int | None = None,
    source_format: str = "",
    user: User | None = None,
) -> ApplicationWriteResult:
    """Write application rows (application-fields.md), matched on the name case-insensitively, and link each to
    the assets its `servers` name. One upsert over a JSON array, one statement for the links."""
    if on_duplicate not in ("update", "skip"):
        raise ValidationError({"on_duplicate": "on_duplicate must be 'update' or 'skip'."})
    errors: list[str] = []
    staged: dict[str, dict[str, Any]] = {}
    row_names: list[str] = []
    for index, row in enumerate(rows):
        label = _row_label(row, index)
        _check_keys(row, APPLICATION_ROW_KEYS, label, errors)
        values = _clean_fields(row, APPLICATION_FIELDS, APPLICATION_VOCABULARY_FIELDS, label, errors)
        name = values.get("name")
        if not name:
            errors.append(f"{label}, name: an application needs a name")
            continue
        key = str(name).lower()
        row_names.append(key)
        if key in staged:
            if on_duplicate == "update":
                _merge(staged[key], values)
        else:
            staged[key] = values
    _raise(errors)
    if not staged:
        return ApplicationWriteResult(created=0, updated=0, skipped=0, application_ids=[])
    columns = [name for name in APPLICATION_FIELDS] + list(APPLICATION_RAW_FIELDS) + ["custom_attributes"]
    columns.append("source_row")
    lists = {name for name in APPLICATION_FIELDS if APPLICATION_FIELDS[name].type == "list"}
    payload = [{k: v for k, v in values.items() if k in columns and v not in (None, [])} for values in staged.values()]

    def inserted(name: str) -> str:
        if name in lists:
            return f"COALESCE(r.{name}, '{{}}')"
        if name == "custom_attributes":
            return "COALESCE(r.custom_attributes, '{}'::jsonb)"
        return f"r.{name}"

    def merged(name: str) -> str:
        current = f"inventory_application.{name}"
        if name in lists:
            return f"{name} = CASE WHEN cardinality(EXCLUDED.{name}) > 0 THEN EXCLUDED.{name} ELSE {current} END"
        if name == "custom_attributes":
            return f"custom_attributes = {current} || EXCLUDED.custom_attributes"
        if name == "name":
            return f"name = {current}"
        return f"{name} = COALESCE(EXCLUDED.{name}, {current})"

    if on_duplicate == "update":
        conflict = "DO UPDATE SET " + ", ".join(merged(name) for name in columns)
        conflict += ", source_import_id = COALESCE(EXCLUDED.source_import_id, inventory_application.source_import_id)"
        conflict += ", updated_at = now(), updated_by_id = EXCLUDED.updated_by_id"
    else:
        # A no-op update so RETURNING also gives the ids of the skipped ones.
        conflict = "DO UPDATE SET name = inventory_application.name"
    targets = ["engagement_id", *columns, "source_import_id", "source_format", "updated_by_id", "created_at"]
    targets.append("updated_at")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO inventory_application ({', '.join(targets)})"
            f" SELECT %s, {', '.join(inserted(name) for name in columns)}, %s, %s, %s, now(), now()"
            " FROM jsonb_populate_recordset(NULL::inventory_application, %s) r"
            f" ON CONFLICT (engagement_id, lower(name)) {conflict} RETURNING lower(name), id, (xmax = 0)",
            [engagement.pk, source_import_id, source_format, user.pk if user else None, Jsonb(payload)],  # type: ignore[list-item]
        )
        returned = {key: (int(app_id), bool(new)) for key, app_id, new in cursor.fetchall()}
        created = sum(1 for _, new in returned.values() if new)
        matched = len(staged) - created + (len(row_names) - len(staged))
        linked, unresolved = _application_servers_link(engagement=engagement, staged=staged, ids=returned)
    return ApplicationWriteResult(
        created=created,
        updated=matched if on_duplicate == "update" else 0,
        skipped=matched if on_duplicate == "skip" else 0,
        application_ids=[returned[key][0] for key in row_names],
        servers_linked=linked,
        servers_unresolved=unresolved,
    )


def _application_servers_link(
    *, engagement: Engagement, staged: Mapping[str, Mapping[str, Any]], ids: Mapping[str, tuple[int, bool]]
) -> tuple[int, list[str]]:
    wanted = [(ids[key][0], server) for key, values in staged.items() for server in values.get("servers") or []]
    if not wanted:
        return 0, []
    resolved = _assets_resolve(engagement_id=engagement.pk, refs=(server for _, server in wanted))
    apps, assets, unresolved = [], [], []
    for app_id, server in wanted:
        asset_id = resolved.get(server.strip().lower())
        if asset_id is None:
            unresolved.append(server)
        else:
            apps.append(app_id)
            assets.append(asset_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO inventory_applicationasset (application_id, asset_id, source, created_at)"
            " SELECT DISTINCT a, s, %s, now() FROM unnest(%s::bigint[], %s::bigint[]) AS i(a, s)"
            " ON CONFLICT (application_id, asset_id) DO NOTHING",
            [LinkSource.IMPORT, apps, assets],
        )
        return int(cursor.rowcount), sorted(set(unresolved))


DIRECTIONS = {
    "": DependencyDirection.OUTBOUND,
    "outbound": DependencyDirection.OUTBOUND,
    "southbound": DependencyDirection.OUTBOUND,  # Konveyor: this application depends on the other
    "bidirectional": DependencyDirection.BIDIRECTIONAL,
    "both": DependencyDirection.BIDIRECTIONAL,
}
INBOUND = {"inbound", "northbound"}  # Konveyor northbound: the other application depends on this one


@dataclass(frozen=True)
class DependencyWriteResult:
    written: int
    applications_created: int


def application_dependencies_bulk_write(
    *,
    engagement: Engagement,
    rows: Sequence[Mapping[str, Any]],
    source_import_id: int | None = None,
    source_format: str = "",
) -> DependencyWriteResult:
    """Write application dependencies: rows of `source`, `target` (application names), optional `direction`
    (outbound, bidirectional; Konveyor's southbound / northbound), `kind`, `description`, `source_row`.
    Applications named but missing are created. A repeated pair updates the earlier one."""
    errors: list[str] = []
    pairs: dict[tuple[str, str], dict[str, Any]] = {}
    for index, row in enumerate(rows):
        label = _row_label(row, index)
        source, target = (str(row.get(key) or "").strip() for key in ("source", "target"))
        direction = str(row.get("direction") or "").strip().lower()
        if not source or not target:
            errors.append(f"{label}: a dependency needs a source and a target application")
            continue
        if direction in INBOUND:
            source, target, direction = target, source, "outbound"
        if direction not in DIRECTIONS:
            errors.append(f"{label}, direction: {row.get('direction')!r} is not outbound or bidirectional")
            continue
        if source.lower() == target.lower():
            errors.append(f"{label}: an application cannot depend on itself")
            continue
        pairs[(source.lower(), target.lower())] = {
            "source": source,
            "target": target,
            "direction": DIRECTIONS[direction],
            "kind": str(row.get("kind") or "").strip()[:40],
            "description": str(row.get("description") or "").strip(),
            "source_row": row.get("source_row") if isinstance(row.get("source_row"), int) else None,
        }
    _raise(errors)
    if not pairs:
        return DependencyWriteResult(written=0, applications_created=0)
    names = sorted({p[k] for p in pairs.values() for k in ("source", "target")}, key=str.lower)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO inventory_application (engagement_id, name, languages, frameworks, databases, middleware,"
            " compliance, servers, tags, custom_attributes, source_import_id, source_format, created_at, updated_at)"
            " SELECT DISTINCT ON (lower(n)) %s, n, '{}', '{}', '{}', '{}', '{}', '{}', '{}', '{}'::jsonb, %s, %s,"
            " now(), now() FROM unnest(%s::text[]) AS n ORDER BY lower(n)"
            " ON CONFLICT (engagement_id, lower(name)) DO NOTHING",
            [engagement.pk, source_import_id, source_format, names],
        )
        created = cursor.rowcount
        cursor.execute(
            "SELECT lower(name), id FROM inventory_application WHERE engagement_id = %s AND lower(name) = ANY(%s)",
            [engagement.pk, [n.lower() for n in names]],
        )
        ids = {name: int(app_id) for name, app_id in cursor.fetchall()}
        values = list(pairs.values())
        # Only the pairs that are new or would change: an unchanged dependency updated anyway is a new row version
        # and its index entries, and a file imported again (or dependencies_analyse, which derives an engagement's
        # network dependencies again at every import) rewrote every one of them.
        cursor.execute(
            "INSERT INTO inventory_applicationdependency (engagement_id, source_id, target_id, direction, kind,"
            " description, source_row, source_import_id, source_format, created_at)"
            " SELECT %s, s, t, d, k, ds, r, %s, %s, now()"
            " FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::text[], %s::integer[])"
            " AS i(s, t, d, k, ds, r) WHERE NOT EXISTS (SELECT FROM inventory_applicationdependency x"
            "  WHERE x.source_id = i.s AND x.target_id = i.t AND x.direction = i.d AND (i.k = '' OR x.kind = i.k)"
            "  AND (i.ds = '' OR x.description = i.ds))"
            " ON CONFLICT (source_id, target_id) DO UPDATE SET direction = EXCLUDED.direction,"
            " kind = CASE WHEN EXCLUDED.kind <> '' THEN EXCLUDED.kind ELSE inventory_applicationdependency.kind END,"
            " description = CASE WHEN EXCLUDED.description <> '' THEN EXCLUDED.description"
            " ELSE inventory_applicationdependency.description END",
            [
                engagement.pk,
                source_import_id,
                source_format,
                [ids[v["source"].lower()] for v in values],
                [ids[v["target"].lower()] for v in values],
                [v["direction"] for v in values],
                [v["kind"] for v in values],
                [v["description"] for v in values],
                [v["source_row"] for v in values],
            ],
        )
        if cursor.rowcount >= ANALYZE_AFTER:
            _analyze(cursor, "inventory_applicationdependency")  # as for links: statistics of the new rows
    # Each pair is inserted or matches its dependency (updated where it changes): all of them are written.
    return DependencyWriteResult(written=len(values), applications_created=created)


# ------------------------------------------------------------------------------------------- edits


def _changes_cleaned(
    changes: Mapping[str, Any], fields: Mapping[str, Field], editable: Iterable[str]
) -> dict[str, Any]:
    allowed = set(editable)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in allowed:
            errors[name] = [f"{name} cannot be edited."]
            continue
        try:
            cleaned[name] = clean_value(fields[name], value)
        except FieldValueError as error:
            errors[name] = [str(error)]
    if errors:
        raise ValidationError(errors)
    return cleaned


def asset_update(*, asset: Asset, changes: Mapping[str, Any], user: User | None) -> Asset:
    """Edit canonical fields of an asset (a person's edit: the raw source values stay as they were).

    Raises ValidationError keyed by field, changing nothing, when a value does not fit its field.
    """
    cleaned = _changes_cleaned(changes, ASSET_FIELDS, ASSET_EDITABLE_FIELDS)
    if "name" in cleaned and not cleaned["name"]:
        raise ValidationError({"name": ["An asset needs a name."]})
    for name in ("hostname", "fqdn"):
        if cleaned.get(name) and any(ch.isspace() for ch in cleaned[name]):
            raise ValidationError({name: [f"{cleaned[name]!r} contains spaces."]})
    with transaction.atomic():
        for name, value in cleaned.items():
            setattr(asset, name, value)
        if "os_name" in cleaned:
            asset.os_family = os_family(asset.os_name)
        asset.updated_by = user
        asset.save(update_fields=[*cleaned, "os_family", "updated_by", "updated_at"])
        _assets_refresh_derived(asset_ids=[asset.pk])
        if "application" in cleaned:
            keep = {name.lower() for name in asset.application}
            stale = [
                link.pk
                for link in asset.application_links.select_related("application")
                if link.application.name.lower() not in keep
            ]
            ApplicationAsset.objects.filter(pk__in=stale).delete()
            applications_link(engagement=asset.engagement, asset_ids=[asset.pk])
        if "dependencies" in cleaned:
            asset_dependencies_link(engagement=asset.engagement, asset_ids=[asset.pk])
    asset.refresh_from_db()
    return asset


def record_deleted_set(*, record: Asset | Application, deleted: bool, user: User | None) -> None:
    """Delete an asset or an application (a soft delete: it keeps its row and can be restored) or restore it;
    one already in that state stays as it was."""
    if (record.deleted_at is not None) == deleted:
        return
    record.deleted_at = timezone.now() if deleted else None
    record.updated_by = user
    record.save(update_fields=["deleted_at", "updated_by", "updated_at"])


def asset_delete(*, asset: Asset, user: User | None) -> Asset:
    record_deleted_set(record=asset, deleted=True, user=user)
    return asset


def asset_restore(*, asset: Asset, user: User | None) -> Asset:
    record_deleted_set(record=asset, deleted=False, user=user)
    return asset


APPLICATION_EDITABLE_FIELDS = tuple(name for name in APPLICATION_FIELDS if name != "servers")


def application_update(*, application: Application, changes: Mapping[str, Any], user: User | None) -> Application:
    """Edit canonical fields of an application; the name stays unique in the engagement (case-insensitively)."""
    cleaned = _changes_cleaned(changes, APPLICATION_FIELDS, APPLICATION_EDITABLE_FIELDS)
    if "name" in cleaned:
        name = cleaned["name"]
        if not name:
            raise ValidationError({"name": ["An application needs a name."]})
        taken = (
            Application.objects.filter(engagement_id=application.engagement_id, name__iexact=name)
            .exclude(pk=application.pk)
            .exists()
        )
        if taken:
            raise ValidationError({"name": [f"An application named '{name}' already exists in this engagement."]})
    for name, value in cleaned.items():
        setattr(application, name, value)
    application.updated_by = user
    application.save(update_fields=[*cleaned, "updated_by", "updated_at"])
    return application


def application_delete(*, application: Application, user: User | None) -> Application:
    record_deleted_set(record=application, deleted=True, user=user)
    return application


def application_restore(*, application: Application, user: User | None) -> Application:
    record_deleted_set(record=application, deleted=False, user=user)
    return application


__all__ = [
    "ApplicationDependency",
    "AssetConnection",
    "AssetWriteResult",
    "application_delete",
    "application_dependencies_bulk_write",
    "application_restore",
    "application_update",
    "applications_bulk_write",
    "applications_link",
    "asset_delete",
    "asset_dependencies_link",
    "asset_restore",
    "asset_update",
    "assets_bulk_write",
    "connections_bulk_write",
    "record_deleted_set",
]
