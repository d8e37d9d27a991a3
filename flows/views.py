"""Flow pages: the client's flows, an engagement's flows, a flow's live page, and the actions on a flow."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import User
from engagements.models import Engagement
from migration_platform.pagination import paginate
from tenants.access import role_required
from tenants.roles import Role, role_at_least

from . import selectors, services
from .forms import FlowFilterForm, FlowStartForm, GateDecisionForm, RetryForm
from .models import Flow

FRAGMENTS = "flows/_fragments.html"


def _page_or_404(pk: int) -> selectors.FlowPage:
    page = selectors.flow_page(pk=pk)
    if page is None:
        raise Http404("Not found")
    return page


def _controls_context(request: HttpRequest, page: selectors.FlowPage, action_error: str = "") -> dict[str, Any]:
    role = getattr(request, "role", None)
    needed = selectors.approve_role(page=page)
    return {
        "flow": page.flow,
        "failed_phase": page.failed_phase,
        "waiting_phase": page.waiting_phase,
        "can_act": role_at_least(role, Role.ANALYST),
        "can_approve": role_at_least(role, needed),
        "approve_role_label": Role(needed).label,
        "action_error": action_error,
    }


@role_required(Role.VIEWER)
def flow_list_view(request: HttpRequest) -> HttpResponse:
    filters = FlowFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    sort = data.get("sort") or "-created_at"
    flows = selectors.flow_list(flow_type=data.get("type", ""), status=data.get("status", ""), sort=sort)
    page = paginate(request, flows)
    context = {
        "filters": filters,
        "page": page,
        "sort": sort,
        "query": request.GET.copy(),
        "filtered": any(data.get(name) for name in ("type", "status")),
    }
    template = "flows/flow_list.html#table" if request.htmx else "flows/flow_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@role_required(Role.VIEWER)
def engagement_flows_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = get_object_or_404(Engagement, pk=engagement_pk)
    context = {
        "engagement": engagement,
        "engagement_id": engagement.pk,
        "flows": selectors.engagement_flows(engagement_id=engagement.pk),
        "section": "flows",
    }
    return render(request, "flows/engagement_flows.html", context)


@require_POST
@role_required(Role.ANALYST)
def flow_start_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = get_object_or_404(Engagement, pk=engagement_pk)
    form = FlowStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the type of flow to start.")
        return redirect("flows:engagement", engagement_pk=engagement.pk)
    try:
        flow = services.flow_start(
            engagement=engagement,
            flow_type=form.cleaned_data["type"],
            user=request.user,  # type: ignore[arg-type]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("flows:engagement", engagement_pk=engagement.pk)
    messages.success(request, f"{flow} started.")
    return redirect(flow)


@role_required(Role.VIEWER)
def flow_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page_or_404(pk)
    context = {
        **_controls_context(request, page),
        "engagement": page.flow.engagement,
        "phases": page.phases,
        "events": page.events,
    }
    return render(request, "flows/flow_detail.html", context)


@role_required(Role.VIEWER)
def flow_controls_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The viewer's own buttons and forms for the flow (fetched again whenever the flow changes state)."""
    return render(request, f"{FRAGMENTS}#controls", _controls_context(request, _page_or_404(pk)))


def _after_action(request: HttpRequest, flow: Flow, *, error: str = "", done: str = "") -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        page = _page_or_404(flow.pk)
        return render(request, f"{FRAGMENTS}#controls", _controls_context(request, page, action_error=error))
    if error:
        messages.error(request, error)
    elif done:
        messages.success(request, done)
    return redirect(reverse("flows:detail", kwargs={"pk": flow.pk}))


def _run_action(request: HttpRequest, flow: Flow, action: Callable[[], Flow], done: str) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        return _after_action(request, flow, error=" ".join(error.messages))
    return _after_action(request, flow, done=done)


@require_POST
@role_required(Role.ANALYST)
def flow_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    flow = get_object_or_404(Flow, pk=pk)
    user: User = request.user  # type: ignore[assignment]
    retry = RetryForm(request.POST)
    phase = retry.cleaned_data["phase"] if retry.is_valid() else ""
    actions: dict[str, tuple[Callable[[], Flow], str]] = {
        "pause": (lambda: services.flow_pause(flow=flow, user=user), "Flow paused."),
        "resume": (lambda: services.flow_resume(flow=flow, user=user), "Flow resumed."),
        "cancel": (lambda: services.flow_cancel(flow=flow, user=user), "Flow cancelled."),
        "retry": (lambda: services.phase_retry(flow=flow, user=user, phase=phase), "The failed phase runs again."),
    }
    if action not in actions:
        raise Http404("Not found")
    run, done = actions[action]
    return _run_action(request, flow, run, done)


@require_POST
@role_required(Role.VIEWER)
def gate_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    page = _page_or_404(pk)
    needed = selectors.approve_role(page=page)
    if not role_at_least(getattr(request, "role", None), needed):
        raise PermissionDenied(f"This decision needs the {Role(needed).label.lower()} role or higher.")
    form = GateDecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    user: User = request.user  # type: ignore[assignment]
    return _run_action(
        request,
        page.flow,
        lambda: services.gate_approve(flow=page.flow, user=user, comment=comment),
        "Approved: the flow carries on.",
    )
