from __future__ import annotations

from django.db import models
from django.utils import timezone


class Outcome(models.TextChoices):
    OK = "ok", "OK"
    ERROR = "error", "Error"
    TIMEOUT = "timeout", "Timeout"
    INVALID = "invalid", "Invalid answer"
    CACHED = "cached", "Cached"


FAILURES = (Outcome.ERROR, Outcome.TIMEOUT, Outcome.INVALID)


class LLMCall(models.Model):
    """One request to the LLM (or one answer served from the cache), in the client's schema.

    Engagement, flow and phase are plain values, not foreign keys: the runtime must not depend on the
    flow orchestrator, and the log outlives what it describes.
    """

    engagement_id = models.BigIntegerField(null=True, blank=True)
    flow_id = models.BigIntegerField(null=True, blank=True)
    phase = models.CharField(max_length=64, blank=True)
    job = models.CharField(max_length=64, blank=True, help_text="The crew that made the call.")
    model = models.CharField(max_length=200)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    latency_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    error = models.TextField(blank=True)
    prompt_hash = models.CharField(max_length=64, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["engagement_id", "-created_at"], name="ai_llmcall_engagement_idx"),
            models.Index(fields=["flow_id"], name="ai_llmcall_flow_idx"),
        ]
        verbose_name = "LLM call"

    def __str__(self) -> str:
        return f"{self.model} {self.outcome} at {self.created_at:%Y-%m-%d %H:%M:%S}"

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens
