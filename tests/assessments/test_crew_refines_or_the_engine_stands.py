"""The 6R crew, run for real through crewai against the local stub LLM (never a provider): a valid answer refines
the engine's decision and writes the rationale (source 'llm'); a malformed answer or a timeout leaves the engine's
decision as it was (source 'engine'), and says why in the evidence."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import schema_context

from ai.models import LLMCall
from assessments.models import SixRDecision
from inventory.models import Application
from tests.ai.stub_llm import StubLLM
from tests.assessments.backend_data import Estate, assess

RATIONALE = (
    "Billing runs Java 8 and Spring 4 on Windows Server 2008 R2, all past their end of life, and the business "
    "invests in it: rewriting it as services on a managed platform pays back."
)


@pytest.fixture
def llm(settings: Any) -> Iterator[StubLLM]:
    with StubLLM() as stub:
        settings.LLM_MODEL = "stub-org/stub-model"
        settings.LLM_API_BASE = stub.base_url
        settings.LLM_API_KEY = "test"
        settings.LLM_TIMEOUT_SECONDS = 0.5
        settings.LLM_CREW_TIMEOUT_SECONDS = 3
        settings.SIXR_CREW_MAX_APPS = 1  # only the least certain decision (Billing's) goes to the crew
        yield stub


def _unique_billing(estate: Estate) -> None:
    """A name of its own, so that no other test's cached answer is served."""
    Application.objects.filter(pk=estate.apps["Billing"].pk).update(name=f"Billing {secrets.token_hex(3)}")


def test_a_valid_answer_refines_the_decision_and_writes_the_rationale(estate: Estate, llm: StubLLM) -> None:
    llm.answer_json({"strategy": "refactor", "confidence": 0.82, "rationale": RATIONALE})
    with schema_context(estate.schema):
        _unique_billing(estate)
        assess(estate, approve=False)
        billing = SixRDecision.objects.get(application=estate.apps["Billing"])
        others = SixRDecision.objects.exclude(pk=billing.pk).filter(engagement=estate.engagement)

        assert (billing.strategy, billing.source, billing.confidence) == ("refactor", "llm", 0.82)
        assert billing.rationale == RATIONALE
        assert "replatform" in {alt["strategy"] for alt in billing.alternatives}  # the engine's choice
        assert "refactor" not in {alt["strategy"] for alt in billing.alternatives}
        assert any("6R crew changed the engine's replatform to refactor" in line for line in billing.evidence)
        assert {d.source for d in others} == {"engine"}
        assert LLMCall.objects.filter(engagement_id=estate.engagement.pk, phase="sixr", outcome="ok").exists()
    assert llm.completions  # the crew really called the stub over HTTP


def test_a_malformed_answer_keeps_the_engines_decision(estate: Estate, llm: StubLLM) -> None:
    llm.answer_text("Refactor it, I think.")
    with schema_context(estate.schema):
        _unique_billing(estate)
        assess(estate, approve=False)
        billing = SixRDecision.objects.get(application=estate.apps["Billing"])

        assert (billing.strategy, billing.source) == ("replatform", "engine")
        assert billing.rationale.startswith("Replatform with")
        assert any("6R crew not used: The LLM's answer did not validate" in line for line in billing.evidence)


def test_a_strategy_outside_the_six_is_refused(estate: Estate, llm: StubLLM) -> None:
    llm.answer_json({"strategy": "rewrite", "confidence": 0.9, "rationale": RATIONALE})
    with schema_context(estate.schema):
        _unique_billing(estate)
        assess(estate, approve=False)
        billing = SixRDecision.objects.get(application=estate.apps["Billing"])

        assert (billing.strategy, billing.source) == ("replatform", "engine")


def test_a_timeout_keeps_the_engines_decision(estate: Estate, llm: StubLLM) -> None:
    llm.delay(3)
    with schema_context(estate.schema):
        _unique_billing(estate)
        assess(estate, approve=False)
        billing = SixRDecision.objects.get(application=estate.apps["Billing"])

        assert (billing.strategy, billing.source) == ("replatform", "engine")
        assert any("timed out" in line for line in billing.evidence)
        assert LLMCall.objects.filter(engagement_id=estate.engagement.pk, outcome="timeout").exists()
