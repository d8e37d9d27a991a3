from __future__ import annotations

from django import template

from ai import selectors

register = template.Library()


@register.inclusion_tag("ai/_mode_badge.html")
def ai_mode_badge() -> dict[str, object]:
    """Whether engagements run with an LLM or on the deterministic engines alone."""
    return {"ai_mode": selectors.ai_mode()}
