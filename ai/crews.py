"""A base for crews: jobs declare agents, tasks, engine tools and a pydantic answer; `run_crew` runs one.

The deterministic engine's answer is the floor: with no LLM configured, or when a call fails, times
out, or the crew's answer does not validate, `run_crew` returns the engine's answer and says why.

How calls are seen: crewai's native OpenAI provider accepts an httpx interceptor (its public
`interceptor=` hook). `_WireLog` sees every HTTP request the agent loop makes (tool rounds and
converter retries included) and every response with its `usage`; requests that never get a response
(timeouts, refused connections) are settled from the exception `kickoff` raises. The HTTP exchange is
the contract that stays put across crewai releases, unlike its event bus, whose handlers run on other
threads and whose event fields change between versions. Rows are written by `run_crew` itself, in
the caller's thread, so they land in the client's schema.

How answers are cached: by the hash of the crew's whole prompt (job, model, endpoint, agents, rendered
tasks, tool descriptions and the answer's JSON schema), and only once the answer validated, so a
malformed answer is never replayed. Django's cache keys go through django-tenants' `make_key`, so
each client has its own entries.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import threading
import time
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from django.conf import settings
from pydantic import BaseModel, ValidationError, create_model

from tenants.db import current_schema

from . import services
from .llm import LLMConfig, build_llm, import_crewai, llm_config
from .models import Outcome

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger(__name__)

OutputT = TypeVar("OutputT", bound=BaseModel)
Source = Literal["llm", "engine"]
ERROR_TEXT_LIMIT = 2000


@dataclass(frozen=True)
class CallContext:
    """Where a crew runs, for the usage log: plain ids, so the runtime depends on no other app."""

    engagement_id: int | None = None
    flow_id: int | None = None
    phase: str = ""


@dataclass(frozen=True)
class AgentSpec:
    key: str
    role: str
    goal: str
    backstory: str
    tools: Sequence[Callable[..., Any]] = ()


@dataclass(frozen=True)
class TaskSpec:
    agent: str
    description: str
    expected_output: str


@dataclass(frozen=True)
class CrewJob(Generic[OutputT]):
    """A crew declared as data. The last task's answer is the crew's answer and must fit `output_model`.

    Task descriptions are templates filled from the run's inputs with `str.format`: `{columns}`
    becomes the input `columns` (as JSON unless it is a string). `check` may reject an answer that
    validates but is wrong for these inputs (return the reason, or None to accept).
    """

    name: str
    output_model: type[OutputT]
    agents: Sequence[AgentSpec]
    tasks: Sequence[TaskSpec]
    version: str = "1"
    max_iter: int = 3
    check: Callable[[OutputT, Mapping[str, Any]], str | None] | None = None


@dataclass(frozen=True)
class CrewResult(Generic[OutputT]):
    output: OutputT
    source: Source
    reason: str
    cached: bool = False
    prompt_hash: str = ""


class InvalidAnswer(ValueError):
    """The crew answered, but not with something the job accepts."""


# Declaring and rendering ---------------------------------------------------------------------------


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    return json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)


def render_tasks(job: CrewJob[Any], inputs: Mapping[str, Any]) -> list[tuple[str, str]]:
    values = {name: _as_text(value) for name, value in inputs.items()}
    return [(task.description.format_map(values), task.expected_output.format_map(values)) for task in job.tasks]


def _tool_description(func: Callable[..., Any]) -> str:
    return inspect.getdoc(func) or func.__name__.replace("_", " ")


def prompt_hash(job: CrewJob[Any], inputs: Mapping[str, Any], config: LLMConfig) -> str:
    """The hash of everything that shapes the crew's answer: equal hashes may share a cached answer."""
    prompt = {
        "job": job.name,
        "version": job.version,
        "model": config.model,
        "api_base": config.api_base,
        "agents": [
            [a.key, a.role, a.goal, a.backstory, [[t.__name__, _tool_description(t)] for t in a.tools]]
            for a in job.agents
        ],
        "tasks": render_tasks(job, inputs),
        "schema": job.output_model.model_json_schema(),
    }
    return hashlib.sha256(json.dumps(prompt, sort_keys=True, default=str).encode()).hexdigest()


def engine_tool(func: Callable[..., Any]) -> Any:
    """Wrap a plain function of a deterministic engine as a crewai tool (its docstring tells the agent)."""
    from crewai.tools.base_tool import Tool

    hints = typing.get_type_hints(func)
    fields: dict[str, Any] = {}
    for name, parameter in inspect.signature(func).parameters.items():
        if parameter.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        default = ... if parameter.default is inspect.Parameter.empty else parameter.default
        fields[name] = (hints.get(name, Any), default)
    schema = create_model(f"{func.__name__.title().replace('_', '')}Arguments", **fields)
    return Tool(name=func.__name__, description=_tool_description(func), func=func, args_schema=schema)


# Watching the wire -----------------------------------------------------------------------------------


@dataclass
class WireCall:
    started: float
    outcome: str = ""
    status: int | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: int = 0
    error: str = ""


@dataclass
class _WireLog:
    """What the interceptor saw, and the time budget it enforces across one crew run."""

    timeout_seconds: float
    budget_seconds: float
    deadline: float | None = None
    calls: list[WireCall] = field(default_factory=list)
    _open: list[WireCall] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def outbound(self, request: httpx.Request) -> httpx.Request:
        import httpx

        if self.deadline is None:  # the budget starts with the first request, after crewai's slow import
            self.deadline = time.monotonic() + self.budget_seconds
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise httpx.ReadTimeout("The crew's time budget is spent.", request=request)
        limit = min(self.timeout_seconds, remaining)
        request.extensions["timeout"] = {"connect": limit, "read": limit, "write": limit, "pool": limit}
        call = WireCall(started=time.monotonic())
        with self._lock:
            self.calls.append(call)
            self._open.append(call)
        return request

    def inbound(self, response: httpx.Response) -> httpx.Response:
        body = response.read()
        with self._lock:
            # The transport sees a response before httpx ties it to its request; a crew's calls are
            # sequential, so the oldest open call is the one answered.
            if not self._open:
                return response
            call = self._open.pop(0)
        call.latency_ms = _elapsed_ms(call.started)
        call.status = response.status_code
        try:
            payload = json.loads(body)
        except ValueError:
            payload = {}
        usage = payload.get("usage") if isinstance(payload, dict) else None
        if isinstance(usage, dict):
            call.prompt_tokens = int(usage.get("prompt_tokens") or 0)
            call.completion_tokens = int(usage.get("completion_tokens") or 0)
        if response.is_success:
            call.outcome = Outcome.OK
        else:
            call.outcome = Outcome.TIMEOUT if response.status_code in (408, 504) else Outcome.ERROR
            call.error = f"HTTP {response.status_code}: {body.decode(errors='replace')}"[:ERROR_TEXT_LIMIT]
        return response

    def settle(self, outcome: str, error: str) -> None:
        """Close the calls that never got an answer, and blame the last answered call for a bad answer."""
        with self._lock:
            for call in self._open:
                call.outcome = outcome if outcome != Outcome.INVALID else Outcome.ERROR
                call.latency_ms = _elapsed_ms(call.started)
                call.error = error
            self._open.clear()
        if outcome == Outcome.INVALID:
            answered = [call for call in self.calls if call.outcome == Outcome.OK]
            if answered:
                answered[-1].outcome = Outcome.INVALID
                answered[-1].error = error


def _elapsed_ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _interceptor(log: _WireLog) -> Any:
    from crewai.llms.hooks.base import BaseInterceptor

    class Interceptor(BaseInterceptor["httpx.Request", "httpx.Response"]):
        def on_outbound(self, message: httpx.Request) -> httpx.Request:
            return log.outbound(message)

        def on_inbound(self, message: httpx.Response) -> httpx.Response:
            return log.inbound(message)

    return Interceptor()


def _exception_chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def classify_failure(error: BaseException) -> str:
    for link in _exception_chain(error):
        if isinstance(link, InvalidAnswer | ValidationError | json.JSONDecodeError):
            return Outcome.INVALID
        if isinstance(link, TimeoutError) or "Timeout" in type(link).__name__ or "timed out" in str(link).lower():
            return Outcome.TIMEOUT
    return Outcome.ERROR


# Running -----------------------------------------------------------------------------------------------


def _build_crew(job: CrewJob[Any], inputs: Mapping[str, Any], llm: Any) -> Any:
    crewai = import_crewai()
    agents = {
        spec.key: crewai.Agent(
            role=spec.role,
            goal=spec.goal,
            backstory=spec.backstory,
            llm=llm,
            tools=[engine_tool(func) for func in spec.tools],
            max_iter=job.max_iter,
            max_retry_limit=0,
            allow_delegation=False,
            verbose=False,
        )
        for spec in job.agents
    }
    rendered = render_tasks(job, inputs)
    tasks = []
    for index, (spec, (description, expected)) in enumerate(zip(job.tasks, rendered, strict=True)):
        last = index == len(job.tasks) - 1
        tasks.append(
            crewai.Task(
                description=description,
                expected_output=expected,
                agent=agents[spec.agent],
                output_pydantic=job.output_model if last else None,
            )
        )
    return crewai.Crew(agents=list(agents.values()), tasks=tasks, process=crewai.Process.sequential, verbose=False)


def _strip_fences(text: str) -> str:
    text = text.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return text.strip()


def validate_answer(job: CrewJob[OutputT], answer: Any, inputs: Mapping[str, Any]) -> OutputT:
    """The crew's answer as the job's model, or InvalidAnswer / ValidationError saying what is wrong."""
    if isinstance(answer, BaseModel):
        data: Any = answer.model_dump()
    elif isinstance(answer, str):
        data = json.loads(_strip_fences(answer))
    else:
        data = answer
    output = job.output_model.model_validate(data)
    if job.check is not None:
        problem = job.check(output, inputs)
        if problem:
            raise InvalidAnswer(problem)
    return output


def _log_calls(
    *, job: CrewJob[Any], config: LLMConfig, context: CallContext, digest: str, calls: Sequence[WireCall]
) -> None:
    for call in calls:
        services.llm_call_log(
            engagement_id=context.engagement_id,
            flow_id=context.flow_id,
            phase=context.phase,
            job=job.name,
            model=config.model,
            prompt_hash=digest,
            outcome=call.outcome or Outcome.ERROR,
            prompt_tokens=call.prompt_tokens,
            completion_tokens=call.completion_tokens,
            latency_ms=call.latency_ms,
            error=call.error,
        )


def run_crew(
    job: CrewJob[OutputT],
    inputs: Mapping[str, Any],
    *,
    deterministic: Callable[[], OutputT],
    context: CallContext,
) -> CrewResult[OutputT]:
    """Run `job` on the configured LLM, or return `deterministic()` when that is not possible or not good.

    Call it inside a client's schema (a phase, a view, a task in the client's context): the calls are
    logged there and the cache is the client's.
    """
    if current_schema() == settings.PUBLIC_SCHEMA_NAME:
        raise RuntimeError("run_crew needs a client's schema (call it inside schema_context or a tenant task).")
    config = llm_config()
    if config is None:
        return CrewResult(output=deterministic(), source="engine", reason="No LLM is configured (deterministic only).")

    digest = prompt_hash(job, inputs, config)
    started = time.monotonic()
    cached = services.answer_cache_get(prompt_hash=digest)
    if cached is not None:
        try:
            output = validate_answer(job, cached, inputs)
        except (ValueError, TypeError):
            logger.warning("Ignoring a cached answer of %s that no longer validates", job.name)
        else:
            services.llm_call_log(
                engagement_id=context.engagement_id,
                flow_id=context.flow_id,
                phase=context.phase,
                job=job.name,
                model=config.model,
                prompt_hash=digest,
                outcome=Outcome.CACHED,
                latency_ms=_elapsed_ms(started),
            )
            return CrewResult(output=output, source="llm", reason="Cached answer.", cached=True, prompt_hash=digest)

    wire = _WireLog(timeout_seconds=config.timeout_seconds, budget_seconds=config.crew_timeout_seconds)
    try:
        llm = build_llm(config, interceptor=_interceptor(wire))
        result = _build_crew(job, inputs, llm).kickoff()
        output = validate_answer(job, result.pydantic if result.pydantic is not None else result.raw, inputs)
    except Exception as error:  # noqa: BLE001 - any failure of the LLM path falls back to the engine
        outcome = classify_failure(error)
        message = f"{type(error).__name__}: {error}"[:ERROR_TEXT_LIMIT]
        wire.settle(outcome, message)
        calls = wire.calls or [WireCall(started=started, outcome=outcome, error=message)]
        _log_calls(job=job, config=config, context=context, digest=digest, calls=calls)
        reasons: dict[str, str] = {
            Outcome.TIMEOUT: "The LLM call timed out",
            Outcome.INVALID: "The LLM's answer did not validate",
        }
        reason = reasons.get(outcome, "The LLM call failed")
        logger.info("Crew %s fell back to the engine: %s", job.name, message)
        return CrewResult(output=deterministic(), source="engine", reason=f"{reason}: {message}", prompt_hash=digest)
    _log_calls(job=job, config=config, context=context, digest=digest, calls=wire.calls)
    services.answer_cache_set(prompt_hash=digest, answer=output.model_dump(mode="json"), ttl=config.cache_ttl_seconds)
    return CrewResult(output=output, source="llm", reason=f"Answered by {config.model}.", prompt_hash=digest)
