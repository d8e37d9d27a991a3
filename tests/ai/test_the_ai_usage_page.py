from __future__ import annotations

from django_tenants.utils import schema_context

from engagements.models import Engagement
from tests.ai.conftest import MODEL, make_calls
from tests.conftest import http
from tests.factories import Team


def usage_url(engagement: Engagement) -> str:
    return f"/engagements/{engagement.pk}/ai/"


def acme_engagement_with_calls() -> Engagement:
    with schema_context("acme"):
        engagement = Engagement.objects.create(name="Move to AWS")
        make_calls(engagement, ["ok", "ok", "cached", "timeout"])
        other = Engagement.objects.create(name="Other project")
        make_calls(other, ["error"], phase="sixr")
    return engagement


def test_a_viewer_sees_the_calls_and_their_totals(team: Team) -> None:
    engagement = acme_engagement_with_calls()

    response = http(team.host, team.viewer).get(usage_url(engagement))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="ai-call"') == 4  # not the other engagement's call
    assert 'data-testid="total-calls">4<' in page
    assert 'data-testid="total-tokens">360<' in page
    assert 'data-testid="average-latency">200 ms<' in page  # cache hits are left out of the latency
    assert 'data-testid="cache-hit-rate">25%<' in page
    assert 'data-testid="failures">1<' in page
    assert MODEL in page and "classification" in page and "#3" in page


def test_it_filters_by_outcome_and_serves_only_the_table_to_htmx(team: Team) -> None:
    engagement = acme_engagement_with_calls()

    response = http(team.host, team.viewer).get(usage_url(engagement), {"outcome": "timeout"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.count('data-testid="ai-call"') == 1 and "Timeout" in page
    assert "<html" not in page and 'id="ai-calls"' in page


def test_it_sorts_by_latency(team: Team) -> None:
    engagement = acme_engagement_with_calls()

    page = http(team.host, team.viewer).get(usage_url(engagement), {"sort": "latency_ms"}).content.decode()

    table = page[page.index('id="ai-calls"') :]
    assert table.index("5 ms") < table.index("200 ms")


def test_an_engagement_without_calls_shows_an_empty_state(team: Team, settings: object) -> None:
    settings.LLM_MODEL = ""  # type: ignore[attr-defined]
    with schema_context("acme"):
        engagement = Engagement.objects.create(name="Quiet")

    page = http(team.host, team.viewer).get(usage_url(engagement)).content.decode()

    assert "No LLM calls yet" in page and "Deterministic only" in page


def test_an_outsider_and_an_anonymous_visitor_see_nothing(team: Team) -> None:
    engagement = acme_engagement_with_calls()

    assert http(team.host, team.outsider).get(usage_url(engagement)).status_code == 404
    anonymous = http(team.host).get(usage_url(engagement))
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_each_client_sees_only_its_own_calls(team: Team) -> None:
    acme = acme_engagement_with_calls()
    with schema_context("globex"):
        globex = Engagement.objects.create(name="Globex move")
        make_calls(globex, ["invalid"])

    own = http(team.other_host, team.outsider).get(usage_url(globex)).content.decode()
    assert own.count('data-testid="ai-call"') == 1 and "Invalid answer" in own
    # Acme's engagement id means nothing on Globex's host (or names Globex's own engagement, never Acme's calls).
    if acme.pk != globex.pk:
        assert http(team.other_host, team.outsider).get(usage_url(acme)).status_code == 404


def test_the_engagement_navigation_links_to_the_usage_page(team: Team) -> None:
    engagement = acme_engagement_with_calls()

    page = http(team.host, team.viewer).get(engagement.get_absolute_url()).content.decode()

    assert f'href="{usage_url(engagement)}"' in page
