from __future__ import annotations

import time

from ai.models import Outcome
from engagements.models import Engagement
from tests.ai.conftest import columns, logged, review
from tests.ai.stub_llm import StubLLM


def test_a_server_error_keeps_the_engines_suggestions(llm_on: StubLLM, in_acme: Engagement) -> None:
    cols = columns()
    llm_on.fail(500)

    result = review(in_acme, cols)

    assert result.source == "engine" and "failed" in result.reason
    assert [m.target for m in result.output.mappings] == [c.target for c in cols]
    assert len(llm_on.completions) == 1  # no hidden retries: the engine is the fallback
    [call] = logged(in_acme)
    assert call.outcome == Outcome.ERROR and "HTTP 500" in call.error


def test_a_slow_server_times_out_and_keeps_the_engines_suggestions(llm_on: StubLLM, in_acme: Engagement) -> None:
    cols = columns()
    llm_on.delay(3)  # the test settings allow 0.5 s per request

    started = time.monotonic()
    result = review(in_acme, cols)

    assert time.monotonic() - started < 2.5
    assert result.source == "engine" and "timed out" in result.reason
    [call] = logged(in_acme)
    assert call.outcome == Outcome.TIMEOUT
    assert 400 <= call.latency_ms < 2500


def test_an_unreachable_server_keeps_the_engines_suggestions(
    llm_on: StubLLM, in_acme: Engagement, settings: object
) -> None:
    settings.LLM_API_BASE = "http://127.0.0.1:9/v1"  # type: ignore[attr-defined]  # the discard port: refused

    result = review(in_acme, columns())

    assert result.source == "engine"
    assert [call.outcome for call in logged(in_acme)] == [Outcome.ERROR]
