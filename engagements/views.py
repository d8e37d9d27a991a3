from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from assessments.selectors import page_dashboard_charts
from migration_platform.forms import add_service_errors
from migration_platform.pagination import paginate
from tenants.access import role_required
from tenants.roles import Role

from . import selectors, services
from .forms import EngagementFilterForm, EngagementForm
from .models import Engagement

# What the engagement hub will show once discovery, flows and assessment arrive: empty states until then.
HUB_SECTIONS = [
    ("No imports yet", "bi-upload", "Inventory files (CMDB, RVTools, cloud discovery exports) will be uploaded here."),
    ("No assets yet", "bi-hdd-stack", "The clean asset inventory appears once an import has been mapped and approved."),
    ("No flows yet", "bi-diagram-3", "Discovery, assessment and planning runs will be listed here with live progress."),
    ("No assessment yet", "bi-clipboard-check", "6R decisions, costs and migration waves appear after an assessment."),
]


@role_required(Role.VIEWER)
def engagement_list_view(request: HttpRequest) -> HttpResponse:
    filters = EngagementFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    sort = data.get("sort") or "name"
    engagements = selectors.engagement_list(
        archived=bool(data.get("archived")), search=data.get("q", ""), status=data.get("status", ""), sort=sort
    )
    page = paginate(request, engagements)
    context = {
        "filters": filters,
        "page": page,
        "sort": sort,
        "query": request.GET.copy(),
        "filtered": any(data.get(name) for name in ("q", "status", "archived")),
    }
    template = "engagements/list.html#table" if request.htmx else "engagements/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@role_required(Role.ENGAGEMENT_MANAGER)
def engagement_create_view(request: HttpRequest) -> HttpResponse:
    form = EngagementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            engagement = services.engagement_create(created_by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Engagement “{engagement.name}” created.")
            return redirect(engagement)
    status = 422 if request.method == "POST" else 200
    return render(request, "engagements/form.html", {"form": form, "engagement": None}, status=status)


@role_required(Role.VIEWER)
def engagement_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = get_object_or_404(Engagement, pk=pk)
    goals = [
        ("Speed of migration", engagement.goal_speed, "bg-primary"),
        ("Cost reduction", engagement.goal_cost, "bg-success"),
        ("Modernisation", engagement.goal_modernisation, "bg-info"),
        ("Operational overhead reduction", engagement.goal_operations, "bg-warning"),
    ]
    charts = page_dashboard_charts(engagement=engagement)
    # Once an assessment has decided, its charts take the place of the hub's empty states.
    hub_sections = [] if charts else HUB_SECTIONS
    context = {
        "engagement": engagement,
        "section": "overview",
        "goals": goals,
        "hub_sections": hub_sections,
        "charts": charts,
    }
    return render(request, "engagements/detail.html", context)


@role_required(Role.ENGAGEMENT_MANAGER)
def engagement_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = get_object_or_404(Engagement, pk=pk)
    form = EngagementForm(request.POST or None, instance=engagement)
    if request.method == "POST" and form.is_valid():
        try:
            services.engagement_update(engagement=engagement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Engagement saved.")
            return redirect(engagement)
    status = 422 if request.method == "POST" else 200
    return render(request, "engagements/form.html", {"form": form, "engagement": engagement}, status=status)


@require_POST
@role_required(Role.ENGAGEMENT_MANAGER)
def engagement_archive_view(request: HttpRequest, pk: int) -> HttpResponse:
    engagement = get_object_or_404(Engagement, pk=pk)
    if request.POST.get("restore"):
        services.engagement_restore(engagement=engagement)
        messages.success(request, f"Engagement “{engagement.name}” restored.")
    else:
        services.engagement_archive(engagement=engagement)
        messages.success(request, f"Engagement “{engagement.name}” archived.")
    return redirect(engagement)
