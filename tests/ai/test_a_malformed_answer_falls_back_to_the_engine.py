from __future__ import annotations

from ai.models import Outcome
from engagements.models import Engagement
from tests.ai.conftest import columns, logged, review
from tests.ai.stub_llm import StubLLM


def test_prose_instead_of_json_keeps_the_engines_suggestions(llm_on: StubLLM, in_acme: Engagement) -> None:
    cols = columns()
    llm_on.answer_text("I would map Host to hostname, I think.")

    result = review(in_acme, cols)

    assert result.source == "engine"
    assert "did not validate" in result.reason
    assert [(m.source, m.target) for m in result.output.mappings] == [(c.source, c.target) for c in cols]
    [call] = logged(in_acme)
    assert call.outcome == Outcome.INVALID and call.error
    assert call.prompt_tokens > 0  # the answer arrived and was paid for, it just was not usable


def test_an_answer_that_skips_a_column_is_rejected(llm_on: StubLLM, in_acme: Engagement) -> None:
    cols = columns()
    llm_on.answer_json({"mappings": [{"source": cols[0].source, "target": "hostname", "confidence": 1, "reason": "x"}]})

    result = review(in_acme, cols)

    assert result.source == "engine" and cols[1].source in result.reason
    assert [call.outcome for call in logged(in_acme)] == [Outcome.INVALID]


def test_an_answer_with_an_unknown_target_field_is_rejected(llm_on: StubLLM, in_acme: Engagement) -> None:
    cols = columns()
    llm_on.answer_json(
        {
            "mappings": [
                {"source": cols[0].source, "target": "hostname", "confidence": 1, "reason": "x"},
                {"source": cols[1].source, "target": "favourite_colour", "confidence": 1, "reason": "x"},
            ]
        }
    )

    result = review(in_acme, cols)

    assert result.source == "engine" and "favourite_colour" in result.reason
