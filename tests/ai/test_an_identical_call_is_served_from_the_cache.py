from __future__ import annotations

from django_tenants.utils import schema_context

from ai.models import Outcome
from engagements.models import Engagement
from tests.ai.conftest import columns, llm_answer, logged, review
from tests.ai.stub_llm import StubLLM


def test_the_second_identical_review_makes_no_request_and_is_logged_as_cached(
    llm_on: StubLLM, in_acme: Engagement
) -> None:
    cols = columns()
    llm_on.answer_json(llm_answer(cols))

    first = review(in_acme, cols)
    second = review(in_acme, cols)

    assert len(llm_on.completions) == 1
    assert second.source == "llm" and second.cached
    assert second.output == first.output
    calls = logged(in_acme)
    assert [call.outcome for call in calls] == [Outcome.OK, Outcome.CACHED]
    assert calls[1].prompt_hash == calls[0].prompt_hash
    assert (calls[1].prompt_tokens, calls[1].completion_tokens) == (0, 0)


def test_a_rejected_answer_is_not_cached(llm_on: StubLLM, in_acme: Engagement) -> None:
    cols = columns()
    llm_on.answer_text("not json").answer_json(llm_answer(cols))

    assert review(in_acme, cols).source == "engine"
    assert review(in_acme, cols).source == "llm"
    assert len(llm_on.completions) == 2


def test_each_client_has_its_own_cache(llm_on: StubLLM, in_acme: Engagement) -> None:
    cols = columns()
    llm_on.answer_json(llm_answer(cols))
    review(in_acme, cols)

    with schema_context("globex"):
        other = Engagement.objects.create(name="Globex engagement")
        result = review(other, cols)

    assert not result.cached
    assert len(llm_on.completions) == 2
