"""Reads of the assessment for pages, the API, the exports and the report: each a few queries, never one per row."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Case, CharField, Count, F, Max, Min, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Lower

from engagements.models import Engagement
from inventory.models import Application, ApplicationDependency

from .models import (
    READINESS_ORDER,
    Assessment,
    ChangeRecord,
    DebtCategory,
    DebtStatus,
    DecisionReview,
    ReviewStatus,
    ServerAssessment,
    SixRDecision,
    Strategy,
    TechDebtItem,
    Wave,
    WaveAssignment,
    WavePlanSettings,
)

EFFORT_RANK = {"xs": 1, "s": 2, "m": 3, "l": 4, "xl": 5}
CRITICALITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}


# --- assessments ----------------------------------------------------------------------------------------


def assessment_list(*, engagement: Engagement) -> QuerySet[Assessment]:
    return Assessment.objects.filter(engagement=engagement).select_related("flow")


def assessment_latest(*, engagement: Engagement) -> Assessment | None:
    return assessment_list(engagement=engagement).first()


def assessment_get(*, engagement: Engagement, pk: int) -> Assessment | None:
    return assessment_list(engagement=engagement).filter(pk=pk).first()


# --- decisions ------------------------------------------------------------------------------------------


def _effective_strategy() -> Any:
    return Coalesce(
        Case(
            When(
                application__decision_review__status=ReviewStatus.OVERRIDDEN,
                then=F("application__decision_review__strategy"),
            ),
            default=None,
            output_field=CharField(),
        ),
        F("strategy"),
    )


def _export_source() -> Any:
    return Case(
        When(application__decision_review__status=ReviewStatus.OVERRIDDEN, then=Value("override")),
        default=F("source"),
        output_field=CharField(),
    )


# sort key -> the column it orders by (then by name, then id, so pages are stable)
PORTFOLIO_SORTS: dict[str, str] = {
    "name": "name_key",
    "strategy": "effective_strategy",
    "confidence": "confidence",
    "effort": "effort_rank",
    "criticality": "criticality_rank",
    "readiness": "readiness_rank",
    "person_days": "person_days",
    "cost": "monthly_cost_target",
}


@dataclass(frozen=True)
class PortfolioFilters:
    strategy: str = ""
    effort: str = ""
    criticality: str = ""
    readiness: str = ""
    review: str = ""  # accepted | overridden | pending
    min_confidence: float | None = None
    max_confidence: float | None = None
    q: str = ""


def decision_list(
    *, engagement: Engagement, filters: PortfolioFilters | None = None, sort: str = "name"
) -> QuerySet[SixRDecision]:
    """The portfolio table: a decision per live application, with its review, filtered and sorted.

    `sort` is a key of PORTFOLIO_SORTS, `-key` for descending. Each row carries `effective_strategy` (the
    override's when overridden) and `export_source` (engine | llm | override).
    """
    filters = filters or PortfolioFilters()
    rows = (
        SixRDecision.objects.filter(engagement=engagement, application__deleted_at__isnull=True)
        .select_related("application", "application__decision_review")
        .annotate(
            name_key=Lower("application__name"),
            effective_strategy=_effective_strategy(),
            export_source=_export_source(),
            effort_rank=Case(*[When(effort=k, then=Value(v)) for k, v in EFFORT_RANK.items()], default=Value(0)),
            criticality_rank=Case(
                *[When(application__business_criticality=k, then=Value(v)) for k, v in CRITICALITY_RANK.items()],
                default=Value(0),
            ),
            readiness_rank=Case(
                *[When(readiness=r, then=Value(i)) for i, r in enumerate(READINESS_ORDER)], default=Value(9)
            ),
        )
    )
    if filters.strategy:
        rows = rows.filter(effective_strategy=filters.strategy)
    if filters.effort:
        rows = rows.filter(effort=filters.effort)
    if filters.criticality:
        rows = rows.filter(application__business_criticality=filters.criticality)
    if filters.readiness:
        rows = rows.filter(readiness=filters.readiness)
    if filters.review == "pending":
        rows = rows.filter(application__decision_review__isnull=True)
    elif filters.review:
        rows = rows.filter(application__decision_review__status=filters.review)
    if filters.min_confidence is not None:
        rows = rows.filter(confidence__gte=filters.min_confidence)
    if filters.max_confidence is not None:
        rows = rows.filter(confidence__lte=filters.max_confidence)
    if filters.q:
        rows = rows.filter(application__name__icontains=filters.q.strip())
    column = PORTFOLIO_SORTS.get(sort.lstrip("-"), "name_key")
    first = F(column).desc(nulls_last=True) if sort.startswith("-") else F(column).asc(nulls_last=True)
    return rows.order_by(first, "name_key", "pk")


def decision_for_application(*, application: Application) -> SixRDecision | None:
    return decision_list(engagement=application.engagement).filter(application=application).first()


def decision_get(*, engagement: Engagement, pk: int) -> SixRDecision | None:
    return decision_list(engagement=engagement).filter(pk=pk).first()


def review_for_application(*, application: Application) -> DecisionReview | None:
    return DecisionReview.objects.filter(application=application).first()


def server_assessments_of_application(*, application: Application) -> QuerySet[ServerAssessment]:
    return (
        ServerAssessment.objects.filter(
            asset__application_links__application=application, asset__deleted_at__isnull=True
        )
        .select_related("asset")
        .order_by(Lower("asset__name"))
    )


def server_assessment_list(*, engagement: Engagement, readiness: str = "") -> QuerySet[ServerAssessment]:
    rows = ServerAssessment.objects.filter(engagement=engagement, asset__deleted_at__isnull=True).select_related(
        "asset"
    )
    if readiness:
        rows = rows.filter(readiness=readiness)
    return rows.order_by(Lower("asset__name"), "pk")


def tech_debt_list(
    *, engagement: Engagement, application: Application | None = None, category: str = "", status: str = ""
) -> QuerySet[TechDebtItem]:
    rows = TechDebtItem.objects.filter(engagement=engagement).select_related("application", "asset")
    if application is not None:
        rows = rows.filter(application=application)
    if category:
        rows = rows.filter(category=category)
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("application_id", "category", "component", "pk")


def tech_debt_by_category(*, engagement: Engagement) -> dict[str, int]:
    counts = dict(
        TechDebtItem.objects.filter(engagement=engagement)
        .values_list("category")
        .annotate(n=Count("pk"))
        .values_list("category", "n")
    )
    return {str(c): int(counts.get(c, 0)) for c in DebtCategory.values}


# --- waves ----------------------------------------------------------------------------------------------


def wave_plan_settings(*, engagement: Engagement) -> WavePlanSettings:
    return WavePlanSettings.objects.filter(engagement=engagement).first() or WavePlanSettings(engagement=engagement)


@dataclass
class WaveView:
    wave: Wave
    applications: list[dict[str, Any]]

    @property
    def servers(self) -> int:
        return sum(app["servers"] for app in self.applications)


def waves_with_applications(*, engagement: Engagement, numbers: list[int] | None = None) -> list[WaveView]:
    """Every wave (or those `numbers`) with its applications (name, strategy, servers, move group, pinned): three
    queries."""
    waves_qs = Wave.objects.filter(engagement=engagement).order_by("number")
    if numbers is not None:
        waves_qs = waves_qs.filter(number__in=numbers)
    waves = list(waves_qs)
    by_wave: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = (
        WaveAssignment.objects.filter(
            engagement=engagement, wave__in=[wave.pk for wave in waves], application__deleted_at__isnull=True
        )
        .annotate(
            servers=Count(
                "application__asset_links", filter=Q(application__asset_links__asset__deleted_at__isnull=True)
            )
        )
        .values(
            "wave_id",
            "application_id",
            "application__name",
            "application__business_criticality",
            "move_group",
            "source",
            "servers",
            "application__sixr_decision__strategy",
            "application__decision_review__status",
            "application__decision_review__strategy",
        )
        .order_by(Lower("application__name"))
    )
    for row in rows:
        overridden = row["application__decision_review__status"] == ReviewStatus.OVERRIDDEN
        by_wave[row["wave_id"]].append(
            {
                "id": row["application_id"],
                "name": row["application__name"],
                "criticality": row["application__business_criticality"],
                "move_group": row["move_group"],
                "pinned": row["source"] == "manual",
                "servers": row["servers"],
                "strategy": row["application__decision_review__strategy"]
                if overridden
                else row["application__sixr_decision__strategy"],
            }
        )
    return [WaveView(wave=wave, applications=by_wave.get(wave.pk, [])) for wave in waves]


# --- change history -------------------------------------------------------------------------------------


def change_list(
    *, engagement: Engagement, object_type: str = "", object_id: int | None = None
) -> QuerySet[ChangeRecord]:
    rows = ChangeRecord.objects.filter(engagement=engagement)
    if object_type:
        rows = rows.filter(object_type=object_type)
    if object_id is not None:
        rows = rows.filter(object_id=object_id)
    return rows.order_by("-at", "-pk")


def users_by_id(ids: set[int | None]) -> dict[int, str]:
    """Email of each user referenced by id (users live in the public schema: one query)."""
    from accounts.models import User

    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(User.objects.filter(pk__in=wanted).values_list("pk", "email"))


# --- the portfolio's figures (dashboard charts, the report) ---------------------------------------------


def portfolio_summary(*, engagement: Engagement) -> dict[str, Any]:
    """Strategies (effective), readiness of servers, debt by category, cost now and after, waves over time."""
    decisions = SixRDecision.objects.filter(engagement=engagement, application__deleted_at__isnull=True).annotate(
        effective_strategy=_effective_strategy()
    )
    by_strategy = dict(
        decisions.values_list("effective_strategy").annotate(n=Count("pk")).values_list("effective_strategy", "n")
    )
    costs = decisions.aggregate(now=Sum("monthly_cost_now"), target=Sum("monthly_cost_target"))
    readiness = dict(
        ServerAssessment.objects.filter(engagement=engagement, asset__deleted_at__isnull=True)
        .values_list("readiness")
        .annotate(n=Count("pk"))
        .values_list("readiness", "n")
    )
    reviews = dict(
        DecisionReview.objects.filter(engagement=engagement)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w.number, w.name, w.start, w.end, w.is_pilot, count(DISTINCT a.application_id), "
            "count(DISTINCT l.asset_id) FROM assessments_wave w "
            "LEFT JOIN assessments_waveassignment a ON a.wave_id = w.id "
            "LEFT JOIN inventory_applicationasset l ON l.application_id = a.application_id "
            "WHERE w.engagement_id = %s GROUP BY w.id ORDER BY w.number",
            [engagement.pk],
        )
        waves = [
            {
                "number": number,
                "name": name,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "is_pilot": pilot,
                "applications": apps,
                "servers": servers,
            }
            for number, name, start, end, pilot, apps, servers in cursor.fetchall()
        ]
    return {
        "applications": sum(by_strategy.values()),
        "strategies": {s: int(by_strategy.get(s, 0)) for s in Strategy.values},
        "readiness": {str(r): int(readiness.get(r, 0)) for r in READINESS_ORDER[::-1]},
        "tech_debt": tech_debt_by_category(engagement=engagement),
        "cost": {
            "currency": engagement.currency,
            "monthly_now": round(costs["now"] or 0.0, 2),
            "monthly_target": round(costs["target"] or 0.0, 2),
        },
        "reviews": {s: int(reviews.get(s, 0)) for s in ReviewStatus.values},
        "waves": len(waves),
        "wave_timeline": waves,
    }


# --- pages ----------------------------------------------------------------------------------------------
# What the assessment pages read beyond the selectors above (engineer C): a fixed number of queries per page.

PAGE_WAVE_APPS_SHOWN = 60
PAGE_REPORT_ROWS = 2000
DEBT_STATUS_COLOURS = {
    "end_of_life": "#dc3545",
    "end_of_support_soon": "#fd7e14",
    "below_minimum": "#ffc107",
    "below_recommended": "#0dcaf0",
}


def page_review_counts(*, engagement: Engagement) -> dict[str, int]:
    """How many live decisions there are, and how many people reviewed and overrode: one query."""
    counts = SixRDecision.objects.filter(engagement=engagement, application__deleted_at__isnull=True).aggregate(
        decisions=Count("pk"),
        reviewed=Count("application__decision_review"),
        overridden=Count(
            "application__decision_review", filter=Q(application__decision_review__status=ReviewStatus.OVERRIDDEN)
        ),
    )
    return {key: int(value or 0) for key, value in counts.items()}


def page_wave_names(*, application_ids: list[int]) -> dict[int, str]:
    """The wave of each of these applications (a page of the portfolio): one query."""
    return dict(
        WaveAssignment.objects.filter(application_id__in=application_ids).values_list("application_id", "wave__name")
    )


def page_application_assessment(*, application: Application) -> dict[str, Any]:
    """Everything an application's assessment page shows, in a fixed number of queries."""
    decision = SixRDecision.objects.filter(application=application).first()
    review = DecisionReview.objects.filter(application=application).select_related("reviewed_by").first()
    effective = None
    if decision is not None:
        overridden = review is not None and review.status == ReviewStatus.OVERRIDDEN and review.strategy
        effective = review.strategy if overridden and review else decision.strategy
    servers = list(
        application.assets.filter(deleted_at__isnull=True)
        .select_related("server_assessment")
        .order_by(Lower("name"))[:500]
    )
    for server in servers:
        try:
            server.assessment = server.server_assessment  # type: ignore[attr-defined]
        except ServerAssessment.DoesNotExist:
            server.assessment = None  # type: ignore[attr-defined]
    server_ids = [server.pk for server in servers]
    severity = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    debt = sorted(
        TechDebtItem.objects.filter(engagement_id=application.engagement_id)
        .filter(Q(application=application) | Q(application__isnull=True, asset_id__in=server_ids))
        .select_related("asset")[:500],
        key=lambda item: (severity.get(item.severity, 9), item.eol_date or date.max, item.component),
    )
    alternatives = sorted(
        (decision.alternatives if decision else None) or [], key=lambda alt: -float(alt.get("score") or 0)
    )
    assignment = WaveAssignment.objects.filter(application=application).select_related("wave").first()
    history = list(
        change_list(
            engagement=application.engagement, object_type="application", object_id=application.pk
        ).select_related("user")[:50]
    )
    price_dates = [s.assessment.price_list_date for s in servers if s.assessment and s.assessment.price_list_date]  # type: ignore[attr-defined]
    return {
        "decision": decision,
        "review": review,
        "effective_strategy": effective,
        "alternatives": alternatives,
        "servers": servers,
        "debt_items": debt,
        "assignment": assignment,
        "history": history,
        "price_list_date": max(price_dates) if price_dates else None,
    }


PAGE_WAVES_PER_PAGE = 12


def _page_timeline(span_start: date, span_end: date, waves: list[Wave]) -> dict[str, Any]:
    """The Gantt chart of these waves across the whole plan: each bar's left edge and width in percent of the
    plan's span (placed by assessments-waves.js), and about a dozen date ticks."""
    days = max(1, (span_end - span_start).days + 1)

    def percent(day: date) -> float:
        return round(100 * (day - span_start).days / days, 3)

    bars = {
        wave.number: {
            "left": percent(wave.start),
            "width": max(0.4, round(100 * ((wave.end - wave.start).days + 1) / days, 3)),
        }
        for wave in waves
    }
    step = max(7, (days // 12 + 6) // 7 * 7)  # whole weeks, about twelve ticks
    ticks = [
        {
            "left": percent(span_start + timedelta(days=d)),
            "label": (span_start + timedelta(days=d)).strftime("%d %b %y"),
        }
        for d in range(0, days, step)
    ]
    return {"start": span_start, "end": span_end, "ticks": ticks, "bars": bars}


def page_broken_dependencies(*, engagement: Engagement, limit: int = 50) -> tuple[int, list[dict[str, Any]], set[int]]:
    """Dependencies the plan breaks (an application scheduled in an earlier wave than one it depends on; both
    directions of a bidirectional one), computed in the database: how many, the first `limit` with names and
    waves, and every application involved. The same rule as engine.waves.broken_dependencies."""
    deps = ApplicationDependency._meta.db_table
    apps = Application._meta.db_table
    assigned = WaveAssignment._meta.db_table
    waves = Wave._meta.db_table
    query = (
        f"WITH edge AS (SELECT source_id, target_id FROM {deps} WHERE engagement_id = %s "
        f"UNION ALL SELECT target_id, source_id FROM {deps} WHERE engagement_id = %s AND direction = 'bidirectional') "
        f"SELECT e.source_id, e.target_id, ws.number, wt.number, sa.name, ta.name FROM edge e "
        f"JOIN {assigned} xs ON xs.application_id = e.source_id JOIN {waves} ws ON ws.id = xs.wave_id "
        f"JOIN {assigned} xt ON xt.application_id = e.target_id JOIN {waves} wt ON wt.id = xt.wave_id "
        f"JOIN {apps} sa ON sa.id = e.source_id AND sa.deleted_at IS NULL "
        f"JOIN {apps} ta ON ta.id = e.target_id AND ta.deleted_at IS NULL "
        "WHERE ws.number < wt.number ORDER BY ws.number, lower(sa.name), lower(ta.name)"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [engagement.pk, engagement.pk])
        rows = cursor.fetchall()
    involved = {row[0] for row in rows} | {row[1] for row in rows}
    first = [
        {"source_name": sn, "target_name": tn, "source_wave": sw, "target_wave": tw}
        for _, _, sw, tw, sn, tn in rows[:limit]
    ]
    return len(rows), first, involved


def page_waves_board(
    *,
    engagement: Engagement,
    page: int = 1,
    per_page: int = PAGE_WAVES_PER_PAGE,
    apps_shown: int = PAGE_WAVE_APPS_SHOWN,
    check_dependencies: bool = True,
) -> dict[str, Any]:
    """The waves page: a page of waves with their first applications and counts, their Gantt bars across the
    whole plan, and the dependencies the plan breaks. A fixed number of queries, whatever the plan's size."""
    span = Wave.objects.filter(engagement=engagement).aggregate(
        count=Count("pk"), first=Min("start"), last=Max("end"), top=Max("number")
    )
    wave_count = span["count"] or 0
    pages = max(1, -(-wave_count // per_page))
    page = min(max(1, page), pages)
    numbers = list(
        Wave.objects.filter(engagement=engagement)
        .order_by("number")
        .values_list("number", flat=True)[(page - 1) * per_page : page * per_page]
    )
    views = waves_with_applications(engagement=engagement, numbers=numbers) if numbers else []
    broken_count, broken, involved = (
        page_broken_dependencies(engagement=engagement) if check_dependencies and views else (0, [], set())
    )
    timeline = _page_timeline(span["first"], span["last"], [v.wave for v in views]) if views else {}
    waves = []
    for view in views:
        for app in view.applications:
            app["broken"] = app["id"] in involved
        waves.append(
            {
                "number": view.wave.number,
                "name": view.wave.name,
                "start": view.wave.start,
                "end": view.wave.end,
                "is_pilot": view.wave.is_pilot,
                "apps": view.applications[:apps_shown],
                "more": max(0, len(view.applications) - apps_shown),
                "app_count": len(view.applications),
                "server_count": view.servers,
                "broken": any(app["broken"] for app in view.applications),
                **timeline["bars"][view.wave.number],
            }
        )
    totals = WaveAssignment.objects.filter(engagement=engagement, application__deleted_at__isnull=True).aggregate(
        applications=Count("pk", distinct=True),  # the join to the servers repeats an application per server
        servers=Count(
            "application__asset_links",
            filter=Q(application__asset_links__asset__deleted_at__isnull=True),
        ),
    )
    return {
        "waves": waves,
        "wave_count": wave_count,
        "wave_page": {"number": page, "count": pages, "previous": page - 1, "next": page + 1 if page < pages else 0},
        "last_wave_number": span["top"] or 0,
        "timeline": timeline,
        "broken": broken,
        "broken_count": broken_count,
        "totals": totals,
        "move_choices": sorted(
            ((app["id"], app["name"]) for w in waves for app in w["apps"]), key=lambda pair: str(pair[1]).lower()
        ),
    }


def page_dashboard_charts(*, engagement: Engagement) -> dict[str, Any] | None:
    """The engagement dashboard's charts (None before any decision), shaped for Chart.js."""
    summary = portfolio_summary(engagement=engagement)
    if not summary["applications"]:
        return None
    strategies = [(key, label) for key, label in Strategy.choices if summary["strategies"].get(key)]
    readiness = [(str(key), key.label) for key in READINESS_ORDER[::-1]]
    debt_rows = page_debt_table(engagement=engagement)
    return {
        "strategies": {
            "keys": [key for key, _ in strategies],
            "labels": [str(label) for _, label in strategies],
            "values": [summary["strategies"][key] for key, _ in strategies],
        },
        "readiness": {
            "keys": [key for key, _ in readiness],
            "labels": [str(label) for _, label in readiness],
            "values": [summary["readiness"].get(key, 0) for key, _ in readiness],
        },
        "debt": {
            "labels": [row["label"] for row in debt_rows],
            "series": [
                {
                    "label": str(label),
                    "colour": DEBT_STATUS_COLOURS[status],
                    "values": [row["values"][i] for row in debt_rows],
                }
                for i, (status, label) in enumerate(DebtStatus.choices)
            ],
        },
        "cost": {
            "labels": ["Now", "After migration"],
            "values": [summary["cost"]["monthly_now"], summary["cost"]["monthly_target"]],
            "currency": summary["cost"]["currency"],
        },
        "waves": {
            "labels": [f"{w['name']} ({w['start']})" for w in summary["wave_timeline"]],
            "applications": [w["applications"] for w in summary["wave_timeline"]],
            "servers": [w["servers"] for w in summary["wave_timeline"]],
        },
        "totals": {
            "applications": summary["applications"],
            "servers": sum(summary["readiness"].values()),
            "debt": sum(row["total"] for row in debt_rows),
            "waves": summary["waves"],
            "cost_now": summary["cost"]["monthly_now"],
            "cost_target": summary["cost"]["monthly_target"],
        },
    }


def page_debt_table(*, engagement: Engagement) -> list[dict[str, Any]]:
    """Tech debt counted by category (rows) and status (columns): one query."""
    counts = {
        (category, status): n
        for category, status, n in TechDebtItem.objects.filter(engagement=engagement)
        .values_list("category", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows = []
    for category, label in DebtCategory.choices:
        values = [counts.get((category, status), 0) for status in DebtStatus.values]
        if any(values):
            rows.append({"key": category, "label": str(label), "values": values, "total": sum(values)})
    return rows


def page_report(*, engagement: Engagement) -> dict[str, Any]:
    """The printable report: the summary, the decisions (the first PAGE_REPORT_ROWS by name), waves, debt."""
    rows = decision_list(engagement=engagement)
    decisions = list(rows[:PAGE_REPORT_ROWS])
    count = len(decisions) if len(decisions) < PAGE_REPORT_ROWS else rows.count()
    waves = page_wave_names(application_ids=[d.application_id for d in decisions])
    for decision in decisions:
        decision.wave_name = waves.get(decision.application_id, "")  # type: ignore[attr-defined]
    summary = portfolio_summary(engagement=engagement)
    person_days = SixRDecision.objects.filter(engagement=engagement).aggregate(n=Sum("person_days"))["n"] or 0
    board = page_waves_board(engagement=engagement, per_page=10_000, apps_shown=200, check_dependencies=False)
    return {
        "assessment": assessment_latest(engagement=engagement),
        "decisions": decisions,
        "decision_count": count,
        "decisions_truncated": count > len(decisions),
        "summary": {
            "strategies": [{"key": k, "count": n} for k, n in summary["strategies"].items() if n],
            "readiness": [{"key": k, "count": n} for k, n in summary["readiness"].items() if n],
            "cost_now": summary["cost"]["monthly_now"],
            "cost_target": summary["cost"]["monthly_target"],
            "person_days": person_days,
        },
        "waves": board["waves"],
        "debt": page_debt_table(engagement=engagement),
        "debt_statuses": DebtStatus.choices,
    }
