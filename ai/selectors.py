"""Reads of the AI runtime: the usage log with its totals, and which mode the platform runs in."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet, Sum

from .llm import llm_config
from .models import FAILURES, LLMCall, Outcome

SORTS = {
    "created_at",
    "-created_at",
    "latency_ms",
    "-latency_ms",
    "prompt_tokens",
    "-prompt_tokens",
    "completion_tokens",
    "-completion_tokens",
    "outcome",
    "-outcome",
    "phase",
    "-phase",
}


@dataclass(frozen=True)
class AiMode:
    uses_llm: bool
    model: str = ""
    host: str = ""

    @property
    def label(self) -> str:
        return f"LLM: {self.model}" if self.uses_llm else "Deterministic only"


@dataclass(frozen=True)
class UsageTotals:
    calls: int
    prompt_tokens: int
    completion_tokens: int
    average_latency_ms: int
    cache_hits: int
    failures: int

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    @property
    def cache_hit_rate(self) -> float:
        """Share of answers served from the cache, between 0 and 1."""
        return self.cache_hits / self.calls if self.calls else 0.0


def ai_mode() -> AiMode:
    config = llm_config()
    if config is None:
        return AiMode(uses_llm=False)
    return AiMode(uses_llm=True, model=config.model, host=config.host)


def llm_call_list(
    *,
    engagement_id: int | None = None,
    flow_id: int | None = None,
    phase: str = "",
    outcome: str = "",
    sort: str = "-created_at",
) -> QuerySet[LLMCall]:
    qs = LLMCall.objects.all()
    if engagement_id is not None:
        qs = qs.filter(engagement_id=engagement_id)
    if flow_id is not None:
        qs = qs.filter(flow_id=flow_id)
    if phase:
        qs = qs.filter(phase=phase)
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs.order_by(sort if sort in SORTS else "-created_at", "-pk")


def llm_call_totals(*, calls: QuerySet[LLMCall]) -> UsageTotals:
    """Totals of `calls`; the average latency leaves out cache hits, which never reached the LLM."""
    figures = calls.order_by().aggregate(
        calls=Count("pk"),
        prompt_tokens=Sum("prompt_tokens"),
        completion_tokens=Sum("completion_tokens"),
        average_latency=Avg("latency_ms", filter=~Q(outcome=Outcome.CACHED)),
        cache_hits=Count("pk", filter=Q(outcome=Outcome.CACHED)),
        failures=Count("pk", filter=Q(outcome__in=FAILURES)),
    )
    return UsageTotals(
        calls=figures["calls"],
        prompt_tokens=figures["prompt_tokens"] or 0,
        completion_tokens=figures["completion_tokens"] or 0,
        average_latency_ms=round(figures["average_latency"] or 0),
        cache_hits=figures["cache_hits"],
        failures=figures["failures"],
    )
