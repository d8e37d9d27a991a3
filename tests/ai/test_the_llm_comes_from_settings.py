from __future__ import annotations

import sys

from ai.llm import build_llm, llm_config


def test_the_settings_make_the_configuration(settings: object) -> None:
    settings.LLM_MODEL = "meta-llama/Llama-3.3-70B-Instruct"  # type: ignore[attr-defined]
    settings.LLM_API_BASE = "https://api.deepinfra.com/v1/openai/"  # type: ignore[attr-defined]
    settings.LLM_API_KEY = "key"  # type: ignore[attr-defined]
    settings.LLM_TIMEOUT_SECONDS = 20  # type: ignore[attr-defined]

    config = llm_config()

    assert config is not None
    assert (config.model, config.api_base, config.timeout_seconds) == (
        "meta-llama/Llama-3.3-70B-Instruct",
        "https://api.deepinfra.com/v1/openai",
        20,
    )
    assert config.crew_timeout_seconds == 60 and config.host == "api.deepinfra.com"


def test_crewai_builds_its_native_openai_provider_without_litellm(settings: object) -> None:
    settings.LLM_MODEL = "qwen2.5:7b"  # type: ignore[attr-defined]  # an Ollama name: no provider prefix
    settings.LLM_API_BASE = "http://127.0.0.1:11434/v1"  # type: ignore[attr-defined]
    settings.LLM_API_KEY = "ollama"  # type: ignore[attr-defined]
    config = llm_config()
    assert config is not None

    llm = build_llm(config)

    assert type(llm).__name__ == "OpenAICompletion"
    assert llm.model == "qwen2.5:7b" and llm.base_url == "http://127.0.0.1:11434/v1"
    assert "litellm" not in sys.modules
