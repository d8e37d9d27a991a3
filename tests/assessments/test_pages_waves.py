"""The waves page: the timeline and the applications of each wave, a move by the form with the broken dependency
shown, refused moves with their reason, re-planning with the settings form, and bounded queries."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from assessments.models import ChangeRecord, WaveAssignment, WaveMove, WavePlanSettings
from inventory import services as inventory
from tests.assessments.pages_data import Assessed, assessed_engagement
from tests.conftest import http
from tests.factories import Team

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(assessed: Assessed, tail: str = "") -> str:
    return f"/engagements/{assessed.engagement.pk}/assessment/waves/{tail}"


def test_the_timeline_shows_each_wave_with_its_applications(team: Team) -> None:
    with schema_context(team.client.schema_name):
        assessed = assessed_engagement(apps=5)  # waves: Pilot (app00, app01), Wave 2 (app02, app03), Wave 3 (app04)
    html = http(team.host, team.viewer).get(_url(assessed)).content.decode()
    assert html.count('data-testid="gantt-bar"') == 3
    # Bars in percent of the plan's 84 days: the pilot takes the first third, wave 3 the last.
    assert 'data-left="0.0" data-width="33.333"' in html and 'data-left="66.667" data-width="33.333"' in html
    assert "3 waves · 5 applications · 5 servers · 2026-01-05 → 2026-03-29" in html
    assert html.count('data-testid="wave-app"') == 5
    assert 'data-testid="broken-dependencies"' not in html  # each app's dependency moves in the same or an earlier wave
    assert 'data-testid="move-form"' not in html and 'draggable="true"' not in html  # a viewer moves nothing
    assert "Analysts and above plan waves." in html


def test_the_plan_counts_an_application_with_several_servers_once(team: Team) -> None:
    with schema_context(team.client.schema_name):
        assessed = assessed_engagement(apps=5)
        inventory.assets_bulk_write(
            engagement=assessed.engagement,
            rows=[{"name": f"srv00-{i}", "hostname": f"srv00-{i}", "application": ["app00"]} for i in (2, 3)],
        )
    html = http(team.host, team.viewer).get(_url(assessed)).content.decode()
    assert "3 waves · 5 applications · 7 servers · 2026-01-05 → 2026-03-29" in html


def test_an_analyst_moves_an_application_before_what_it_depends_on_and_is_warned(team: Team) -> None:
    with schema_context(team.client.schema_name):
        assessed = assessed_engagement(apps=5)
    app03 = assessed.apps["app03"]  # in wave 2, depends on app02 (wave 2)
    client = http(team.host, team.analyst)
    assert 'data-testid="move-form"' in client.get(_url(assessed)).content.decode()
    response = client.post(
        _url(assessed, "move/"), {"application": str(app03.pk), "wave_number": "1", "comment": "Quick win"}, **HTMX
    )
    board = response.content.decode()
    assert response.status_code == 200
    assert board.lstrip().startswith('<div id="waves-board"')
    assert "app03 moved to wave 1, but a dependency breaks" in board
    assert "app03 (wave 1) depends on app02 (wave 2)" in board
    assert 'data-testid="broken-dependencies"' in board
    with schema_context(team.client.schema_name):
        assert WaveAssignment.objects.get(application=app03).wave.number == 1
        move = WaveMove.objects.get(application=app03)
        assert (move.wave_number, move.moved_by_id, move.comment) == (1, team.analyst.pk, "Quick win")
        assert ChangeRecord.objects.filter(action="wave_moved", object_id=app03.pk, user=team.analyst).exists()
    back = client.post(_url(assessed, "move/"), {"application": str(app03.pk), "wave_number": "3"}, **HTMX)
    assert "app03 moved to wave 3; no dependency breaks." in back.content.decode()


def test_a_move_to_a_wave_that_does_not_exist_is_refused_with_the_reason(team: Team) -> None:
    with schema_context(team.client.schema_name):
        assessed = assessed_engagement(apps=3)
    client = http(team.host, team.analyst)
    app = assessed.apps["app01"]
    response = client.post(_url(assessed, "move/"), {"application": str(app.pk), "wave_number": "9"}, **HTMX)
    assert response.status_code == 422
    assert "There is no wave 9; the waves are [1, 2]." in response.content.decode()
    response = client.post(_url(assessed, "move/"), {"application": str(app.pk), "wave_number": "x"}, **HTMX)
    assert response.status_code == 422 and "Enter a whole number." in response.content.decode()
    with schema_context(team.client.schema_name):
        assert WaveAssignment.objects.get(application=app).wave.number == 1


def test_re_planning_with_new_settings_keeps_the_moves_and_bad_settings_name_the_field(team: Team) -> None:
    with schema_context(team.client.schema_name):
        assessed = assessed_engagement(apps=4)
    client = http(team.host, team.analyst)
    refused = client.post(
        _url(assessed, "plan/"), {"max_servers_per_wave": "0", "wave_weeks": "2", "pilot_max_apps": "1"}
    )
    assert refused.status_code == 422
    assert 'data-field-error="max_servers_per_wave"' in refused.content.decode()
    app02 = assessed.apps["app02"]
    client.post(_url(assessed, "move/"), {"application": str(app02.pk), "wave_number": "2"})
    response = client.post(
        _url(assessed, "plan/"),
        {"max_servers_per_wave": "10", "wave_weeks": "2", "start_date": "2026-03-02", "pilot_max_apps": "1"},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "applications planned in" in html and "moves made by hand were kept" in html
    with schema_context(team.client.schema_name):
        settings = WavePlanSettings.objects.get(engagement=assessed.engagement)
        assert (settings.max_servers_per_wave, settings.wave_weeks, str(settings.start_date)) == (10, 2, "2026-03-02")
        assert WaveAssignment.objects.get(application=app02).wave.number == 2  # the pin held
        starts = sorted(
            WaveAssignment.objects.filter(engagement=assessed.engagement).values_list("wave__start", flat=True)
        )
        assert str(starts[0]) == "2026-03-02"


def _many(team: Team, apps: int, name: str) -> Any:
    with schema_context(team.client.schema_name):
        return assessed_engagement(apps=apps, name=name)


def test_the_page_runs_the_same_queries_for_4_or_30_applications(team: Team) -> None:
    small, large = _many(team, 4, "Small"), _many(team, 30, "Large")
    client = http(team.host, team.analyst)
    counts = []
    for assessed in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(assessed)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_a_long_plan_is_shown_a_page_of_waves_at_a_time(team: Team) -> None:
    assessed = _many(team, 30, "Long")  # 15 waves of two applications
    client = http(team.host, team.viewer)
    first = client.get(_url(assessed)).content.decode()
    assert first.count('data-testid="gantt-bar"') == 12 and "page 1 of 2" in first
    assert "15 waves · 30 applications" in first
    second = client.get(_url(assessed, "?page=2")).content.decode()
    assert second.count('data-testid="gantt-bar"') == 3 and "page 2 of 2" in second
    assert ">Wave 13</a>" in second and ">Wave 15</a>" in second and ">Pilot</a>" not in second
    beyond = client.get(_url(assessed, "?page=99")).content.decode()
    assert "page 2 of 2" in beyond
