"""The flow pages: what a member sees, by role, and that they work by reload without JavaScript."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from accounts.models import User
from flows.models import Flow, FlowEvent, FlowStatus
from tests.conftest import http
from tests.factories import Team

from .builders import engagement_of, flow_in_state
from .phases import SELFTEST_GATE


def _page(team: Team, user: Any, url: str, **headers: str) -> str:
    response = http(team.host, user).get(url, **headers)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_flow_page_shows_phases_in_order_with_progress_and_the_event_log(team: Team) -> None:
    flow = flow_in_state(team, "running")
    html = _page(team, team.viewer, f"/flows/{flow.pk}/")
    assert re.findall(r'data-phase="(\w+)"', html) == ["work", "check", "finish"]
    assert 'data-phase="work" data-status="running"' in html
    assert 'data-fraction="40/100"' in html  # the running phase's bar
    assert f'id="flow-{flow.pk}-summary"' in html and f'id="flow-{flow.pk}-events"' in html
    assert "Started a selftest flow" in html and team.analyst.email in html  # the event log
    assert f'ws-connect="/ws/engagements/{flow.engagement_id}/?flow={flow.pk}"' in html
    assert html.count("hx-swap-oob") == 1  # only the live badge: fragments in a page are plain
    assert "<script>" not in html and "style=" not in html and "hx-on" not in html


def test_a_viewer_sees_no_buttons_and_an_analyst_sees_those_of_the_flows_state(team: Team) -> None:
    running = flow_in_state(team, "running")
    viewer_html = _page(team, team.viewer, f"/flows/{running.pk}/")
    assert 'data-testid="pause"' not in viewer_html and "analysts and above" in viewer_html
    analyst_html = _page(team, team.analyst, f"/flows/{running.pk}/")
    assert 'data-testid="pause"' in analyst_html and 'data-testid="cancel"' in analyst_html
    assert 'data-testid="resume"' not in analyst_html
    paused = flow_in_state(team, "paused")
    assert 'data-testid="resume"' in _page(team, team.analyst, f"/flows/{paused.pk}/")


def test_a_failed_phase_shows_its_error_to_members_and_its_traceback_only_to_operators(team: Team) -> None:
    failed = flow_in_state(team, "failed")
    html = _page(team, team.owner, f"/flows/{failed.pk}/")
    assert "ValueError: row 12 memory: not a number" in html
    assert 'data-testid="retry"' in html
    assert "secret/path.py" not in html
    operator = User.objects.create_superuser(email="ops@platform.test", password="x-operator-pass-1")
    assert "secret/path.py" in _page(team, operator, f"/flows/{failed.pk}/")
    assert api_traceback(team, team.owner, failed) is None
    assert "secret/path.py" in (api_traceback(team, operator, failed) or "")


def api_traceback(team: Team, user: Any, flow: Flow) -> str | None:
    from tests.conftest import api

    phases = api(team.host, user).get(f"/api/v1/flows/{flow.pk}/").json()["phases"]
    return phases[0]["error_traceback"]


def test_the_gate_shows_what_to_decide_and_the_form_to_those_who_may(team: Team) -> None:
    waiting = flow_in_state(team, "waiting")
    analyst_html = _page(team, team.analyst, f"/flows/{waiting.pk}/")
    assert "Approve it" in analyst_html and 'data-testid="gate-form"' in analyst_html
    viewer_html = _page(team, team.viewer, f"/flows/{waiting.pk}/")
    assert "Approve it" in viewer_html and 'data-testid="gate-form"' not in viewer_html
    review = flow_in_state(team, "waiting", flow_type=SELFTEST_GATE)
    html = _page(team, team.analyst, f"/flows/{review.pk}/")
    assert "Waiting for engagement manager or above to approve." in html


def test_approving_from_the_page_records_who_and_the_comment(team: Team) -> None:
    waiting = flow_in_state(team, "waiting")
    response = http(team.host, team.analyst).post(f"/flows/{waiting.pk}/approve/", {"comment": "Looks right"})
    assert response.status_code == 302 and response["Location"] == f"/flows/{waiting.pk}/"
    with schema_context(team.client.schema_name):
        gate = Flow.objects.get(pk=waiting.pk).phases.get(name="approval")
    assert gate.decided_by == team.analyst
    assert gate.decision == {"answer": {"a": "b"}, "comment": "Looks right", "by": team.analyst.email}


def test_an_action_from_htmx_answers_with_the_fresh_controls(team: Team) -> None:
    running = flow_in_state(team, "running")
    response = http(team.host, team.analyst).post(f"/flows/{running.pk}/pause/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith(f'<div id="flow-{running.pk}-controls"')
    assert 'data-testid="resume"' in html
    again = http(team.host, team.analyst).post(f"/flows/{running.pk}/pause/", HTTP_HX_REQUEST="true")
    assert "Cannot pause this flow: it is paused." in again.content.decode()


def test_the_engagement_lists_its_flows_and_offers_to_start_one_to_analysts(team: Team) -> None:
    engagement = engagement_of(team)
    empty = _page(team, team.analyst, f"/engagements/{engagement.pk}/flows/")
    assert "No flows yet" in empty and 'data-testid="start-flow"' in empty
    assert 'data-testid="start-flow"' not in _page(team, team.viewer, f"/engagements/{engagement.pk}/flows/")
    assert 'data-testid="start-flow"' in _page(team, team.analyst, f"/engagements/{engagement.pk}/")
    assert 'data-testid="start-flow"' not in _page(team, team.viewer, f"/engagements/{engagement.pk}/")
    assert f'href="/engagements/{engagement.pk}/flows/"' in _page(team, team.viewer, f"/engagements/{engagement.pk}/")

    response = http(team.host, team.analyst).post(f"/engagements/{engagement.pk}/flows/start/", {"type": "assessment"})
    with schema_context(team.client.schema_name):
        flow = Flow.objects.get(engagement=engagement)
    assert response["Location"] == f"/flows/{flow.pk}/"
    assert flow.type == "assessment" and flow.status == FlowStatus.PENDING and flow.created_by == team.analyst
    listed = _page(team, team.viewer, f"/engagements/{engagement.pk}/flows/")
    assert f'id="flow-row-{flow.pk}"' in listed and "?flows=1" in listed


def test_the_clients_flows_filter_by_type_and_status_sort_and_paginate(team: Team) -> None:
    for _ in range(3):
        flow_in_state(team, "completed", flow_type="planning")
    flow_in_state(team, "failed", flow_type="discovery")
    everything = _page(team, team.viewer, "/flows/")
    assert everything.count('data-testid="flow-row"') == 4
    planning = _page(team, team.viewer, "/flows/?type=planning")
    assert planning.count('data-testid="flow-row"') == 3
    failed = _page(team, team.viewer, "/flows/?status=failed")
    assert failed.count('data-testid="flow-row"') == 1
    none = _page(team, team.viewer, "/flows/?type=assessment")
    assert "No flow matches these filters." in none
    paged = _page(team, team.viewer, "/flows/?per_page=25&sort=status")
    assert "4 results" in paged
    partial = _page(team, team.viewer, "/flows/?type=planning", HTTP_HX_REQUEST="true")
    assert partial.lstrip().startswith('<div id="flow-table"') and "<html" not in partial


def test_the_lists_make_the_same_number_of_queries_for_many_flows(team: Team) -> None:
    engagement = engagement_of(team)
    flow_in_state(team, "running")

    def queries(url: str) -> int:
        client = http(team.host, team.viewer)
        client.get(url)  # warm up the session and caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = (queries("/flows/"), queries(f"/engagements/{engagement.pk}/flows/"))
    for _ in range(6):
        flow_in_state(team, "running")
    assert (queries("/flows/"), queries(f"/engagements/{engagement.pk}/flows/")) == few
    flow = flow_in_state(team, "running")
    one_event = queries(f"/flows/{flow.pk}/")
    with schema_context(team.client.schema_name):
        FlowEvent.objects.bulk_create([FlowEvent(flow=flow, actor="system", detail=f"n{n}") for n in range(20)])
    assert queries(f"/flows/{flow.pk}/") == one_event
