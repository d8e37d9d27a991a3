from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from engagements.models import Engagement
from imports.engine.fields import FIELDS_BY_KIND
from migration_platform.forms import add_service_errors
from migration_platform.pagination import paginate
from tenants.access import check_role, role_required
from tenants.roles import Role

from . import selectors, services
from .forms import IssueFilterForm, UploadForm
from .models import DataImport

ERROR_COLUMN = "Import errors"


def _engagement(pk: int) -> Engagement:
    return get_object_or_404(Engagement, pk=pk)


def _import(engagement: Engagement, pk: int) -> DataImport:
    data_import = selectors.import_get(engagement=engagement, pk=pk)
    if data_import is None:
        raise Http404("Not found")
    return data_import


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@role_required(Role.VIEWER)
def import_list_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    page = paginate(request, selectors.import_list(engagement=engagement))
    rows = [(i, selectors.import_status(i)) for i in page.object_list]
    running = any(selectors.import_is_running(i) for i in page.object_list)
    context = {"engagement": engagement, "section": "imports", "page": page, "rows": rows, "running": running}
    template = "imports/list.html#table" if request.htmx else "imports/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@role_required(Role.ANALYST)
def import_upload_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                data_import = services.import_start(
                    engagement=engagement,
                    source=upload,
                    original_name=upload.name,
                    user=_user(request),
                    kind=form.cleaned_data["kind"],
                    sheet=form.cleaned_data["sheet"],
                    on_duplicate=form.cleaned_data["on_duplicate"],
                    skip_invalid=form.cleaned_data["skip_invalid"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{data_import.original_name}: the import has started.")
                return redirect(data_import.get_absolute_url())
        status = 422
    context = {"engagement": engagement, "section": "imports", "form": form}
    return render(request, "imports/upload.html", context, status=status)


@role_required(Role.VIEWER)
def import_detail_view(request: HttpRequest, engagement_pk: int, pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    data_import = _import(engagement, pk)
    context = {
        "engagement": engagement,
        "section": "imports",
        "data_import": data_import,
        "status": selectors.import_status(data_import),
        "running": selectors.import_is_running(data_import),
        "can_write": getattr(request, "role", None) in (Role.ANALYST, Role.ENGAGEMENT_MANAGER, Role.CLIENT_ADMIN),
    }
    template = "imports/detail.html#status" if request.htmx else "imports/detail.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _mapping_choice(request: HttpRequest, data_import: DataImport) -> dict[str, str | None]:
    columns = selectors.import_columns(data_import=data_import)
    chosen: dict[str, str | None] = {}
    for column in columns:
        key = f"target_{column.position}"
        if key in request.POST:
            value = request.POST[key].strip()
            if value != column.final_target:
                chosen[column.source] = value or None
    return chosen


@role_required(Role.VIEWER)
def mapping_view(request: HttpRequest, engagement_pk: int, pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    data_import = _import(engagement, pk)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        check_role(request, Role.ANALYST)
        chosen = _mapping_choice(request, data_import)
        try:
            if request.POST.get("action") == "approve":
                services.mapping_approve(data_import=data_import, user=_user(request), mapping=chosen)
                messages.success(request, "Mapping approved: the import carries on.")
                return redirect(data_import.get_absolute_url())
            services.mapping_save(data_import=data_import, user=_user(request), mapping=chosen)
            messages.success(request, "Corrections saved.")
            return redirect("imports:mapping", engagement.pk, data_import.pk)
        except ValidationError as error:
            errors = error.messages
            status = 422
    columns = selectors.import_columns(data_import=data_import)
    kind = services.import_kind(data_import)
    fields = [name for name, f in FIELDS_BY_KIND[kind].items() if not f.derived]
    preview = _preview(data_import) if columns else []
    flow = data_import.flow
    waiting = flow is not None and flow.status == "waiting_for_input" and flow.current_phase == "field_mapping"
    context = {
        "engagement": engagement,
        "section": "imports",
        "data_import": data_import,
        "columns": columns,
        "fields": fields,
        "preview": preview,
        "waiting": waiting,
        "errors": errors,
        "unsure_below": services.UNSURE_BELOW,
    }
    return render(request, "imports/mapping.html", context, status=status)


def _preview(data_import: DataImport, limit: int = 20) -> list[dict[str, Any]]:
    """The first rows that would fail with the current mapping (of the first 1,000)."""
    convert = services.row_converter(data_import=data_import)
    failing: list[dict[str, Any]] = []
    for number, (_, _, values) in enumerate(services.records_iter(data_import=data_import)):
        if number >= 1000 or len(failing) >= limit:
            break
        result = convert.convert(values)
        for column, message in result.errors:
            failing.append({"row": _, "column": column, "message": message})
    return failing[:limit]


@role_required(Role.VIEWER)
def errors_view(request: HttpRequest, engagement_pk: int, pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    data_import = _import(engagement, pk)
    filters = IssueFilterForm(request.GET or None)
    level = query = ""
    if filters.is_valid():
        level, query = filters.cleaned_data["level"], filters.cleaned_data["q"]
    page = paginate(request, selectors.import_issues(data_import=data_import, level=level, query=query), 50)
    context = {
        "engagement": engagement,
        "section": "imports",
        "data_import": data_import,
        "filters": filters,
        "page": page,
        "query": request.GET.copy(),
    }
    template = "imports/errors.html#table" if request.htmx else "imports/errors.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@role_required(Role.VIEWER)
def errors_file_view(request: HttpRequest, engagement_pk: int, pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    data_import = _import(engagement, pk)
    return errors_file_response(data_import, request.GET.get("format", ""))


def errors_file_response(data_import: DataImport, wanted: str) -> HttpResponse:
    """The original rows with an error column added, as CSV or XLSX (default: the upload's own kind)."""
    fmt = wanted if wanted in ("csv", "xlsx") else ("xlsx" if data_import.sheets else "csv")
    issues = selectors.issues_by_row(data_import=data_import)
    headers = list(data_import.headers)
    stem = data_import.original_name.rsplit(".", 1)[0] or "import"
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(data_import.sheet or "Rows")
        sheet.append([*headers, ERROR_COLUMN])
        for row_number, _, values in services.records_iter(data_import=data_import):
            sheet.append([_safe(values.get(h, "")) for h in headers] + [issues.get(row_number, "")])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:

        def lines() -> Iterator[str]:
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow([*headers, ERROR_COLUMN])
            for row_number, _, values in services.records_iter(data_import=data_import):
                writer.writerow([_safe(values.get(h, "")) for h in headers] + [issues.get(row_number, "")])
                if out.tell() > 64 * 1024:
                    yield out.getvalue()
                    out.seek(0)
                    out.truncate()
            yield out.getvalue()

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")  # type: ignore[assignment]
    response["Content-Disposition"] = f'attachment; filename="{stem}-errors.{fmt}"'
    return response


def _safe(value: object) -> str:
    """Neutralise spreadsheet formulas (a cell beginning with = + - @ that is not a number)."""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@"):
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text


@require_POST
@role_required(Role.ANALYST)
def import_rerun_view(request: HttpRequest, engagement_pk: int, pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    data_import = _import(engagement, pk)
    try:
        services.import_rerun(data_import=data_import, user=_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The import runs again with the corrections.")
    return redirect(data_import.get_absolute_url())
