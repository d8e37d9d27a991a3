"""Reads of the imports app: lists, one import, its columns and its row issues."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from engagements.models import Engagement

from .models import ColumnMapping, DataImport, ImportStatus, RawRecord, RowStatus


def import_list(*, engagement: Engagement) -> QuerySet[DataImport]:
    return DataImport.objects.filter(engagement=engagement).select_related("flow").order_by("-created_at", "-pk")


def import_get(*, engagement: Engagement, pk: int) -> DataImport | None:
    return DataImport.objects.select_related("flow", "engagement").filter(engagement=engagement, pk=pk).first()


def import_status(data_import: DataImport) -> str:
    """What a person should read: a failed or cancelled flow fails the import whatever its last phase wrote."""
    flow = data_import.flow
    if flow is not None and flow.status in ("failed", "cancelled"):
        return ImportStatus.FAILED
    if flow is not None and flow.status == "waiting_for_input":
        return ImportStatus.MAPPING
    return data_import.status


def import_is_running(data_import: DataImport) -> bool:
    flow = data_import.flow
    return flow is not None and flow.status in ("pending", "running")


def import_columns(*, data_import: DataImport) -> list[ColumnMapping]:
    return list(ColumnMapping.objects.filter(data_import=data_import).order_by("position"))


def import_issues(*, data_import: DataImport, level: str = "", query: str = "") -> QuerySet[RawRecord]:
    """Rows with errors or warnings (level: errors | warnings), optionally those mentioning `query`."""
    rows = RawRecord.objects.filter(data_import=data_import).exclude(status=RowStatus.OK)
    if level == "errors":
        rows = rows.filter(status=RowStatus.INVALID)
    elif level == "warnings":
        rows = rows.exclude(status=RowStatus.INVALID)
    if query:
        rows = rows.filter(Q(errors__icontains=query) | Q(warnings__icontains=query))
    return rows.order_by("row_number").only("row_number", "status", "errors", "warnings")


def issues_by_row(*, data_import: DataImport) -> dict[int, str]:
    """{row number: "column: message; ..."} of every row with errors or warnings (for the errors file)."""
    result: dict[int, str] = {}
    for row_number, errors, warnings in (
        RawRecord.objects.filter(data_import=data_import)
        .exclude(status=RowStatus.OK)
        .values_list("row_number", "errors", "warnings")
        .iterator(chunk_size=5000)
    ):
        parts = [_issue_text(i, "error") for i in errors or []] + [_issue_text(i, "warning") for i in warnings or []]
        result[row_number] = "; ".join(parts)
    return result


def _issue_text(issue: dict[str, str | None], level: str) -> str:
    column = f"{issue.get('column')}: " if issue.get("column") else ""
    return f"{level}: {column}{issue.get('message')}"
