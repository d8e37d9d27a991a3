from __future__ import annotations

from ai.crews import CallContext
from ai.field_mapping_review import field_mapping_review
from ai.llm import llm_config
from ai.models import LLMCall
from engagements.models import Engagement
from tests.ai.conftest import TARGETS, columns
from tests.ai.stub_llm import StubLLM


def test_no_model_means_deterministic_only(llm_off: None) -> None:
    assert llm_config() is None


def test_a_model_without_a_key_means_deterministic_only(llm_on: StubLLM, settings: object) -> None:
    settings.LLM_API_KEY = ""  # type: ignore[attr-defined]
    assert llm_config() is None


def test_the_engine_answers_without_any_http_call_or_log(stub: StubLLM, llm_off: None, in_acme: Engagement) -> None:
    cols = columns()
    stub.answer_json({"mappings": []})

    result = field_mapping_review(columns=cols, target_fields=TARGETS, context=CallContext(engagement_id=in_acme.pk))

    assert result.source == "engine" and "No LLM" in result.reason
    assert [(m.source, m.target, m.confidence) for m in result.output.mappings] == [
        (c.source, c.target, c.confidence) for c in cols
    ]
    assert stub.requests == []
    assert not LLMCall.objects.exists()
