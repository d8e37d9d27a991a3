"""Crews run for real through crewai against `StubLLM`, a local OpenAI-compatible server; never a provider."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import schema_context

from ai.crews import CallContext, CrewResult
from ai.field_mapping_review import ColumnSuggestion, FieldMappingReview, field_mapping_review
from ai.models import LLMCall
from engagements.models import Engagement
from tests.ai.stub_llm import StubLLM

TARGETS = ["hostname", "ip_address", "operating_system", "cpu_count", "memory_gb"]
MODEL = "stub-org/stub-model"


@pytest.fixture
def stub() -> Iterator[StubLLM]:
    with StubLLM() as server:
        yield server


@pytest.fixture
def llm_on(settings: Any, stub: StubLLM) -> StubLLM:
    """An LLM configured at the stub, with short limits so failure tests stay fast."""
    settings.LLM_MODEL = MODEL
    settings.LLM_API_BASE = stub.base_url
    settings.LLM_API_KEY = "test"
    settings.LLM_TIMEOUT_SECONDS = 0.5
    settings.LLM_CREW_TIMEOUT_SECONDS = 3
    return stub


@pytest.fixture
def llm_off(settings: Any) -> None:
    settings.LLM_MODEL = ""
    settings.LLM_API_KEY = ""


@pytest.fixture
def in_acme(db: None) -> Iterator[Engagement]:
    """Inside Acme's schema, with an engagement to log calls against."""
    with schema_context("acme"):
        yield Engagement.objects.create(name="Datacentre exit " + secrets.token_hex(3))


def columns() -> list[ColumnSuggestion]:
    """Columns whose names are new in every test, so no test meets another's cached answer."""
    tag = secrets.token_hex(3)
    return [
        ColumnSuggestion(source=f"Host {tag}", target="hostname", confidence=0.9, samples=["web01"]),
        ColumnSuggestion(source=f"OS {tag}", target=None, confidence=0.2, samples=["RHEL 8"]),
    ]


def llm_answer(cols: list[ColumnSuggestion]) -> dict[str, Any]:
    """What a helpful LLM says: it keeps the host column and maps the OS column the engine missed."""
    return {
        "mappings": [
            {"source": cols[1].source, "target": "operating_system", "confidence": 0.95, "reason": "RHEL is an OS."},
            {"source": cols[0].source, "target": "hostname", "confidence": 0.9, "reason": "Host names."},
        ]
    }


def review(engagement: Engagement, cols: list[ColumnSuggestion]) -> CrewResult[FieldMappingReview]:
    return field_mapping_review(
        columns=cols,
        target_fields=TARGETS,
        context=CallContext(engagement_id=engagement.pk, flow_id=7, phase="field_mapping"),
    )


def logged(engagement: Engagement) -> list[LLMCall]:
    return list(LLMCall.objects.filter(engagement_id=engagement.pk).order_by("pk"))


def make_calls(engagement: Engagement, outcomes: list[str], **fields: Any) -> list[LLMCall]:
    """Log rows as the runtime would write them (in the current schema): 100 in, 20 out, 200 ms each."""
    return [
        LLMCall.objects.create(
            engagement_id=engagement.pk,
            flow_id=fields.get("flow_id", 3),
            phase=fields.get("phase", "classification"),
            job="asset_classification",
            model=MODEL,
            prompt_tokens=0 if outcome == "cached" else 100,
            completion_tokens=0 if outcome == "cached" else 20,
            latency_ms=5 if outcome == "cached" else 200,
            outcome=outcome,
            prompt_hash="a" * 64,
        )
        for outcome in outcomes
    ]
