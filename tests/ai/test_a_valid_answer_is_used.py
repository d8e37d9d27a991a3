from __future__ import annotations

from ai.models import Outcome
from engagements.models import Engagement
from tests.ai.conftest import MODEL, columns, llm_answer, logged, review
from tests.ai.stub_llm import COMPLETION_TOKENS, PROMPT_TOKENS, StubLLM


def test_the_llms_answer_is_used_in_the_order_of_the_columns(llm_on: StubLLM, in_acme: Engagement) -> None:
    cols = columns()
    llm_on.answer_json(llm_answer(cols))

    result = review(in_acme, cols)

    assert result.source == "llm" and not result.cached
    assert [(m.source, m.target) for m in result.output.mappings] == [
        (cols[0].source, "hostname"),
        (cols[1].source, "operating_system"),
    ]


def test_it_talks_to_the_configured_endpoint_over_openai_chat_completions(llm_on: StubLLM, in_acme: Engagement) -> None:
    cols = columns()
    llm_on.answer_json(llm_answer(cols))

    review(in_acme, cols)

    [request] = llm_on.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["Authorization"] == "Bearer test"
    assert request.body["model"] == MODEL
    prompt = " ".join(str(message["content"]) for message in request.body["messages"])
    assert cols[1].source in prompt and "operating_system" in prompt


def test_the_call_is_logged_with_the_tokens_the_server_reported(llm_on: StubLLM, in_acme: Engagement) -> None:
    cols = columns()
    llm_on.answer_json(llm_answer(cols))

    result = review(in_acme, cols)

    [call] = logged(in_acme)
    assert call.outcome == Outcome.OK
    assert (call.prompt_tokens, call.completion_tokens) == (PROMPT_TOKENS, COMPLETION_TOKENS)
    assert (call.flow_id, call.phase, call.job, call.model) == (7, "field_mapping", "field_mapping_review", MODEL)
    assert call.prompt_hash == result.prompt_hash and len(call.prompt_hash) == 64
    assert call.latency_ms >= 0 and call.error == ""
