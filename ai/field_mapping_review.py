"""The field mapping review crew: an agent checks the mapping engine's suggestion for each column.

For the imports app's field_mapping phase:

    from ai.crews import CallContext
    from ai.field_mapping_review import ColumnSuggestion, field_mapping_review

    result = field_mapping_review(
        columns=[ColumnSuggestion(source="Host Name", target="hostname", confidence=0.8, samples=["web01"])],
        target_fields=canonical_field_names,
        context=CallContext(engagement_id=engagement.pk, flow_id=flow.pk, phase="field_mapping"),
    )
    result.output.mappings  # one per column, in the input's order; result.source says llm or engine

Without an LLM, or when its answer fails, the engine's suggestions come back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, Field

from .crews import AgentSpec, CallContext, CrewJob, CrewResult, TaskSpec, run_crew


class ColumnSuggestion(BaseModel):
    """A source column with what the deterministic engine proposes for it (target None: unmapped)."""

    source: str
    target: str | None
    confidence: float = Field(ge=0, le=1)
    reason: str = ""
    samples: list[str] = Field(default_factory=list)


class ReviewedMapping(BaseModel):
    source: str
    target: str | None
    confidence: float = Field(ge=0, le=1)
    reason: str


class FieldMappingReview(BaseModel):
    mappings: list[ReviewedMapping]


def _check(review: FieldMappingReview, inputs: Mapping[str, Any]) -> str | None:
    """The answer must cover exactly the input's columns and use only known target fields."""
    expected = [column["source"] for column in inputs["columns"]]
    answered = [mapping.source for mapping in review.mappings]
    if sorted(answered) != sorted(expected):
        return f"The answer covers columns {answered}, not {expected}."
    allowed = set(inputs["target_fields"])
    unknown = sorted({m.target for m in review.mappings if m.target is not None and m.target not in allowed})
    if unknown:
        return f"The answer uses unknown target fields: {', '.join(unknown)}."
    return None


def field_mapping_review_job(*, tools: Sequence[Callable[..., Any]] = ()) -> CrewJob[FieldMappingReview]:
    """The job; `tools` are engine functions the agent may call (a docstring and type hints each)."""
    return CrewJob(
        name="field_mapping_review",
        output_model=FieldMappingReview,
        agents=[
            AgentSpec(
                key="reviewer",
                role="Data mapping reviewer",
                goal="Confirm or correct how each column of a server inventory maps to the canonical asset fields.",
                backstory=(
                    "You have cleaned hundreds of CMDB extracts and RVTools workbooks for cloud migrations. "
                    "You keep the engine's suggestion unless the column name or its sample values show it is wrong."
                ),
                tools=tools,
            )
        ],
        tasks=[
            TaskSpec(
                agent="reviewer",
                description=(
                    "Review the mapping engine's suggestion for each source column.\n"
                    "Columns with the engine's suggestion, confidence and sample values:\n{columns}\n"
                    "Allowed target fields (use null for a column that maps to none):\n{target_fields}\n"
                    "Answer for every column exactly once, keeping its source name."
                ),
                expected_output=(
                    "JSON with `mappings`: one object per column with `source`, `target` (an allowed field or "
                    "null), `confidence` between 0 and 1, and a one-sentence `reason`."
                ),
            )
        ],
        check=_check,
    )


def engine_answer(columns: Sequence[ColumnSuggestion]) -> FieldMappingReview:
    return FieldMappingReview(
        mappings=[
            ReviewedMapping(
                source=c.source,
                target=c.target,
                confidence=c.confidence,
                reason=c.reason or "Suggested by the mapping engine.",
            )
            for c in columns
        ]
    )


def field_mapping_review(
    *,
    columns: Sequence[ColumnSuggestion],
    target_fields: Sequence[str],
    context: CallContext,
    tools: Sequence[Callable[..., Any]] = (),
) -> CrewResult[FieldMappingReview]:
    """Review the engine's suggestions with the LLM; the engine's answer stands when that fails.

    The mappings come back in the order of `columns`, whatever order the LLM answered in.
    """
    inputs = {
        "columns": [column.model_dump(mode="json") for column in columns],
        "target_fields": sorted(target_fields),
    }
    result = run_crew(
        field_mapping_review_job(tools=tools),
        inputs,
        deterministic=lambda: engine_answer(columns),
        context=context,
    )
    order = {column.source: index for index, column in enumerate(columns)}
    result.output.mappings.sort(key=lambda mapping: order.get(mapping.source, len(order)))
    return result
