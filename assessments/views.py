"""Assessment pages: the portfolio review, an application's assessment, standards, waves, the report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.selectors import request_user
from engagements.models import Engagement
from flows.models import FlowStatus
from inventory.models import Application
from migration_platform.forms import add_service_errors
from migration_platform.pagination import paginate
from migration_platform.text import counted
from tenants.access import role_required
from tenants.roles import Role, role_at_least

from . import selectors, services
from .exporters import XLSX_CONTENT_TYPE, filename_for
from .forms import ApproveForm, PortfolioFilterForm, ReviewForm, StandardForm, StartForm, WaveMoveForm, WavePlanForm
from .models import ArchitectureStandard, Strategy
from .selectors import PortfolioFilters

PORTFOLIO = "assessments/portfolio.html"


def _errors_text(form: forms.Form) -> str:
    """A form's errors as one line, for a message or a table row."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def _engagement(pk: int) -> Engagement:
    return get_object_or_404(Engagement, pk=pk)


def _application(engagement: Engagement, pk: int) -> Application:
    application = Application.objects.filter(engagement=engagement, pk=pk, deleted_at__isnull=True).first()
    if application is None:
        raise Http404("Not found")
    return application


def _can_approve(request: HttpRequest) -> bool:
    return role_at_least(getattr(request, "role", None), Role.ENGAGEMENT_MANAGER)


# ------------------------------------------------------------------------------------------- portfolio


def _approval_context(request: HttpRequest, engagement: Engagement, error: str = "") -> dict[str, Any]:
    assessment = selectors.assessment_latest(engagement=engagement)
    flow = assessment.flow if assessment else None
    return {
        "engagement": engagement,
        "assessment": assessment,
        "running": flow is not None and flow.status in (FlowStatus.PENDING, FlowStatus.RUNNING),
        "waiting_for_approval": flow is not None
        and flow.status == FlowStatus.WAITING_FOR_INPUT
        and flow.current_phase == "review",
        "counts": selectors.page_review_counts(engagement=engagement),
        "can_approve": _can_approve(request),
        "approve_error": error,
    }


def _with_waves(decisions: Any) -> list[Any]:
    """The rows, each with its wave's name (one query for the page)."""
    rows = list(decisions)
    waves = selectors.page_wave_names(application_ids=[row.application_id for row in rows])
    for row in rows:
        row.wave_name = waves.get(row.application_id, "")
    return rows


@role_required(Role.VIEWER)
def portfolio_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    filters = PortfolioFilterForm(request.GET or None)
    chosen, sort = filters.selector_filters()
    page = paginate(request, selectors.decision_list(engagement=engagement, filters=chosen, sort=sort))
    page.object_list = _with_waves(page.object_list)
    context = {
        "engagement": engagement,
        "section": "assessment",
        "filters": filters,
        "page": page,
        "sort": sort,
        "query": request.GET.copy(),
        "filtered": chosen != PortfolioFilters(),
        "strategies": Strategy.choices,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, f"{PORTFOLIO}#table", context)
    context.update(_approval_context(request, engagement))
    return render(request, PORTFOLIO, context)


@role_required(Role.VIEWER)
def approval_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    """The approval card, polled while the assessment runs; once the run stops running (at its gate, or ended),
    the page reloads whole, so its decisions appear with it."""
    engagement = _engagement(engagement_pk)
    context = _approval_context(request, engagement)
    if request.GET.get("running") and not context["running"]:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, f"{PORTFOLIO}#approval", context)


@role_required(Role.ANALYST)
def start_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    choices = list(
        Application.objects.filter(engagement=engagement, deleted_at__isnull=True)
        .order_by(Lower("name"))
        .values_list("pk", "name")
    )
    form = StartForm(request.POST or None, application_choices=choices, initial={"scope": "all"})
    if request.method == "POST" and form.is_valid():
        try:
            flow = services.assessment_start(
                engagement=engagement, user=request_user(request), application_ids=form.application_ids()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{flow} started: its phases run below.")
            return redirect(flow)
    status = 422 if request.method == "POST" else 200
    context = {"engagement": engagement, "section": "assessment", "form": form, "application_count": len(choices)}
    return render(request, "assessments/start.html", context, status=status)


@require_POST
@role_required(Role.ENGAGEMENT_MANAGER)
def approve_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    form = ApproveForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    error = ""
    assessment = selectors.assessment_latest(engagement=engagement)
    if assessment is None:
        error = "There is no assessment to approve yet."
    else:
        try:
            services.portfolio_approve(assessment=assessment, user=request_user(request), comment=comment)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, f"{PORTFOLIO}#approval", _approval_context(request, engagement, error))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Portfolio approved: the flow goes on to plan the waves.")
    return redirect("assessments:portfolio", engagement_pk=engagement.pk)


@require_POST
@role_required(Role.ANALYST)
def review_view(request: HttpRequest, engagement_pk: int, pk: int) -> HttpResponse:
    """Accept or override a decision: from the portfolio (answers its row) or the application page (its card)."""
    engagement = _engagement(engagement_pk)
    application = _application(engagement, pk)
    form = ReviewForm(request.POST)
    from_portfolio = request.POST.get("from") == "portfolio"
    status = 200
    if form.is_valid():
        try:
            services.decision_review(
                application=application,
                user=request_user(request),
                status=form.cleaned_data["status"],
                strategy=form.cleaned_data["strategy"] or None,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
    if form.errors:
        status = 422
    if not request.htmx:  # type: ignore[attr-defined]
        if form.errors:
            messages.error(request, _errors_text(form))
        else:
            messages.success(request, f"Review of “{application.name}” saved.")
        target = "assessments:portfolio" if from_portfolio else "assessments:application"
        kwargs = {"engagement_pk": engagement.pk} if from_portfolio else {"engagement_pk": engagement.pk, "pk": pk}
        return redirect(reverse(target, kwargs=kwargs))
    if from_portfolio:
        row = selectors.decision_for_application(application=application)
        if row is None:
            raise Http404("Not found")
        _with_waves([row])
        context = {
            "engagement": engagement,
            "d": row,
            "strategies": Strategy.choices,
            "row_error": _errors_text(form),
        }
        return render(request, f"{PORTFOLIO}#row", context, status=status)
    detail = selectors.page_application_assessment(application=application)
    context = {
        "engagement": engagement,
        "application": application,
        **detail,
        "review_form": form if form.errors else ReviewForm(),
        "strategies": Strategy.choices,
    }
    return render(request, "assessments/application.html#review", context, status=status)


@role_required(Role.VIEWER)
def application_view(request: HttpRequest, engagement_pk: int, pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    application = _application(engagement, pk)
    detail = selectors.page_application_assessment(application=application)
    review = detail["review"]
    initial = {"status": review.status, "strategy": review.strategy or "", "comment": review.comment} if review else {}
    context = {
        "engagement": engagement,
        "section": "assessment",
        "application": application,
        **detail,
        "review_form": ReviewForm(initial=initial),
        "strategies": Strategy.choices,
    }
    return render(request, "assessments/application.html", context)


# ------------------------------------------------------------------------------------------- standards


@role_required(Role.VIEWER)
def standards_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    standards = services.standards_ensure(engagement=engagement)
    context = {"engagement": engagement, "section": "assessment", "standards": standards}
    return render(request, "assessments/standards.html", context)


@require_POST
@role_required(Role.ANALYST)
def standard_update_view(request: HttpRequest, engagement_pk: int, pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    standard = get_object_or_404(ArchitectureStandard, engagement=engagement, pk=pk)
    form = StandardForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            standard = services.standard_update(
                standard=standard,
                user=request_user(request),
                minimum_version=form.cleaned_data["minimum_version"],
                recommended_version=form.cleaned_data["recommended_version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            saved = True
    status = 200 if saved else 422
    if not request.htmx:  # type: ignore[attr-defined]
        if saved:
            messages.success(request, f"{standard.label} saved.")
        else:
            messages.error(request, _errors_text(form))
        return redirect("assessments:standards", engagement_pk=engagement.pk)
    context = {"engagement": engagement, "standard": standard, "form": None if saved else form, "saved": saved}
    return render(request, "assessments/standards.html#row", context, status=status)


# ------------------------------------------------------------------------------------------- waves


def _board_context(request: HttpRequest, engagement: Engagement, **extra: Any) -> dict[str, Any]:
    try:
        page = int(request.GET.get("page") or request.POST.get("page") or 1)
    except ValueError:
        page = 1
    board = selectors.page_waves_board(engagement=engagement, page=page)
    return {"engagement": engagement, **board, "query": request.GET.copy(), **extra}


def _plan_form(engagement: Engagement, data: Any = None) -> WavePlanForm:
    settings = selectors.wave_plan_settings(engagement=engagement)
    initial = {
        "max_servers_per_wave": settings.max_servers_per_wave,
        "wave_weeks": settings.wave_weeks,
        "start_date": settings.start_date,
        "pilot_max_apps": settings.pilot_max_apps,
    }
    return WavePlanForm(data, initial=initial)


@role_required(Role.VIEWER)
def waves_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    context = _board_context(request, engagement, section="waves", plan_form=_plan_form(engagement))
    return render(request, "assessments/waves.html", context)


@require_POST
@role_required(Role.ANALYST)
def wave_move_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    form = WaveMoveForm(request.POST)
    warnings: list[str] = []
    moved_name = ""
    moved_to = None
    if form.is_valid():
        application = _application(engagement, form.cleaned_data["application"])
        try:
            warnings = services.wave_move(
                application=application,
                wave_number=form.cleaned_data["wave_number"],
                user=request_user(request),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            moved_name, moved_to = application.name, form.cleaned_data["wave_number"]
    status = 422 if form.errors else 200
    if not request.htmx:  # type: ignore[attr-defined]
        if form.errors:
            messages.error(request, _errors_text(form))
        elif warnings:
            messages.warning(request, f"{moved_name} moved to wave {moved_to}, but: " + " ".join(warnings))
        else:
            messages.success(request, f"{moved_name} moved to wave {moved_to}.")
        return redirect("assessments:waves", engagement_pk=engagement.pk)
    context = _board_context(
        request, engagement, move_form=form, move_warnings=warnings, moved_name=moved_name, moved_to=moved_to
    )
    return render(request, "assessments/waves.html#board", context, status=status)


@require_POST
@role_required(Role.ANALYST)
def waves_plan_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    form = _plan_form(engagement, request.POST)
    if form.is_valid():
        user = request_user(request)
        try:
            with transaction.atomic():
                services.wave_settings_update(engagement=engagement, user=user, **form.cleaned_data)
                result = services.waves_plan(engagement=engagement, user=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            planned = f"{counted(result.applications, 'application')} planned in {counted(result.waves, 'wave')}"
            done = f"{planned}; moves made by hand were kept."
            messages.success(request, done)
            for warning in result.warnings[:5]:
                messages.warning(request, warning)
            return redirect("assessments:waves", engagement_pk=engagement.pk)
    context = _board_context(request, engagement, section="waves", plan_form=form)
    return render(request, "assessments/waves.html", context, status=422)


# ------------------------------------------------------------------------------------------- report


@role_required(Role.VIEWER)
def report_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    context = {
        "engagement": engagement,
        "section": "assessment",
        **selectors.page_report(engagement=engagement),
        "standards": services.standards_ensure(engagement=engagement),
    }
    return render(request, "assessments/report.html", context)


@role_required(Role.VIEWER)
def report_xlsx_view(request: HttpRequest, engagement_pk: int) -> HttpResponse:
    engagement = _engagement(engagement_pk)
    response = HttpResponse(services.assessment_export_xlsx(engagement=engagement), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename_for(engagement, "xlsx")}"'
    return response
