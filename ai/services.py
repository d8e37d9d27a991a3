"""Writes of the AI runtime: the usage log and the answer cache (Django's cache, per client by its key)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from .models import LLMCall

CACHE_PREFIX = "ai:answer:"


def llm_call_log(
    *,
    engagement_id: int | None,
    flow_id: int | None,
    phase: str,
    job: str,
    model: str,
    prompt_hash: str,
    outcome: str,
    prompt_tokens: int = 0,
    completion_tokens: int = 0,
    latency_ms: int = 0,
    error: str = "",
) -> LLMCall:
    return LLMCall.objects.create(
        engagement_id=engagement_id,
        flow_id=flow_id,
        phase=phase[:64],
        job=job[:64],
        model=model[:200],
        prompt_hash=prompt_hash,
        outcome=outcome,
        prompt_tokens=max(prompt_tokens, 0),
        completion_tokens=max(completion_tokens, 0),
        latency_ms=max(latency_ms, 0),
        error=error,
    )


def answer_cache_get(*, prompt_hash: str) -> Any | None:
    return cache.get(CACHE_PREFIX + prompt_hash)


def answer_cache_set(*, prompt_hash: str, answer: Any, ttl: int) -> None:
    cache.set(CACHE_PREFIX + prompt_hash, answer, timeout=ttl)
