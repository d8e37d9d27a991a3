"""Badges and numbers of the assessment pages: one place decides how a strategy or a readiness looks."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from assessments.models import Effort, Readiness, Strategy

register = template.Library()

STRATEGY_ICONS = {
    Strategy.REHOST: "bi-box-arrow-up-right",
    Strategy.REPLATFORM: "bi-layers",
    Strategy.REFACTOR: "bi-code-slash",
    Strategy.REPURCHASE: "bi-cart",
    Strategy.RETIRE: "bi-archive",
    Strategy.RETAIN: "bi-house-lock",
}


@register.simple_tag
def strategy_badge(strategy: str | None) -> str:
    if not strategy:
        return format_html('<span class="text-body-secondary">—</span>')
    label = Strategy(strategy).label if strategy in Strategy.values else strategy
    return format_html(
        '<span class="badge strategy-{}" data-strategy="{}"><i class="bi {}"></i> {}</span>',
        strategy,
        strategy,
        STRATEGY_ICONS.get(strategy, "bi-question"),  # type: ignore[call-overload]
        label,
    )


@register.simple_tag
def readiness_badge(readiness: str | None) -> str:
    if not readiness:
        return format_html('<span class="text-body-secondary">—</span>')
    label = Readiness(readiness).label if readiness in Readiness.values else readiness
    return format_html('<span class="badge readiness-{}" data-readiness="{}">{}</span>', readiness, readiness, label)


@register.filter
def percent(value: float | str | None) -> str:
    if value is None or value == "":
        return "—"
    return f"{round(float(value) * 100)}%"


@register.filter
def effort_label(value: str | None) -> str:
    if not value:
        return "—"
    return str(Effort(value).label) if value in Effort.values else value


@register.filter
def money(value: float | str | None) -> str:
    # A missing object in the template (no server assessment yet) arrives as "".
    if value is None or value == "":
        return "—"
    return f"{float(value):,.0f}"


@register.filter
def strategy_label(value: str | None) -> str:
    if not value:
        return "—"
    return str(Strategy(value).label) if value in Strategy.values else value


@register.filter
def percent_number(value: float | str | None) -> int:
    return 0 if value is None or value == "" else round(float(value) * 100)


@register.simple_tag
def product_version(product: str, version: str) -> str:
    """A debt item's component as people write it: "windows_server", "2008.2" -> "Windows Server 2008 R2"."""
    from assessments.engine.versions import PRODUCT_LABELS, display_version

    label = PRODUCT_LABELS.get(product, product)
    return f"{label} {display_version(product, version)}".strip() if version else label
