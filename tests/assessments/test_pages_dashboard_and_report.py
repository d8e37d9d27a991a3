"""The engagement dashboard's chart data, the printable report and its XLSX workbook, and the standards page."""

from __future__ import annotations

import io
import json
import re

from django_tenants.utils import schema_context
from openpyxl import load_workbook

from assessments.models import ArchitectureStandard, ChangeRecord, DecisionReview
from engagements.models import Engagement
from tests.assessments.pages_data import assessed_engagement
from tests.conftest import http
from tests.factories import Team

HTMX = {"HTTP_HX_REQUEST": "true"}


def _charts(html: str) -> dict:
    match = re.search(r'<script id="assessment-charts-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "no chart data on the page"
    return json.loads(match.group(1))


def test_the_dashboard_carries_the_chart_data_of_the_assessment(team: Team) -> None:
    with schema_context(team.client.schema_name):
        assessed = assessed_engagement(apps=4)  # replatform, replatform, refactor, repurchase; app00 not ready
        DecisionReview.objects.create(
            engagement=assessed.engagement,
            application=assessed.apps["app03"],
            status="overridden",
            strategy="retire",
            comment="Licence ends",
            reviewed_at=assessed.assessment.created_at,
        )
    html = http(team.host, team.viewer).get(f"/engagements/{assessed.engagement.pk}/").content.decode()
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in html and "assessments-charts.js" in html
    assert "<script>" not in html  # no inline script under the content security policy
    charts = _charts(html)
    assert dict(zip(charts["strategies"]["keys"], charts["strategies"]["values"], strict=True)) == {
        "replatform": 2,
        "refactor": 1,
        "retire": 1,  # the override counts, not the engine's repurchase
    }
    readiness = dict(zip(charts["readiness"]["keys"], charts["readiness"]["values"], strict=True))
    assert readiness == {"ready": 3, "ready_with_conditions": 0, "unknown": 0, "not_ready": 1}
    assert charts["debt"]["labels"] == ["Operating system", "Runtime"]
    end_of_life = next(s for s in charts["debt"]["series"] if s["label"] == "End of life")
    assert end_of_life["values"] == [1, 0]
    assert charts["cost"]["values"] == [1200.0, 560.64] and charts["cost"]["currency"] == "EUR"
    assert charts["waves"]["applications"] == [2, 2] and charts["waves"]["servers"] == [2, 2]
    assert charts["waves"]["labels"][0].startswith("Pilot")
    for name in ("strategies", "readiness", "debt", "cost", "waves"):
        assert f'data-chart="{name}"' in html
    assert "No imports yet" not in html  # the charts replace the hub's empty states


def test_an_engagement_without_assessment_shows_no_charts(team: Team) -> None:
    with schema_context(team.client.schema_name):
        engagement = Engagement.objects.create(name="Fresh")
    html = http(team.host, team.viewer).get(f"/engagements/{engagement.pk}/").content.decode()
    assert "assessment-charts-data" not in html and "chart.umd.min.js" not in html
    assert "No assessment yet" in html


def test_the_report_prints_the_summary_decisions_waves_and_debt(team: Team) -> None:
    with schema_context(team.client.schema_name):
        assessed = assessed_engagement(apps=3)
    html = (
        http(team.host, team.viewer).get(f"/engagements/{assessed.engagement.pk}/assessment/report/").content.decode()
    )
    assert "Assessment report: Assessed estate" in html
    assert "Draft: the portfolio is not approved yet." in html
    assert html.count("<tr>", html.index('data-testid="report-decisions"')) >= 3
    assert "Rule fired for app00" in html  # the first evidence line says why
    assert "1,200" not in html and "900" in html  # three applications at 300 a month each
    assert 'data-testid="report-waves"' in html and "app00, app01" in html
    assert 'data-testid="report-debt"' in html
    assert "Java" in html and "data-print" in html and "assessments-report.js" in html


def test_the_xlsx_download_is_the_assessment_workbook(team: Team) -> None:
    with schema_context(team.client.schema_name):
        assessed = assessed_engagement(apps=3)
    response = http(team.host, team.viewer).get(f"/engagements/{assessed.engagement.pk}/assessment/report.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="assessed-estate-assessment.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert {"applications", "servers", "decisions", "waves"} <= set(workbook.sheetnames)
    names = [row[0] for row in workbook["applications"].iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["app00", "app01", "app02"]


def test_standards_are_edited_in_place_and_a_minimum_above_the_recommended_is_refused(team: Team) -> None:
    with schema_context(team.client.schema_name):
        engagement = Engagement.objects.create(name="Standards")
    url = f"/engagements/{engagement.pk}/assessment/standards/"
    viewer_page = http(team.host, team.viewer).get(url).content.decode()
    assert "Java" in viewer_page and 'data-testid="standard-save"' not in viewer_page
    with schema_context(team.client.schema_name):
        java = ArchitectureStandard.objects.get(engagement=engagement, component="java")
    client = http(team.host, team.analyst)
    refused = client.post(f"{url}{java.pk}/", {"minimum_version": "25", "recommended_version": "21"}, **HTMX)
    assert refused.status_code == 422
    assert "The minimum (25) is above the recommended version (21)." in refused.content.decode()
    saved = client.post(f"{url}{java.pk}/", {"minimum_version": "11", "recommended_version": "21"}, **HTMX)
    assert saved.status_code == 200 and 'data-testid="saved"' in saved.content.decode()
    with schema_context(team.client.schema_name):
        java.refresh_from_db()
        assert (java.minimum_version, java.recommended_version, java.updated_by_id) == ("11", "21", team.analyst.pk)
        assert ChangeRecord.objects.filter(action="standard_updated", user=team.analyst).exists()
    assert http(team.host, team.viewer).post(f"{url}{java.pk}/", {"minimum_version": "8"}).status_code == 403


def test_the_dashboard_and_report_run_the_same_queries_for_4_or_24_applications(team: Team) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with schema_context(team.client.schema_name):
        small = assessed_engagement(apps=4, name="Small")
        large = assessed_engagement(apps=24, name="Large")
    client = http(team.host, team.viewer)
    for tail in ("", "assessment/report/"):
        counts = []
        for assessed in (small, large):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/engagements/{assessed.engagement.pk}/{tail}").status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], (tail, counts)


def test_every_page_of_an_engagement_without_assessment_shows_its_empty_state(team: Team) -> None:
    with schema_context(team.client.schema_name):
        engagement = Engagement.objects.create(name="Not yet")
    client = http(team.host, team.analyst)
    base = f"/engagements/{engagement.pk}/assessment/"
    expected = {
        "": "No assessment yet",
        "waves/": "No waves yet",
        "report/": "Nothing to report yet",
        "start/": "No applications to assess",
    }
    for tail, text in expected.items():
        response = client.get(base + tail)
        assert response.status_code == 200, tail
        assert text in response.content.decode(), tail
    refused = client.post(
        base + "waves/plan/", {"max_servers_per_wave": "10", "wave_weeks": "2", "pilot_max_apps": "1"}
    )
    assert refused.status_code == 422
    assert "No 6R decisions yet: run the assessment before planning waves." in refused.content.decode()
