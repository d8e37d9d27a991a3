from __future__ import annotations

import json

from ai.crews import CallContext
from ai.field_mapping_review import field_mapping_review
from ai.models import Outcome
from engagements.models import Engagement
from tests.ai.conftest import TARGETS, columns, llm_answer, logged
from tests.ai.stub_llm import StubLLM


def test_the_agent_calls_an_engine_function_and_answers_with_its_result(llm_on: StubLLM, in_acme: Engagement) -> None:
    asked: list[str] = []

    def describe_target_field(name: str) -> str:
        """Describe a canonical asset field: what it holds and an example value."""
        asked.append(name)
        return f"{name}: the operating system and version, e.g. 'RHEL 8'"

    cols = columns()
    llm_on.call_tool("describe_target_field", {"name": "operating_system"}).answer_json(llm_answer(cols))

    result = field_mapping_review(
        columns=cols,
        target_fields=TARGETS,
        context=CallContext(engagement_id=in_acme.pk),
        tools=[describe_target_field],
    )

    assert asked == ["operating_system"]
    assert result.source == "llm"
    first, second = llm_on.completions
    assert [tool["function"]["name"] for tool in first.body["tools"]] == ["describe_target_field"]
    assert "the operating system and version" in json.dumps(second.body["messages"])
    assert [call.outcome for call in logged(in_acme)] == [Outcome.OK, Outcome.OK]
