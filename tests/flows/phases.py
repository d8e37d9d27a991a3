"""Flow types for the tests, registered in the test process and (with `celery worker -I tests.flows.phases`) in
the workers the tests start. Their behaviour is steered by the flow's input:

- `steps`, `delay`: the `work` phase reports `steps` steps, sleeping `delay` seconds each;
- `write`: the `work` phase creates an engagement of that name in its transaction (to see rollbacks);
- `fail_until_attempt`: the `check` phase fails while its attempt is at most this;
- `redis_url`, `key`: the `work` phase counts in Redis how many run at once (`key`:max) and in all (`key`:runs).
"""

from __future__ import annotations

import time
from typing import Any

from redis import Redis

from engagements.models import Engagement
from flows.context import PhaseContext
from flows.registry import register_flow_type, register_phase
from tenants.roles import Role

SELFTEST = "selftest"
SELFTEST_GATE = "selftest_gate"  # its gate is the engagement manager's to pass
SELFTEST_ANALYST_GATE = "selftest_checkin"  # its gate is an analyst's


def work(ctx: PhaseContext) -> dict[str, Any]:
    steps = int(ctx.input.get("steps", 3))
    delay = float(ctx.input.get("delay", 0))
    redis = Redis.from_url(ctx.input["redis_url"]) if ctx.input.get("redis_url") else None
    key = ctx.input.get("key", "")
    if redis is not None:
        redis.incr(f"{key}:runs")
        now_running = redis.incr(f"{key}:running")
        raise_max = "if tonumber(redis.call('get', KEYS[1]) or '0') < tonumber(ARGV[1]) then redis.call('set', KEYS[1], ARGV[1]) end"  # noqa: E501
        redis.eval(raise_max, 1, f"{key}:max", now_running)
    try:
        if ctx.input.get("write"):
            Engagement.objects.create(name=f"{ctx.input['write']} attempt {ctx.attempt}")
        for step in range(1, steps + 1):
            time.sleep(delay)
            ctx.progress(step, steps, f"step {step} of {steps}")
    finally:
        if redis is not None:
            redis.decr(f"{key}:running")
    return {"summary": f"{steps} steps done", "counts": {"steps": steps}, "attempt": ctx.attempt}


def check(ctx: PhaseContext) -> dict[str, Any]:
    if ctx.attempt <= int(ctx.input.get("fail_until_attempt", 0)):
        raise ValueError(f"check failed on attempt {ctx.attempt}")
    ctx.progress(1, 1, "checked")
    return {"summary": "checked", "attempt": ctx.attempt, "warnings": ["a warning"]}


def approval(ctx: PhaseContext) -> dict[str, Any]:
    return {"prompt": "Approve the selftest plan", "suggestion": {"plan": "as proposed"}}


def record_decision(*, phase_run: Any, decision: dict[str, Any], user: Any) -> None:
    phase_run.output = {**phase_run.output, "applied": decision}


def finish(ctx: PhaseContext) -> dict[str, Any]:
    ctx.progress(1, 1, "finished")
    return {"summary": "finished", "decision": ctx.decision_of("approval")}


register_flow_type(SELFTEST, ("work", "check", "finish"))
register_flow_type(SELFTEST_GATE, ("work", "approval", "finish"))
register_flow_type(SELFTEST_ANALYST_GATE, ("work", "approval", "finish"))
for flow_type in (SELFTEST, SELFTEST_GATE, SELFTEST_ANALYST_GATE):
    register_phase(flow_type, "work", run=work, label="Work")
    register_phase(flow_type, "finish", run=finish, label="Finish")
register_phase(SELFTEST, "check", run=check, label="Check")
register_phase(
    SELFTEST_GATE,
    "approval",
    run=approval,
    label="Approval",
    gate=True,
    approve_role=Role.ENGAGEMENT_MANAGER,
    on_approve=record_decision,
)
register_phase(SELFTEST_ANALYST_GATE, "approval", run=approval, label="Approval", gate=True, approve_role=Role.ANALYST)
