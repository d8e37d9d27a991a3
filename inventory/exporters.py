"""Exports of an engagement's inventory (cli.md `export_inventory`): one module for the page button, the API and
the command. Rows are read with a server-side cursor in chunks and written straight to the output stream.

JSON: an array of objects with `id`, every canonical field (normalised values, lists as arrays, unknown as null)
and `custom_attributes`. CSV and XLSX: the same columns; lists joined with "; "; a text cell beginning with
=, +, - or @ that is not a number gets a leading ' so a spreadsheet shows it as text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any, Literal

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q
from django.db.models.functions import Lower

from engagements.models import Engagement
from migration_platform.xlsx import XlsxStream

from .fields import APPLICATION_EXPORT_FIELDS, ASSET_FIELDS, DEPENDENCY_EXPORT_FIELDS
from .models import Application, ApplicationDependency, Asset

Kind = Literal["assets", "applications", "dependencies"]
Format = Literal["json", "csv", "xlsx"]
KINDS: tuple[Kind, ...] = ("assets", "applications", "dependencies")
FORMATS: tuple[Format, ...] = ("json", "csv", "xlsx")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK = 2000
FORMULA_STARTS = ("=", "+", "-", "@")


def columns_for(kind: Kind) -> list[str]:
    if kind == "assets":
        return ["id", *ASSET_FIELDS, "custom_attributes"]
    if kind == "applications":
        return ["id", *APPLICATION_EXPORT_FIELDS, "custom_attributes"]
    return ["id", *DEPENDENCY_EXPORT_FIELDS]


def _records(engagement: Engagement, kind: Kind) -> Iterator[dict[str, Any]]:
    columns = columns_for(kind)
    if kind == "assets":
        assets = Asset.objects.filter(engagement=engagement, deleted_at__isnull=True).order_by("pk")
        for values in assets.values_list(*columns).iterator(chunk_size=CHUNK):
            yield dict(zip(columns, values, strict=True))
    elif kind == "applications":
        live = Q(asset_links__asset__deleted_at__isnull=True)
        applications = (
            Application.objects.filter(engagement=engagement, deleted_at__isnull=True)
            .annotate(
                linked=ArrayAgg(
                    "asset_links__asset__name",
                    filter=live,
                    order_by=Lower("asset_links__asset__name"),  # type: ignore[arg-type]
                )
            )
            .order_by(Lower("name"), "pk")
        )
        names = [*columns, "linked"]
        for values in applications.values_list(*names).iterator(chunk_size=CHUNK):
            record = dict(zip(names, values, strict=True))
            linked = [name for name in record.pop("linked") or [] if name]
            # The servers the application is linked to; the source's list where no asset matched it.
            record["servers"] = linked or record["servers"]
            yield record
    else:
        dependencies = ApplicationDependency.objects.filter(engagement=engagement).order_by("pk")
        fields = ["id", "source__name", "target__name", "direction", "kind", "description"]
        for values in dependencies.values_list(*fields).iterator(chunk_size=CHUNK):
            yield dict(zip(columns, values, strict=True))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def spreadsheet_cell(value: Any) -> Any:
    """A value as a CSV or XLSX cell: lists joined with "; ", objects as JSON, formulas neutralised."""
    if value is None:
        return None
    if isinstance(value, list):
        value = "; ".join(str(item) for item in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _is_number(value):
        return "'" + value
    return value


@dataclass(frozen=True)
class Exported:
    rows: int


def export_write(*, engagement: Engagement, kind: Kind, fmt: Format, out: IO[bytes]) -> Exported:
    """Write the engagement's `kind` as `fmt` into the binary stream `out`."""
    columns = columns_for(kind)
    records = _records(engagement, kind)
    count = 0
    if fmt == "json":
        out.write(b"[")
        for record in records:
            out.write((b",\n" if count else b"\n") + json.dumps(record, ensure_ascii=False, default=str).encode())
            count += 1
        out.write(b"\n]\n" if count else b"]\n")
    elif fmt == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        writer = csv.writer(text)
        writer.writerow(columns)
        for record in records:
            writer.writerow(["" if (cell := spreadsheet_cell(record[c])) is None else cell for c in columns])
            count += 1
        text.flush()
        text.detach()
    else:
        with XlsxStream(out, [kind]) as workbook:
            sheet = workbook.sheets[0]
            sheet.append(columns)
            for record in records:
                sheet.append([spreadsheet_cell(record[c]) for c in columns])
                count += 1
    return Exported(rows=count)


def filename_for(engagement: Engagement, kind: Kind, fmt: Format) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in engagement.name.lower()).strip("-") or "engagement"
    return f"{slug}-{kind}.{fmt}"
