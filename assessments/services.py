"""Writes of the assessment: standards, starting an assessment, the phases' outputs, reviews, approval, waves.

The phase services load the engagement in bulk (loaders.py), run the engine (engine/, pure Python), and
replace their outputs for the applications in scope with COPY. What people decide (DecisionReview, WaveMove,
standards, plan settings) is stored apart, kept through re-runs, and recorded as a ChangeRecord with who.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from engagements.models import Engagement
from flows.models import ACTIVE_FLOW_STATUSES, Flow, FlowStatus
from inventory.models import Application
from migration_platform.text import counted
from tenants.roles import Role, role_at_least

from . import loaders
from .models import (
    DECISION_RESULT_FIELDS,
    READINESS_ORDER,
    SERVER_RESULT_FIELDS,
    ArchitectureStandard,
    Assessment,
    AssignmentSource,
    ChangeAction,
    ChangeRecord,
    DebtCategory,
    DecisionReview,
    Readiness,
    ReviewStatus,
    ServerAssessment,
    SixRDecision,
    Strategy,
    TechDebtItem,
    Wave,
    WaveAssignment,
    WaveMove,
    WavePlanSettings,
)

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]
# Applications whose effective strategy keeps them where they are are not planned into waves.
NOT_MOVED = (Strategy.RETIRE, Strategy.RETAIN)
CRITICALITY_RISK = {"critical": 3, "high": 2, "medium": 1, "low": 0}
STANDARD_VERSION_MAX = 40


def _no_progress(done: int, total: int, message: str) -> None:
    return None


# --- the record of who changed what ---------------------------------------------------------------------


def change_record(
    *,
    engagement: Engagement,
    user: User | None,
    action: str,
    obj: Any = None,
    object_type: str = "",
    detail: dict[str, Any] | None = None,
) -> ChangeRecord:
    return ChangeRecord.objects.create(
        engagement=engagement,
        user=user,
        action=action,
        object_type=object_type or (type(obj).__name__.lower() if obj is not None else ""),
        object_id=getattr(obj, "pk", None),
        object_repr=str(obj)[:300] if obj is not None else "",
        # dates and decimals as text, so any service's detail is JSON
        detail=json.loads(json.dumps(detail or {}, cls=DjangoJSONEncoder)),
    )


def _role_of(user: User | None) -> str | None:
    """The user's role in the client whose schema is current (a superuser counts as a client admin)."""
    if user is None:
        return None
    from tenants.db import current_schema
    from tenants.models import Membership

    if user.is_superuser:
        return Role.CLIENT_ADMIN
    membership = Membership.objects.filter(user=user, client__schema_name=current_schema()).only("role").first()
    return membership.role if membership else None


def _require_role(user: User | None, role: str, what: str) -> None:
    if not role_at_least(_role_of(user), role):
        raise PermissionDenied(f"{what} needs the {Role(role).label.lower()} role or higher.")


# --- architecture standards -----------------------------------------------------------------------------


def standards_ensure(*, engagement: Engagement) -> list[ArchitectureStandard]:
    """The engagement's standards, created from the engine's defaults the first time they are needed."""
    from .engine.standards import DEFAULT_STANDARDS

    existing = {s.component: s for s in ArchitectureStandard.objects.filter(engagement=engagement)}
    missing = [
        ArchitectureStandard(
            engagement=engagement,
            component=default.component,
            label=default.label,
            category=default.category,
            minimum_version=default.minimum,
            recommended_version=default.recommended,
        )
        for default in DEFAULT_STANDARDS
        if default.component not in existing
    ]
    if missing:
        ArchitectureStandard.objects.bulk_create(missing, ignore_conflicts=True)
        return list(ArchitectureStandard.objects.filter(engagement=engagement))
    return sorted(existing.values(), key=lambda s: (s.category, s.label))


def _check_version(text: str, field: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: "Give a version (for example 17, 8.6 or 2019)."})
    if len(text) > STANDARD_VERSION_MAX:
        raise ValidationError({field: f"A version has at most {STANDARD_VERSION_MAX} characters."})
    return text


def standard_update(
    *, standard: ArchitectureStandard, user: User | None, minimum_version: str, recommended_version: str
) -> ArchitectureStandard:
    """Change a standard's minimum and recommended versions (the minimum may not be above the recommended)."""
    from .engine.versions import compare_versions

    minimum = _check_version(minimum_version, "minimum_version")
    recommended = _check_version(recommended_version, "recommended_version")
    if compare_versions(minimum, recommended) > 0:
        raise ValidationError(
            {"minimum_version": f"The minimum ({minimum}) is above the recommended version ({recommended})."}
        )
    before = {"minimum_version": standard.minimum_version, "recommended_version": standard.recommended_version}
    if before == {"minimum_version": minimum, "recommended_version": recommended}:
        return standard
    standard.minimum_version = minimum
    standard.recommended_version = recommended
    standard.updated_by = user
    with transaction.atomic():
        standard.save(update_fields=["minimum_version", "recommended_version", "updated_by", "updated_at"])
        change_record(
            engagement=standard.engagement,
            user=user,
            action=ChangeAction.STANDARD_UPDATED,
            obj=standard,
            detail={"before": before, "after": {"minimum_version": minimum, "recommended_version": recommended}},
        )
    return standard


def standards_update(
    *, engagement: Engagement, user: User | None, changes: dict[str, tuple[str, str]]
) -> list[ArchitectureStandard]:
    """Several standards at once, `{component: (minimum, recommended)}`: all or nothing."""
    standards = {s.component: s for s in standards_ensure(engagement=engagement)}
    unknown = sorted(set(changes) - set(standards))
    if unknown:
        raise ValidationError({"component": f"No standard for: {', '.join(unknown)}."})
    with transaction.atomic():
        for component, (minimum, recommended) in changes.items():
            try:
                standard_update(
                    standard=standards[component], user=user, minimum_version=minimum, recommended_version=recommended
                )
            except ValidationError as error:
                messages = "; ".join(error.messages)
                raise ValidationError({component: f"{standards[component].label}: {messages}"}) from error
    return standards_ensure(engagement=engagement)


# --- starting an assessment -----------------------------------------------------------------------------


def active_assessment_flow(*, engagement: Engagement) -> Flow | None:
    return (
        Flow.objects.filter(engagement=engagement, type="assessment", status__in=ACTIVE_FLOW_STATUSES)
        .order_by("-pk")
        .first()
    )


def assessment_create(
    *, engagement: Engagement, user: User | None, application_ids: Sequence[int] | None = None
) -> Assessment:
    """Check the scope and record a new assessment (the flow is started by assessment_start)."""
    if engagement.is_archived:
        raise ValidationError({"engagement": "This engagement is archived: restore it before assessing it."})
    running = active_assessment_flow(engagement=engagement)
    if running is not None:
        raise ValidationError(
            {"engagement": f"An assessment of this engagement is already under way ({running}): finish or cancel it."}
        )
    ids: list[int] | None = None
    if application_ids is not None:
        wanted = sorted({int(i) for i in application_ids})
        if not wanted:
            raise ValidationError({"application_ids": "Choose at least one application, or assess them all."})
        found = loaders.application_ids_in_scope(engagement_id=engagement.pk, application_ids=wanted)
        missing = sorted(set(wanted) - set(found))
        if missing:
            raise ValidationError(
                {"application_ids": f"Not applications of this engagement: {', '.join(map(str, missing))}."}
            )
        ids = found
    elif not Application.objects.filter(engagement=engagement, deleted_at__isnull=True).exists():
        raise ValidationError({"application_ids": "This engagement has no applications yet: import them first."})
    assessment = Assessment.objects.create(engagement=engagement, application_ids=ids, created_by=user)
    return assessment


def assessment_start(
    *,
    engagement: Engagement,
    user: User | None,
    application_ids: Sequence[int] | None = None,
    actor: str | None = None,
) -> Flow:
    """Start the assessment flow on all applications (None) or the chosen ones; returns the flow."""
    from flows.services import flow_start

    with transaction.atomic():
        assessment = assessment_create(engagement=engagement, user=user, application_ids=application_ids)
        flow = flow_start(
            engagement=engagement,
            flow_type="assessment",
            user=user,
            actor=actor,
            flow_input={"assessment_id": assessment.pk, "application_ids": assessment.application_ids},
        )
        assessment.flow = flow
        assessment.save(update_fields=["flow"])
        scope = "all applications" if assessment.application_ids is None else f"{len(assessment.application_ids)}"
        change_record(
            engagement=engagement,
            user=user,
            action=ChangeAction.ASSESSMENT_STARTED,
            obj=assessment,
            detail={"flow_id": flow.pk, "scope": scope},
        )
    return flow


def assessment_for_flow(*, flow: Flow) -> Assessment:
    """The assessment a flow works on. A flow started without one (from the engagement's generic "start a flow"
    form) assesses every application: its assessment is recorded on the first call and in the flow's input."""
    assessment_id = (flow.input or {}).get("assessment_id")
    if isinstance(assessment_id, int):
        assessment = (
            Assessment.objects.select_related("engagement")
            .filter(pk=assessment_id, engagement_id=flow.engagement_id)
            .first()
        )
        if assessment is None:
            raise ValidationError(f"Assessment #{assessment_id} of this flow does not exist any more.")
        return assessment
    assessment = Assessment.objects.select_related("engagement").filter(flow=flow).first()
    if assessment is None:
        assessment = Assessment.objects.create(
            engagement_id=flow.engagement_id, flow=flow, application_ids=None, created_by_id=flow.created_by_id
        )
    flow.input = {**(flow.input or {}), "assessment_id": assessment.pk, "application_ids": None}
    Flow.objects.filter(pk=flow.pk).update(input=flow.input)
    return Assessment.objects.select_related("engagement").get(pk=assessment.pk)


# --- the phases -----------------------------------------------------------------------------------------


def _scope_ids(assessment: Assessment) -> list[int] | None:
    ids = assessment.application_ids
    return None if ids is None else [int(i) for i in ids]


def _today() -> date:
    return timezone.localdate()


def readiness_assess(*, assessment: Assessment, progress: Progress = _no_progress) -> dict[str, Any]:
    """Readiness for the engagement's target cloud and sizing of every server in scope (replaced)."""
    from .engine.readiness import server_readiness
    from .engine.sizing import price_list_date, size_server

    engagement = assessment.engagement
    cloud = engagement.target_cloud
    scope = _scope_ids(assessment)
    progress(0, 1, "loading servers")
    if scope is None:
        servers = loaders.server_facts(engagement_id=engagement.pk, server_ids=None)
    else:
        portfolio = loaders.portfolio_load(
            engagement_id=engagement.pk, application_ids=scope, edges=False, counts=False
        )
        servers = portfolio.servers
    priced = price_list_date(cloud)
    counts: dict[str, int] = defaultdict(int)
    total = len(servers)

    def judged_rows() -> Iterator[tuple[Any, ...]]:
        # Judged while COPY streams them: PostgreSQL writes on one core while Python judges on the other.
        for n, server in enumerate(servers.values(), start=1):
            judged = server_readiness(server, cloud)
            sized = size_server(server, cloud)
            counts[judged.status] += 1
            yield (
                engagement.pk,
                assessment.pk,
                server.id,
                judged.status,
                judged.reasons,
                sized.instance_type or "",
                sized.vcpu,
                sized.memory_gb,
                sized.basis,
                sized.reason or "",
                server.monthly_cost,
                sized.monthly_cost,
                priced,
            )
            if n % 5000 == 0:
                progress(n, total, f"judged {n:,} of {total:,} servers")

    loaders.delete_where(
        ServerAssessment._meta.db_table,
        engagement_id=engagement.pk,
        column="asset_id",
        ids=None if scope is None else list(servers),
    )
    loaders.copy_rows(
        ServerAssessment._meta.db_table,
        (
            "engagement_id",
            "assessment_id",
            "asset_id",
            *SERVER_RESULT_FIELDS,
        ),
        judged_rows(),
        json_columns=("readiness_reasons",),
    )
    progress(total, total, f"{total:,} servers judged")
    parts = ", ".join(f"{counts[r]:,} {Readiness(r).label.lower()}" for r in READINESS_ORDER[::-1] if counts[r])
    return {
        "summary": f"{total:,} servers for {cloud.upper()}: {parts or 'none in scope'}",
        "counts": {"servers": total, **{f"servers_{k}": v for k, v in counts.items()}},
    }


def _standards(engagement: Engagement) -> list[Any]:
    from .engine.facts import Standard

    return [
        Standard(
            component=s.component,
            label=s.label,
            category=s.category,
            minimum=s.minimum_version,
            recommended=s.recommended_version,
        )
        for s in standards_ensure(engagement=engagement)
    ]


def tech_debt_assess(*, assessment: Assessment, progress: Progress = _no_progress) -> dict[str, Any]:
    """End-of-life products and gaps to the standards, per application (its servers' OS included)."""
    from .engine.techdebt import debt_items

    engagement = assessment.engagement
    progress(0, 1, "loading applications")
    portfolio = loaders.portfolio_load(
        engagement_id=engagement.pk, application_ids=_scope_ids(assessment), edges=False, counts=False
    )
    standards = _standards(engagement)
    today = _today()
    by_category: dict[str, int] = defaultdict(int)
    total = len(portfolio.apps)

    def debt_rows() -> Iterator[tuple[Any, ...]]:
        for n, app in enumerate(portfolio.apps, start=1):
            servers = [portfolio.servers[i] for i in app.server_ids if i in portfolio.servers]
            for item in debt_items(app, servers, standards, today):
                by_category[item.category] += 1
                yield (
                    engagement.pk,
                    assessment.pk,
                    app.id,
                    item.server_id,
                    item.category,
                    str(item.component)[:120],
                    str(item.version or "")[:60],
                    item.status,
                    item.severity,
                    item.eol_date,
                    item.reason or "",
                )
            if n % 2000 == 0:
                progress(n, total, f"{n:,} of {total:,} applications")

    loaders.delete_where(
        TechDebtItem._meta.db_table,
        engagement_id=engagement.pk,
        column="application_id",
        ids=None if assessment.application_ids is None else portfolio.app_ids,
    )
    written = loaders.copy_rows(
        TechDebtItem._meta.db_table,
        (
            "engagement_id",
            "assessment_id",
            "application_id",
            "asset_id",
            "category",
            "component",
            "version",
            "status",
            "severity",
            "eol_date",
            "reason",
        ),
        debt_rows(),
    )
    progress(total, total, f"{written:,} debt items")
    parts = ", ".join(f"{by_category[c]:,} {DebtCategory(c).label.lower()}" for c in DebtCategory if by_category[c])
    return {
        "summary": f"{written:,} technical debt items on {total:,} applications" + (f" ({parts})" if parts else ""),
        "counts": {
            "applications": total,
            "tech_debt_items": written,
            **{f"tech_debt_{k}": v for k, v in by_category.items()},
        },
    }


def _debt_of(assessment: Assessment, app_ids: Sequence[int] | None) -> dict[int, list[Any]]:
    """The debt items the tech_debt phase wrote, as the engine's DebtItem, per application."""
    from .engine.techdebt import DebtItem

    table = TechDebtItem._meta.db_table
    sql = (
        f"SELECT application_id, category, component, version, status, severity, eol_date, reason, asset_id "
        f"FROM {table} WHERE engagement_id = %s AND application_id IS NOT NULL"
    )
    params: list[Any] = [assessment.engagement_id]
    if app_ids is not None:
        sql += " AND application_id = ANY(%s)"
        params.append(list(app_ids))
    debt: dict[int, list[Any]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for row in cursor.fetchall():
            # the columns in DebtItem's order: category, component, version, status, severity, eol_date, reason,
            # server_id
            debt[row[0]].append(DebtItem(*row[1:]))
    return debt


def complexity_assess(*, assessment: Assessment, progress: Progress = _no_progress) -> dict[str, Any]:
    """A 1..5 complexity per application; kept in the phase's output for the 6R phase (and on each decision)."""
    from .engine.complexity import complexity

    engagement = assessment.engagement
    progress(0, 1, "loading applications")
    portfolio = loaders.portfolio_load(engagement_id=engagement.pk, application_ids=_scope_ids(assessment), edges=False)
    debt = _debt_of(assessment, None if assessment.application_ids is None else portfolio.app_ids)
    scores: dict[str, list[Any]] = {}
    histogram: dict[int, int] = defaultdict(int)
    for app in portfolio.apps:
        servers = [portfolio.servers[i] for i in app.server_ids if i in portfolio.servers]
        result = complexity(app, servers, debt.get(app.id, []))
        scores[str(app.id)] = [result.score, list(result.factors)]
        histogram[result.score] += 1
    total = len(portfolio.apps)
    progress(total, total, f"{total:,} applications scored")
    spread = ", ".join(f"{histogram[s]:,} at {s}" for s in sorted(histogram))
    return {
        "summary": f"Complexity of {total:,} applications" + (f": {spread}" if spread else ""),
        "counts": {"applications": total, **{f"complexity_{s}": c for s, c in histogram.items()}},
        "scores": scores,
    }


def _readiness_of(engagement_id: int, server_ids: Sequence[int] | None) -> dict[int, Any]:
    """The readiness the readiness phase wrote, as the engine's Readiness, per server."""
    from .engine.readiness import Readiness as EngineReadiness

    table = ServerAssessment._meta.db_table
    sql = f"SELECT asset_id, readiness, readiness_reasons, monthly_cost_target FROM {table} WHERE engagement_id = %s"
    params: list[Any] = [engagement_id]
    if server_ids is not None:
        sql += " AND asset_id = ANY(%s)"
        params.append(list(server_ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            asset_id: (EngineReadiness(status=status, reasons=list(reasons or ())), target)
            for asset_id, status, reasons, target in cursor.fetchall()
        }


_READINESS_RANK = {str(status): rank for rank, status in enumerate(READINESS_ORDER)}


def worst_readiness(statuses: Sequence[str]) -> str:
    if not statuses:
        return Readiness.UNKNOWN
    return min(statuses, key=_READINESS_RANK.__getitem__)


def _engine_rationale(strategy: str, confidence: float, evidence: Sequence[str]) -> str:
    lines = "; ".join(evidence[:4])
    return f"{Strategy(strategy).label} with {round(confidence * 100)}% confidence: {lines}."


def sixr_recommend(
    *,
    assessment: Assessment,
    complexity_scores: dict[str, list[Any]],
    flow_id: int | None = None,
    progress: Progress = _no_progress,
) -> dict[str, Any]:
    """The 6R recommendation per application (the engine decides; the 6R crew refines where an LLM is set)."""
    from .crews import sixr_crew_limit, sixr_refine
    from .engine.complexity import Complexity
    from .engine.facts import Goals
    from .engine.sixr import recommend

    engagement = assessment.engagement
    progress(0, 1, "loading applications")
    scope = _scope_ids(assessment)
    portfolio = loaders.portfolio_load(engagement_id=engagement.pk, application_ids=scope, edges=False)
    scoped_ids = None if scope is None else portfolio.app_ids
    debt = _debt_of(assessment, scoped_ids)
    judged = _readiness_of(engagement.pk, None if scope is None else list(portfolio.servers))
    goals = Goals(
        speed=engagement.goal_speed,
        cost=engagement.goal_cost,
        modernisation=engagement.goal_modernisation,
        operations=engagement.goal_operations,
    )
    cloud = engagement.target_cloud
    now = timezone.now()
    decided: list[dict[str, Any]] = []
    total = len(portfolio.apps)
    for n, app in enumerate(portfolio.apps, start=1):
        servers = [portfolio.servers[i] for i in app.server_ids if i in portfolio.servers]
        readiness = {i: judged[i][0] for i in app.server_ids if i in judged}
        score, factors = complexity_scores.get(str(app.id), [1, []])
        app_complexity = Complexity(score=int(score), factors=list(factors))
        rec = recommend(
            app,
            servers=servers,
            readiness=readiness,
            debt=debt.get(app.id, []),
            complexity=app_complexity,
            goals=goals,
            target_cloud=cloud,
        )
        decided.append(
            {
                "app": app,
                "strategy": rec.strategy,
                "confidence": float(rec.confidence),
                "evidence": list(rec.evidence),
                "alternatives": [{"strategy": s, "score": round(float(v), 3)} for s, v in rec.alternatives],
                "effort": rec.effort,
                "person_days": int(rec.person_days),
                "risks": list(rec.risks),
                "target_services": list(rec.target_services),
                "complexity_score": int(score),
                "complexity_factors": list(factors),
                "readiness": worst_readiness([r.status for r in readiness.values()]),
                "source": "engine",
                "rationale": _engine_rationale(rec.strategy, float(rec.confidence), list(rec.evidence)),
            }
        )
        if n % 2000 == 0:
            progress(n, total, f"{n:,} of {total:,} applications decided")

    refined = 0
    limit = sixr_crew_limit()
    if limit:
        # The crew reviews the least certain decisions first (an LLM call each).
        for item in sorted(decided, key=lambda d: (d["confidence"], d["app"].id))[:limit]:
            if sixr_refine(item=item, engagement_id=engagement.pk, flow_id=flow_id, target_cloud=cloud):
                refined += 1
    for item in decided:  # after the crew: a retired application costs nothing after
        item["monthly_cost_now"], item["monthly_cost_target"] = _app_costs(
            item["app"], portfolio, judged, item["strategy"]
        )

    loaders.delete_where(
        SixRDecision._meta.db_table, engagement_id=engagement.pk, column="application_id", ids=scoped_ids
    )
    loaders.copy_rows(
        SixRDecision._meta.db_table,
        ("engagement_id", "assessment_id", "application_id", *DECISION_RESULT_FIELDS, "assessed_at"),
        ((engagement.pk, assessment.pk, d["app"].id, *(d[c] for c in DECISION_RESULT_FIELDS), now) for d in decided),
        json_columns=("evidence", "alternatives", "risks", "target_services", "complexity_factors"),
    )
    by_strategy: dict[str, int] = defaultdict(int)
    for d in decided:
        by_strategy[d["strategy"]] += 1
    progress(total, total, f"{total:,} applications decided")
    parts = ", ".join(f"{by_strategy[s]:,} {s}" for s in Strategy.values if by_strategy[s])
    refined_text = f"; the 6R crew refined {refined}" if limit else ""
    return {
        "summary": f"6R decisions for {total:,} applications" + (f": {parts}" if parts else "") + refined_text,
        "counts": {"decisions": total, "refined_by_llm": refined, **by_strategy},
    }


def _app_costs(app: Any, portfolio: loaders.Portfolio, judged: dict[int, Any], strategy: str) -> tuple[Any, Any]:
    """Monthly cost now and after, with a shared server's cost split between the applications on it."""
    now_total = 0.0
    target_total = 0.0
    known_now = known_target = False
    for server_id in app.server_ids:
        share = 1 / max(1, portfolio.apps_per_server.get(server_id, 1))
        server = portfolio.servers.get(server_id)
        if server is not None and server.monthly_cost is not None:
            now_total += server.monthly_cost * share
            known_now = True
        target = judged.get(server_id, (None, None))[1]
        if target is not None:
            target_total += target * share
            known_target = True
    cost_now: float | None = round(now_total, 2) if known_now else None
    if cost_now is None and app.annual_cost is not None:
        cost_now = round(app.annual_cost / 12, 2)
    cost_target: float | None = round(target_total, 2) if known_target else None
    if strategy == Strategy.RETIRE:
        cost_target = 0.0
    elif strategy == Strategy.RETAIN:
        cost_target = cost_now
    return cost_now, cost_target


# --- the review gate ------------------------------------------------------------------------------------


def review_prepare(*, assessment: Assessment) -> dict[str, Any]:
    """What the engagement manager decides at the gate: the portfolio's decisions, with what people changed."""
    decisions = SixRDecision.objects.filter(engagement=assessment.engagement)
    if assessment.application_ids is not None:
        decisions = decisions.filter(application_id__in=assessment.application_ids)
    total = decisions.count()
    reviews = DecisionReview.objects.filter(application_id__in=decisions.values("application_id"))
    overridden = reviews.filter(status=ReviewStatus.OVERRIDDEN).count()
    accepted = reviews.filter(status=ReviewStatus.ACCEPTED).count()
    prompt = (
        f"Review the 6R decisions of {total:,} applications ({accepted:,} accepted, {overridden:,} overridden), "
        "then the engagement manager approves the portfolio"
    )
    return {
        "prompt": prompt,
        "suggestion": {"approve": True},
        # The flow page links here ("Review and correct"): the portfolio, where decisions are reviewed and approved.
        "decision_url": reverse("assessments:portfolio", kwargs={"engagement_pk": assessment.engagement_id}),
        "counts": {"decisions": total, "accepted": accepted, "overridden": overridden},
    }


def assessment_approve_record(*, assessment: Assessment, user: User | None, comment: str = "") -> Assessment:
    """Record who approved the portfolio (called when the review gate passes)."""
    assessment.approved_by = user
    assessment.approved_at = timezone.now()
    assessment.approval_comment = comment.strip()
    assessment.save(update_fields=["approved_by", "approved_at", "approval_comment"])
    change_record(
        engagement=assessment.engagement,
        user=user,
        action=ChangeAction.PORTFOLIO_APPROVED,
        obj=assessment,
        detail={"comment": assessment.approval_comment, "flow_id": assessment.flow_id},
    )
    return assessment


def portfolio_approve(*, assessment: Assessment, user: User, comment: str = "") -> Flow:
    """The engagement manager (or a client admin) approves the portfolio: the review gate passes."""
    from flows.services import gate_approve

    _require_role(user, Role.ENGAGEMENT_MANAGER, "Approving the portfolio")
    flow = assessment.flow
    if flow is None or flow.status != FlowStatus.WAITING_FOR_INPUT or flow.current_phase != "review":
        raise ValidationError("This assessment is not waiting for the portfolio's approval.")
    return gate_approve(flow=flow, user=user, decision={"approve": True, "comment": comment.strip()}, comment=comment)


def decision_review(
    *,
    application: Application,
    user: User | None,
    status: str,
    strategy: str | None = None,
    comment: str = "",
) -> DecisionReview:
    """Accept the engine's decision, or override it with another strategy (a comment is required to override)."""
    if status not in ReviewStatus.values:
        raise ValidationError({"status": f"'{status}' is not one of: {', '.join(ReviewStatus.values)}."})
    decision = SixRDecision.objects.filter(application=application).first()
    if decision is None:
        raise ValidationError({"application": f"{application.name} has no 6R decision yet: run the assessment."})
    comment = (comment or "").strip()
    if status == ReviewStatus.OVERRIDDEN:
        if strategy not in Strategy.values:
            raise ValidationError({"strategy": f"Choose one of: {', '.join(Strategy.values)}."})
        if not comment:
            raise ValidationError({"comment": "Say why the decision is overridden."})
    else:
        strategy = None
    with transaction.atomic():
        review, _ = DecisionReview.objects.update_or_create(
            application=application,
            defaults={
                "engagement_id": application.engagement_id,
                "status": status,
                "strategy": strategy,
                "comment": comment,
                "reviewed_by": user,
                "reviewed_at": timezone.now(),
            },
        )
        action = (
            ChangeAction.DECISION_OVERRIDDEN if status == ReviewStatus.OVERRIDDEN else ChangeAction.DECISION_ACCEPTED
        )
        change_record(
            engagement=application.engagement,
            user=user,
            action=action,
            obj=application,
            object_type="application",
            detail={
                "engine_strategy": decision.strategy,
                "strategy": strategy or decision.strategy,
                "comment": comment,
            },
        )
    return review


# --- waves ----------------------------------------------------------------------------------------------


def wave_settings(*, engagement: Engagement) -> WavePlanSettings:
    settings, _ = WavePlanSettings.objects.get_or_create(engagement=engagement)
    return settings


def wave_settings_update(
    *,
    engagement: Engagement,
    user: User | None,
    max_servers_per_wave: int | None = None,
    wave_weeks: int | None = None,
    start_date: date | None = None,
    pilot_max_apps: int | None = None,
) -> WavePlanSettings:
    settings = wave_settings(engagement=engagement)
    changes: dict[str, Any] = {}
    for name, value, low in (
        ("max_servers_per_wave", max_servers_per_wave, 1),
        ("wave_weeks", wave_weeks, 1),
        ("pilot_max_apps", pilot_max_apps, 0),
    ):
        if value is None:
            continue
        if not isinstance(value, int) or value < low or value > 10_000:
            raise ValidationError({name: f"{name.replace('_', ' ').capitalize()} must be a whole number from {low}."})
        if getattr(settings, name) != value:
            changes[name] = value
    if start_date is not None and settings.start_date != start_date:
        changes["start_date"] = start_date
    if changes:
        before = {name: getattr(settings, name) for name in changes}
        for name, value in changes.items():
            setattr(settings, name, value)
        settings.updated_by = user
        settings.save()
        change_record(
            engagement=engagement,
            user=user,
            action=ChangeAction.PLAN_SETTINGS_UPDATED,
            obj=settings,
            object_type="wave_plan_settings",
            detail={"before": before, "after": changes},
        )
    return settings


def effective_strategies(*, engagement: Engagement) -> dict[int, str]:
    """Each decided application's strategy: a person's override, else the engine's (or crew's)."""
    table = SixRDecision._meta.db_table
    reviews = DecisionReview._meta.db_table
    apps = Application._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT d.application_id, COALESCE(CASE WHEN r.status = 'overridden' THEN r.strategy END, d.strategy) "
            f"FROM {table} d JOIN {apps} a ON a.id = d.application_id AND a.deleted_at IS NULL "
            f"LEFT JOIN {reviews} r ON r.application_id = d.application_id WHERE d.engagement_id = %s",
            [engagement.pk],
        )
        return dict(cursor.fetchall())


@dataclass(frozen=True)
class WavePlanResult:
    waves: int
    applications: int
    warnings: list[str]

    def as_output(self) -> dict[str, Any]:
        return {
            "summary": f"{counted(self.applications, 'application')} in {counted(self.waves, 'wave')}"
            + (f" ({len(self.warnings)} warnings)" if self.warnings else ""),
            "counts": {
                "waves": self.waves,
                "planned_applications": self.applications,
                "wave_warnings": len(self.warnings),
            },
            "warnings": self.warnings[:200],
        }


def _start_date(engagement: Engagement, settings: WavePlanSettings) -> date:
    return settings.start_date or engagement.start_date or _today()


def waves_plan(
    *, engagement: Engagement, user: User | None = None, progress: Progress = _no_progress
) -> WavePlanResult:
    """Plan the waves again from the current decisions and the plan settings; people's moves stay as pins."""
    from .engine.waves import WaveApp, plan_waves

    settings = wave_settings(engagement=engagement)
    strategies = effective_strategies(engagement=engagement)
    moving = {app_id for app_id, strategy in strategies.items() if strategy not in NOT_MOVED}
    if not strategies:
        raise ValidationError("No 6R decisions yet: run the assessment before planning waves.")
    progress(0, 1, "loading applications and dependencies")
    portfolio = loaders.portfolio_load(
        engagement_id=engagement.pk, application_ids=sorted(moving), servers=False, counts=False
    )
    risk = dict(
        SixRDecision.objects.filter(engagement=engagement, application_id__in=moving).values_list(
            "application_id", "complexity_score"
        )
    )
    apps = [
        WaveApp(
            id=app.id,
            name=app.name,
            servers=len(app.server_ids),
            risk=int(risk.get(app.id, 3)) + CRITICALITY_RISK.get(app.business_criticality or "", 1),
            criticality=app.business_criticality,
        )
        for app in portfolio.apps
    ]
    pins = {
        app_id: number
        for app_id, number in WaveMove.objects.filter(engagement=engagement, application_id__in=moving).values_list(
            "application_id", "wave_number"
        )
    }
    progress(0, 1, f"planning {len(apps):,} applications")
    plan = plan_waves(
        apps,
        portfolio.edges,
        max_servers_per_wave=settings.max_servers_per_wave,
        wave_weeks=settings.wave_weeks,
        start=_start_date(engagement, settings),
        pilot_max_apps=settings.pilot_max_apps,
        pins=pins,
    )
    with transaction.atomic():
        Wave.objects.filter(engagement=engagement).delete()  # cascades to the assignments
        waves = Wave.objects.bulk_create(
            [
                Wave(
                    engagement=engagement,
                    number=w.number,
                    name=w.name,
                    start=w.start,
                    end=w.end,
                    is_pilot=w.is_pilot,
                )
                for w in plan.waves
            ]
        )
        wave_ids = {wave.number: wave.pk for wave in waves}
        rows = (
            (
                engagement.pk,
                wave_ids[w.number],
                app_id,
                int(plan.group_of.get(app_id, 0)),
                AssignmentSource.MANUAL if pins.get(app_id) == w.number else AssignmentSource.ENGINE,
            )
            for w in plan.waves
            for app_id in w.app_ids
        )
        placed = loaders.copy_rows(
            WaveAssignment._meta.db_table, ("engagement_id", "wave_id", "application_id", "move_group", "source"), rows
        )
        if user is not None:
            change_record(
                engagement=engagement,
                user=user,
                action=ChangeAction.WAVES_PLANNED,
                object_type="wave_plan",
                detail={"waves": len(waves), "applications": placed, "warnings": len(plan.warnings)},
            )
    progress(1, 1, f"{counted(placed, 'application')} in {counted(len(waves), 'wave')}")
    return WavePlanResult(waves=len(waves), applications=placed, warnings=list(plan.warnings))


def wave_dependency_warnings(
    *, engagement: Engagement, assignment: dict[int, int] | None = None, involving: int | None = None
) -> list[str]:
    """Dependencies the plan breaks: an application scheduled before one it depends on (only those involving the
    application `involving` when given)."""
    from .engine.waves import broken_dependencies

    if assignment is None:
        assignment = dict(
            WaveAssignment.objects.filter(engagement=engagement).values_list("application_id", "wave__number")
        )
    portfolio = loaders.portfolio_load(
        engagement_id=engagement.pk, application_ids=sorted(assignment), servers=False, counts=False
    )
    names = {app.id: app.name for app in portfolio.apps}
    return [
        f"{names.get(source, source)} (wave {assignment[source]}) depends on {names.get(target, target)} "
        f"(wave {assignment[target]}), which moves later"
        for source, target in broken_dependencies(assignment, portfolio.edges)
        if involving is None or involving in (source, target)
    ]


def wave_move(*, application: Application, wave_number: int, user: User | None, comment: str = "") -> list[str]:
    """Move an application to another wave (kept as a pin through re-planning); returns the broken dependencies
    that involve it."""
    engagement = application.engagement
    assignment = WaveAssignment.objects.filter(application=application).select_related("wave").first()
    if assignment is None:
        raise ValidationError({"application": f"{application.name} is in no wave: plan the waves first."})
    wave = Wave.objects.filter(engagement=engagement, number=wave_number).first()
    if wave is None:
        numbers = list(Wave.objects.filter(engagement=engagement).values_list("number", flat=True))
        raise ValidationError({"wave_number": f"There is no wave {wave_number}; the waves are {numbers}."})
    before = assignment.wave.number
    with transaction.atomic():
        assignment.wave = wave
        assignment.source = AssignmentSource.MANUAL
        assignment.save(update_fields=["wave", "source"])
        WaveMove.objects.update_or_create(
            application=application,
            defaults={
                "engagement": engagement,
                "wave_number": wave_number,
                "moved_by": user,
                "moved_at": timezone.now(),
                "comment": (comment or "").strip(),
            },
        )
        warnings = wave_dependency_warnings(engagement=engagement, involving=application.pk)
        change_record(
            engagement=engagement,
            user=user,
            action=ChangeAction.WAVE_MOVED,
            obj=application,
            object_type="application",
            detail={"from_wave": before, "to_wave": wave_number, "comment": comment, "warnings": warnings},
        )
    return warnings


# --- the report -----------------------------------------------------------------------------------------


def assessment_report(*, assessment: Assessment) -> dict[str, Any]:
    """The assessment's summary (stored on it): strategies, readiness, debt, cost now and after, waves."""
    from . import selectors

    engagement = assessment.engagement
    summary = selectors.portfolio_summary(engagement=engagement)
    summary["generated_at"] = timezone.now().isoformat()
    summary["assessment_id"] = assessment.pk
    assessment.summary = summary
    assessment.save(update_fields=["summary"])
    strategies = ", ".join(f"{n:,} {s}" for s, n in summary["strategies"].items() if n)
    applications, waves = counted(summary["applications"], "application"), counted(summary["waves"], "wave")
    return {
        "summary": f"Report ready: {applications} ({strategies}), {waves}",
        "counts": {"applications": summary["applications"], "waves": summary["waves"]},
    }


# --- exports (the page, the API and the command share exporters.py) --------------------------------------


def assessment_export_json(*, engagement: Engagement) -> dict[str, Any]:
    from .exporters import assessment_export_data

    return assessment_export_data(engagement=engagement)


def assessment_export_xlsx(*, engagement: Engagement) -> bytes:
    from .exporters import assessment_export_xlsx_bytes

    return assessment_export_xlsx_bytes(engagement=engagement)
