"""The 6R crew: an agent reviews the scoring engine's recommendation for an application and writes the rationale.

The engine decides first (engine/sixr.py, no LLM). When an LLM is configured, the crew sees the application's
facts, the engine's strategy, evidence and alternative scores, and may keep or change the strategy; its answer
must be one of the six strategies with a confidence and a rationale, or the engine's answer stands (source
'engine'). Only the least certain decisions go to the crew (SIXR_CREW_MAX_APPS, default 25 per run): an LLM
call per application of a 10,000-application portfolio would take hours.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.conf import settings
from pydantic import BaseModel, Field

from ai.crews import AgentSpec, CallContext, CrewJob, CrewResult, TaskSpec, run_crew
from ai.llm import llm_config

from .engine.facts import STRATEGIES

DEFAULT_CREW_MAX_APPS = 25

StrategyName = Literal["rehost", "replatform", "refactor", "repurchase", "retire", "retain"]


class SixRAnswer(BaseModel):
    strategy: StrategyName
    confidence: float = Field(ge=0, le=1)
    rationale: str = Field(min_length=10, max_length=4000)


def end_of_life_lookup(product: str, version: str) -> str:
    """Look up a product version (e.g. "java", "8" or "windows_server", "2008") in the platform's dated
    end-of-life catalogue; returns its end-of-support and end-of-life dates, or says it is not catalogued."""
    from .engine.catalogue import lookup

    entry = lookup(product, version)
    if entry is None:
        return f"{product} {version} is not in the catalogue."
    extended = f", extended support until {entry.extended_support}" if entry.extended_support else ""
    return f"{entry.label} {entry.cycle}: end of support {entry.end_of_support or 'not announced'}{extended}."


def _check(answer: SixRAnswer, inputs: Mapping[str, Any]) -> str | None:
    if answer.strategy not in STRATEGIES:
        return f"'{answer.strategy}' is not one of the 6Rs."
    return None


def sixr_job() -> CrewJob[SixRAnswer]:
    return CrewJob(
        name="sixr_strategy",
        output_model=SixRAnswer,
        agents=[
            AgentSpec(
                key="strategist",
                role="Cloud migration strategist",
                goal="Choose the 6R strategy a consultant can defend for one application, and explain it.",
                backstory=(
                    "You have assessed thousands of applications for cloud migrations. You start from the scoring "
                    "engine's recommendation and its evidence, and change it only when the facts clearly call for "
                    "another strategy."
                ),
                tools=[end_of_life_lookup],
            )
        ],
        tasks=[
            TaskSpec(
                agent="strategist",
                description=(
                    "Application facts:\n{application}\n"
                    "The scoring engine recommends: {recommendation}\n"
                    "The engagement's target cloud is {target_cloud}. Keep or change the strategy, and write a "
                    "rationale of two to four sentences that cites the facts."
                ),
                expected_output=(
                    "JSON with `strategy` (one of rehost, replatform, refactor, repurchase, retire, retain), "
                    "`confidence` between 0 and 1 and `rationale`."
                ),
            )
        ],
        check=_check,
    )


def sixr_crew_limit() -> int:
    """How many decisions the crew reviews per run: none without an LLM."""
    if llm_config() is None:
        return 0
    return max(0, int(getattr(settings, "SIXR_CREW_MAX_APPS", DEFAULT_CREW_MAX_APPS)))


def _facts_of(app: Any) -> dict[str, Any]:
    return {
        name: getattr(app, name)
        for name in (
            "name",
            "app_type",
            "business_criticality",
            "lifecycle",
            "users",
            "languages",
            "frameworks",
            "databases",
            "middleware",
            "vendor",
            "data_classification",
            "compliance",
            "dependencies_out",
            "dependencies_in",
        )
    }


def sixr_review(
    *, app: Any, recommendation: Mapping[str, Any], target_cloud: str, context: CallContext
) -> CrewResult[SixRAnswer]:
    """The crew's answer for one application, or the engine's (source 'engine') when the LLM path fails."""
    inputs = {
        "application": _facts_of(app),
        "recommendation": {
            "strategy": recommendation["strategy"],
            "confidence": recommendation["confidence"],
            "evidence": recommendation["evidence"],
            "alternatives": recommendation["alternatives"],
        },
        "target_cloud": target_cloud,
    }
    engine = SixRAnswer(
        strategy=recommendation["strategy"],
        confidence=recommendation["confidence"],
        rationale=recommendation["rationale"],
    )
    return run_crew(sixr_job(), inputs, deterministic=lambda: engine, context=context)


def sixr_refine(*, item: dict[str, Any], engagement_id: int, flow_id: int | None, target_cloud: str = "") -> bool:
    """Apply the crew's answer to one decision being written (a dict of the sixr phase); True if the LLM answered.

    When the crew picks another strategy, the engine's choice joins the alternatives (with the engine's
    confidence as its score) and the crew's strategy leaves them, so the five alternatives stay the others.
    """
    result = sixr_review(
        app=item["app"],
        recommendation=item,
        target_cloud=target_cloud,
        context=CallContext(engagement_id=engagement_id, flow_id=flow_id, phase="sixr"),
    )
    if result.source != "llm":
        item["evidence"] = [*item["evidence"], f"6R crew not used: {result.reason}"[:500]]
        return False
    answer = result.output
    if answer.strategy != item["strategy"]:
        others = [a for a in item["alternatives"] if a["strategy"] != answer.strategy]
        others.append({"strategy": item["strategy"], "score": round(item["confidence"], 3)})
        item["alternatives"] = sorted(others, key=lambda a: -a["score"])
        item["evidence"] = [
            *item["evidence"],
            f"6R crew changed the engine's {item['strategy']} to {answer.strategy}",
        ]
        item["strategy"] = answer.strategy
    item["confidence"] = float(answer.confidence)
    item["rationale"] = answer.rationale
    item["source"] = "llm"
    return True
