from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Iterator
from html import escape
from typing import IO, Any

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from engagements.models import Engagement
from migration_platform.forms import add_service_errors
from migration_platform.pagination import paginate
from tenants.access import check_role, role_required
from tenants.roles import Role

from . import selectors, services
from .display import field_groups, field_row
from .exporters import CONTENT_TYPES, FORMATS, KINDS, export_write, filename_for
from .fields import APPLICATION_FIELDS, ASSET_FIELDS
from .forms import ApplicationFilterForm, AssetFilterForm, FieldEditForm
from .models import Application, Asset
from .pagination import paginate_capped

EXPORT_CHUNK = 64 * 1024


def _engagement(pk: int) -> Engagement:
    return get_object_or_404(Engagement, pk=pk)


def _asset(engagement: Engagement, pk: int) -> Asset:
    asset = selectors.asset_get(engagement=engagement, pk=pk)
    if asset is None:
        raise Http404("Not found")
    return asset


def _application(engagement: Engagement, pk: int) -> Application:
    application = selectors.application_get(engagement=engagement, pk=pk)
    if application is None:
        raise Http404("Not found")
    return application


# ------------------------------------------------------------------------------------------- assets


@role_required(Role.VIEWER)
def asset_list_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    filters = AssetFilterForm(request.GET or None)
    chosen = filters.selector_filters()
    # The htmx partial needs no filter form choices.
    applications = "" if request.htmx else _application_options(engagement, chosen["application_id"])  # type: ignore[attr-defined]
    page = paginate_capped(request, selectors.asset_table(engagement=engagement, **chosen))
    filtered = any(chosen[k] for k in chosen if k not in {"sort"})
    context = {
        "engagement": engagement,
        "section": "inventory",
        "filters": filters,
        "page": page,
        "sort": chosen["sort"],
        "query": request.GET.copy(),
        "filtered": filtered,
        "export_formats": FORMATS,
        "application_options": applications,
    }
    template = "inventory/asset_list.html#table" if request.htmx else "inventory/asset_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _application_options(engagement: Engagement, chosen: int | None) -> str:
    """The application filter's <option>s, written in one pass: through the template language each of 400 options
    cost about 25 us (its number localised, its `if` resolved), a tenth of the table page; format_html a third of
    that. Names are escaped as the template would (`escape` quotes both kinds of quote, as Django's does)."""
    options = (
        f'<option value="{pk}"{" selected" if pk == chosen else ""}>{escape(name)}</option>'
        for pk, name in selectors.application_choices(engagement=engagement)
    )
    return mark_safe("".join(options))  # ids are integers, names escaped above


@role_required(Role.VIEWER)
def asset_detail_view(request: HttpRequest, engagement_pk: int, pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    asset = _asset(engagement, pk)
    context = {
        "engagement": engagement,
        "section": "inventory",
        "asset": asset,
        "groups": _with_urls(field_groups(asset, kind="asset"), "inventory:asset_field", asset),
        "connections": selectors.asset_connections(asset=asset),
    }
    return render(request, "inventory/asset_detail.html", context)


def _with_urls(groups: list[tuple[str, list[dict[str, Any]]]], url_name: str, obj: Asset | Application) -> Any:
    for _, rows in groups:
        for row in rows:
            row["url"] = reverse(url_name, args=[obj.engagement_id, obj.pk, row["name"]])
    return groups


def _record_update(request: HttpRequest, obj: Asset | Application, changes: dict[str, Any]) -> None:
    user = request.user if request.user.is_authenticated else None
    if isinstance(obj, Asset):
        services.asset_update(asset=obj, changes=changes, user=user)  # type: ignore[arg-type]
    else:
        services.application_update(application=obj, changes=changes, user=user)  # type: ignore[arg-type]


def _field_view(request: HttpRequest, obj: Asset | Application, name: str) -> HttpResponse:
    """One field of a detail page: shown, edited (GET ?edit=1) or saved (POST), as the `field` partial."""
    kind = "asset" if isinstance(obj, Asset) else "application"
    fields = ASSET_FIELDS if kind == "asset" else APPLICATION_FIELDS
    if name not in fields:
        raise Http404("Not found")
    editing = request.method == "POST" or request.GET.get("edit") == "1"
    if editing:
        check_role(request, Role.ANALYST)
    row = field_row(obj, name, kind=kind)
    if editing and not row["editable"]:
        raise Http404("Not found")
    model_field = obj._meta.get_field(name)
    canonical = fields[name]
    status = 200
    form = None
    if request.method == "POST":
        form = FieldEditForm(request.POST, model_field=model_field, kind=canonical.type)
        if form.is_valid():
            try:
                _record_update(request, obj, {name: form.cleaned_data["value"]})
            except ValidationError as error:
                add_service_errors(form, _for_value(error, name))
            else:
                obj.refresh_from_db()
                row = field_row(obj, name, kind=kind)
                editing = False
        if editing:
            status = 422
    elif editing:
        current: Any = getattr(obj, name)
        if isinstance(current, list):
            current = ", ".join(current)
        elif isinstance(current, bool):
            current = "true" if current else "false"
        form = FieldEditForm(initial={"value": current}, model_field=model_field, kind=canonical.type)
    url_name = "inventory:asset_field" if kind == "asset" else "inventory:application_field"
    context = {
        "obj": obj,
        "field": row,
        "form": form,
        "editing": editing,
        "field_url": reverse(url_name, args=[obj.engagement_id, obj.pk, name]),
    }
    return render(request, "inventory/_field.html", context, status=status)


def _for_value(error: ValidationError, name: str) -> ValidationError:
    """The service names the model field; the one-field form calls it `value`."""
    if hasattr(error, "error_dict"):
        return ValidationError({"value": error.message_dict.get(name, error.messages)})
    return error


@role_required(Role.VIEWER)
def asset_field_view(request: HttpRequest, engagement_pk: int, pk: int, name: str) -> HttpResponse:
    return _field_view(request, _asset(_engagement(engagement_pk), pk), name)


def _delete_or_restore(request: HttpRequest, record: Asset | Application, label: str) -> HttpResponse:
    """Delete the asset or application (softly), or restore it when the form says `restore`, and say so."""
    restore = bool(request.POST.get("restore"))
    services.record_deleted_set(record=record, deleted=not restore, user=request.user)  # type: ignore[arg-type]
    if restore:
        messages.success(request, f"{label} “{record.name}” restored.")
    else:
        messages.success(request, f"{label} “{record.name}” deleted. It can be restored from this page.")
    return redirect(record)


@require_POST
@role_required(Role.ANALYST)
def asset_delete_view(request: HttpRequest, engagement_pk: int, pk: int) -> HttpResponse:
    return _delete_or_restore(request, _asset(_engagement(engagement_pk), pk), "Asset")


# ------------------------------------------------------------------------------------------- applications


@role_required(Role.VIEWER)
def application_list_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    filters = ApplicationFilterForm(request.GET or None)
    chosen = filters.selector_filters()
    page = paginate(request, selectors.application_list(engagement=engagement, **chosen))
    context = {
        "engagement": engagement,
        "section": "applications",
        "filters": filters,
        "page": page,
        "sort": chosen["sort"],
        "query": request.GET.copy(),
        "filtered": any(chosen[k] for k in chosen if k != "sort"),
        "export_formats": FORMATS,
    }
    template = "inventory/application_list.html#table" if request.htmx else "inventory/application_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@role_required(Role.VIEWER)
def application_detail_view(request: HttpRequest, engagement_pk: int, pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    application = _application(engagement, pk)
    context = {
        "engagement": engagement,
        "section": "applications",
        "application": application,
        "groups": _with_urls(field_groups(application, kind="application"), "inventory:application_field", application),
        "servers": selectors.application_server_rows(application=application, limit=500),
        "dependencies": selectors.application_dependencies(application=application),
    }
    return render(request, "inventory/application_detail.html", context)


@role_required(Role.VIEWER)
def application_field_view(request: HttpRequest, engagement_pk: int, pk: int, name: str) -> HttpResponse:
    return _field_view(request, _application(_engagement(engagement_pk), pk), name)


@require_POST
@role_required(Role.ANALYST)
def application_delete_view(request: HttpRequest, engagement_pk: int, pk: int) -> HttpResponse:
    return _delete_or_restore(request, _application(_engagement(engagement_pk), pk), "Application")


@role_required(Role.VIEWER)
def application_graph_view(request: HttpRequest, engagement_pk: int, pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    application = _application(engagement, pk)
    context = {"engagement": engagement, "section": "applications", "application": application}
    return render(request, "inventory/application_graph.html", context)


@role_required(Role.VIEWER)
def application_graph_json_view(request: HttpRequest, engagement_pk: int, pk: int) -> JsonResponse:
    application = _application(_engagement(engagement_pk), pk)
    return JsonResponse(selectors.application_graph(application=application))


# ------------------------------------------------------------------------------------------- export


def export_response(
    request: HttpRequest, engagement: Engagement, kind: str, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    """The export as a download, shared by the page button and the API. Written to a spooled temporary file
    (memory, then disk past 8 MB) from a server-side cursor, then streamed in chunks."""
    if kind not in KINDS or fmt not in FORMATS:
        return HttpResponse(
            f"Unknown export: kind must be one of {', '.join(KINDS)}; format one of {', '.join(FORMATS)}.",
            status=400,
            content_type="text/plain",
        )
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    export_write(engagement=engagement, kind=kind, fmt=fmt, out=spool)  # type: ignore[arg-type]
    spool.seek(0)
    content: Iterator[bytes] | AsyncIterator[bytes]
    # Under ASGI a synchronous iterator would be read whole into memory first; give daphne an async one.
    content = _chunks_async(spool) if isinstance(request, ASGIRequest) else _chunks(spool)
    response = StreamingHttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename_for(engagement, kind, fmt)}"'  # type: ignore[arg-type]
    return response


def _chunks(spool: IO[bytes]) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(EXPORT_CHUNK):
            yield chunk


async def _chunks_async(spool: IO[bytes]) -> AsyncIterator[bytes]:
    try:
        while chunk := await sync_to_async(spool.read, thread_sensitive=False)(EXPORT_CHUNK):
            yield chunk
    finally:
        spool.close()


@role_required(Role.VIEWER)
def export_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    kind, fmt = request.GET.get("kind", "assets"), request.GET.get("format", "csv")
    return export_response(request, engagement, kind, fmt)  # type: ignore[return-value]
