from __future__ import annotations

from django_tenants.utils import schema_context

from engagements.models import Engagement
from tests.conftest import http
from tests.factories import Team


def engagement_page(team: Team) -> str:
    with schema_context("acme"):
        engagement = Engagement.objects.create(name="Badge check")
    return http(team.host, team.viewer).get(engagement.get_absolute_url()).content.decode()


def test_the_engagement_page_says_deterministic_only_without_an_llm(team: Team, settings: object) -> None:
    settings.LLM_MODEL = ""  # type: ignore[attr-defined]

    page = engagement_page(team)

    assert 'data-testid="ai-mode"' in page and "Deterministic only" in page


def test_the_engagement_page_names_the_model_when_one_is_configured(team: Team, settings: object) -> None:
    settings.LLM_MODEL = "meta-llama/Llama-3.3-70B-Instruct"  # type: ignore[attr-defined]
    settings.LLM_API_KEY = "secret-key-never-shown"  # type: ignore[attr-defined]

    page = engagement_page(team)

    assert "LLM: meta-llama/Llama-3.3-70B-Instruct" in page
    assert "secret-key-never-shown" not in page
