"""Which LLM the platform talks to, and the one place that imports crewai.

Settings (environment variables of the same name):
- LLM_MODEL: the model id the endpoint serves (DeepInfra: `meta-llama/Llama-3.3-70B-Instruct`); empty
  means deterministic-only.
- LLM_API_BASE: an OpenAI-compatible base URL ending in /v1 (or DeepInfra's /v1/openai).
- LLM_API_KEY: the endpoint's key; empty means deterministic-only (local servers accept any value).
- LLM_TIMEOUT_SECONDS: the limit for one HTTP request to the endpoint.
- LLM_CREW_TIMEOUT_SECONDS: the limit for all requests of one crew run (default 3 x the request limit).
- LLM_CACHE_TTL_SECONDS: how long validated answers stay in the cache (default one week).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings

if TYPE_CHECKING:
    from crewai.llms.base_llm import BaseLLM

DEFAULT_CACHE_TTL_SECONDS = 7 * 24 * 3600

# crewai phones home, traces and checks its version over the network unless told not to before import.
CREWAI_ENVIRONMENT = {
    "CREWAI_DISABLE_TELEMETRY": "true",
    "OTEL_SDK_DISABLED": "true",
    "CREWAI_TRACING_ENABLED": "false",
    "CREWAI_DISABLE_VERSION_CHECK": "true",
}


@dataclass(frozen=True)
class LLMConfig:
    model: str
    api_base: str
    api_key: str
    timeout_seconds: float
    crew_timeout_seconds: float
    cache_ttl_seconds: int

    @property
    def host(self) -> str:
        """The endpoint's host, for pages (never the key)."""
        return urlsplit(self.api_base).netloc or self.api_base


def llm_config() -> LLMConfig | None:
    """The configured LLM, or None when the platform runs deterministic-only."""
    model = str(getattr(settings, "LLM_MODEL", "") or "").strip()
    api_key = str(getattr(settings, "LLM_API_KEY", "") or "").strip()
    if not model or not api_key:
        return None
    timeout = float(getattr(settings, "LLM_TIMEOUT_SECONDS", 60) or 60)
    return LLMConfig(
        model=model,
        api_base=str(getattr(settings, "LLM_API_BASE", "") or "").rstrip("/"),
        api_key=api_key,
        timeout_seconds=timeout,
        crew_timeout_seconds=float(getattr(settings, "LLM_CREW_TIMEOUT_SECONDS", 0) or 3 * timeout),
        cache_ttl_seconds=int(getattr(settings, "LLM_CACHE_TTL_SECONDS", DEFAULT_CACHE_TTL_SECONDS)),
    )


def import_crewai() -> ModuleType:
    """Import crewai with its network side effects switched off (settings sets them too; this makes sure)."""
    for name, value in CREWAI_ENVIRONMENT.items():
        os.environ[name] = value
    # crewai keeps a SQLite file of the last kickoff under the user's data folder, named after the
    # working directory unless this is set; one name for the platform, whatever folder it runs from.
    os.environ.setdefault("CREWAI_STORAGE_DIR", "migration-platform")
    return importlib.import_module("crewai")


def build_llm(config: LLMConfig, *, interceptor: Any = None) -> BaseLLM:
    """A crewai LLM on the native OpenAI provider (no LiteLLM), pointed at the configured endpoint.

    `custom_openai=True` forces crewai's OpenAI provider for any model name and keeps it on
    /chat/completions (OpenAI-compatible servers rarely serve /responses). Retries are off: a failed
    call falls back to the deterministic engine instead of waiting through the SDK's backoff.
    """
    crewai = import_crewai()
    llm: BaseLLM = crewai.LLM(
        model=config.model,
        custom_openai=True,
        base_url=config.api_base,
        api_key=config.api_key,
        timeout=config.timeout_seconds,
        max_retries=0,
        interceptor=interceptor,
    )
    return llm
