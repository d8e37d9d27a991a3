from __future__ import annotations

from django_tenants.utils import schema_context

from engagements.models import Engagement
from tests.ai.conftest import make_calls
from tests.conftest import api
from tests.factories import Team

URL = "/api/v1/ai/calls/"


def engagements_with_calls() -> tuple[Engagement, Engagement]:
    with schema_context("acme"):
        first = Engagement.objects.create(name="API first")
        make_calls(first, ["ok", "cached", "invalid"])
        make_calls(first, ["ok"], flow_id=9, phase="sixr")
        second = Engagement.objects.create(name="API second")
        make_calls(second, ["error"])
    return first, second


def test_a_viewer_lists_an_engagements_calls_with_totals(team: Team) -> None:
    first, _ = engagements_with_calls()

    response = api(team.host, team.viewer).get(URL, {"engagement": first.pk})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert {row["engagement_id"] for row in body["results"]} == {first.pk}
    assert body["totals"] == {
        "calls": 4,
        "prompt_tokens": 300,
        "completion_tokens": 60,
        "total_tokens": 360,
        "average_latency_ms": 200,
        "cache_hits": 1,
        "cache_hit_rate": 0.25,
        "failures": 1,
    }


def test_it_filters_by_outcome_flow_and_phase(team: Team) -> None:
    first, _ = engagements_with_calls()
    client = api(team.host, team.viewer)

    invalid = client.get(URL, {"engagement": first.pk, "outcome": "invalid"}).json()
    assert [row["outcome"] for row in invalid["results"]] == ["invalid"]
    assert invalid["totals"]["calls"] == 4  # totals ignore the outcome filter

    flow = client.get(URL, {"engagement": first.pk, "flow": 9, "phase": "sixr"}).json()
    assert flow["count"] == 1 and flow["totals"]["calls"] == 1


def test_it_sorts_by_latency(team: Team) -> None:
    first, _ = engagements_with_calls()

    rows = api(team.host, team.viewer).get(URL, {"engagement": first.pk, "ordering": "latency_ms"}).json()["results"]

    assert [row["latency_ms"] for row in rows] == sorted(row["latency_ms"] for row in rows)


def test_it_is_read_only(team: Team) -> None:
    response = api(team.host, team.owner).post(URL, {"model": "x"}, format="json")

    assert response.status_code == 405


def test_an_unknown_engagement_is_404(team: Team) -> None:
    assert api(team.host, team.viewer).get(URL, {"engagement": 987654}).status_code == 404
    assert api(team.host, team.viewer).get(URL, {"engagement": "abc"}).status_code == 404


def test_an_outsider_gets_404_and_sees_only_their_own_clients_calls(team: Team) -> None:
    first, _ = engagements_with_calls()
    with schema_context("globex"):
        globex = Engagement.objects.create(name="Globex API")
        make_calls(globex, ["ok"])

    assert api(team.host, team.outsider).get(URL, {"engagement": first.pk}).status_code == 404
    own = api(team.other_host, team.outsider).get(URL).json()
    assert own["count"] == 1 and own["results"][0]["engagement_id"] == globex.pk
