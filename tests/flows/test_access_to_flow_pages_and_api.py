"""Every flow page and endpoint checks membership and role: outsiders get 404, viewers read, analysts act."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import schema_context

from flows.models import Flow, FlowStatus
from tests.conftest import api, http
from tests.factories import Team

from .builders import engagement_of, flow_in_state
from .phases import SELFTEST_ANALYST_GATE, SELFTEST_GATE


def _reads(team: Team) -> list[str]:
    flow = flow_in_state(team, "running")
    engagement = engagement_of(team)
    return [
        "/flows/",
        f"/engagements/{engagement.pk}/flows/",
        f"/flows/{flow.pk}/",
        f"/flows/{flow.pk}/controls/",
        "/api/v1/flows/",
        f"/api/v1/flows/{flow.pk}/",
    ]


def _writes(team: Team) -> list[tuple[str, dict[str, Any]]]:
    """Each action on a flow in the state it applies to; pages and API each get flows of their own."""
    engagement = engagement_of(team)
    writes: list[tuple[str, dict[str, Any]]] = []
    for prefix, start in (("", f"/engagements/{engagement.pk}/flows/start/"), ("/api/v1", "/api/v1/flows/")):
        running, cancellable = flow_in_state(team, "running"), flow_in_state(team, "running")
        paused, failed, waiting = (flow_in_state(team, state) for state in ("paused", "failed", "waiting"))
        writes += [
            (start, {"type": "discovery", "engagement": engagement.pk}),
            (f"{prefix}/flows/{running.pk}/pause/", {}),
            (f"{prefix}/flows/{paused.pk}/resume/", {}),
            (f"{prefix}/flows/{cancellable.pk}/cancel/", {}),
            (f"{prefix}/flows/{failed.pk}/retry/", {}),
            (f"{prefix}/flows/{waiting.pk}/approve/", {}),
        ]
    return writes


def _client(team: Team, user: Any, url: str, host: str | None = None) -> Any:
    return (api if url.startswith("/api/") else http)(host or team.host, user)


def test_an_outsider_gets_404_from_every_page_and_endpoint(team: Team) -> None:
    for url in _reads(team):
        assert _client(team, team.outsider, url).get(url).status_code == 404, url
    for url, data in _writes(team):
        assert _client(team, team.outsider, url).post(url, data).status_code == 404, url


def test_a_flow_of_another_client_is_not_found_on_the_outsiders_own_host(team: Team) -> None:
    flow = flow_in_state(team, "running")
    for url in (f"/flows/{flow.pk}/", f"/api/v1/flows/{flow.pk}/", f"/flows/{flow.pk}/controls/"):
        assert _client(team, team.outsider, url, host=team.other_host).get(url).status_code == 404, url
    listed = api(team.other_host, team.outsider).get("/api/v1/flows/").json()
    assert listed["count"] == 0


def test_anonymous_visitors_are_sent_to_sign_in_or_refused(team: Team) -> None:
    for url in _reads(team):
        response = _client(team, None, url).get(url)
        assert response.status_code in ((401, 403) if url.startswith("/api/") else (302,)), url


def test_a_viewer_reads_every_page_and_endpoint(team: Team) -> None:
    for url in _reads(team):
        assert _client(team, team.viewer, url).get(url).status_code == 200, url


def test_a_viewer_changes_nothing(team: Team) -> None:
    writes = _writes(team)
    with schema_context(team.client.schema_name):
        before = dict(Flow.objects.values_list("pk", "status"))
    for url, data in writes:
        assert _client(team, team.viewer, url).post(url, data).status_code == 403, url
    with schema_context(team.client.schema_name):
        assert dict(Flow.objects.values_list("pk", "status")) == before


@pytest.mark.parametrize("role", ["analyst", "engagement_manager", "client_admin"])
def test_analysts_and_above_act_on_flows(team: Team, role: str) -> None:
    user = team.by_role(role)
    for url, data in _writes(team):
        response = _client(team, user, url).post(url, data)
        assert response.status_code in (200, 201, 302), (url, response.status_code)
        if response.status_code == 302:
            assert not any(m.level_tag == "error" for m in response.wsgi_request._messages), url


def test_a_gate_says_who_may_pass_it(team: Team) -> None:
    """As the field mapping (analysts) and the 6R review (managers) do; test gates stand in for them here."""
    mapping = flow_in_state(team, "waiting", flow_type=SELFTEST_ANALYST_GATE)
    review = flow_in_state(team, "waiting", flow_type=SELFTEST_GATE)
    assert http(team.host, team.viewer).post(f"/flows/{mapping.pk}/approve/").status_code == 403
    assert http(team.host, team.analyst).post(f"/flows/{mapping.pk}/approve/").status_code == 302
    assert http(team.host, team.analyst).post(f"/flows/{review.pk}/approve/").status_code == 403
    assert api(team.host, team.analyst).post(f"/api/v1/flows/{review.pk}/approve/").status_code == 403
    response = api(team.host, team.manager).post(
        f"/api/v1/flows/{review.pk}/approve/", {"comment": "ok"}, format="json"
    )
    assert response.status_code == 200
    with schema_context(team.client.schema_name):
        assert Flow.objects.get(pk=review.pk).status == FlowStatus.RUNNING
        assert Flow.objects.get(pk=mapping.pk).status == FlowStatus.RUNNING
