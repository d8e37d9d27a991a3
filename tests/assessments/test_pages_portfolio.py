"""The portfolio review page: what each role sees, accepting and overriding by htmx, filters, sorting, and a
bounded number of queries whatever the number of rows."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from assessments.models import ChangeRecord, DecisionReview
from tests.assessments.pages_data import Assessed, assessed_engagement
from tests.conftest import http
from tests.factories import Team

HTMX = {"HTTP_HX_REQUEST": "true"}


def _assessed(team: Team, apps: int = 4, name: str = "Assessed estate") -> Assessed:
    with schema_context(team.client.schema_name):
        return assessed_engagement(apps=apps, name=name)


def _url(assessed: Assessed, tail: str = "") -> str:
    return f"/engagements/{assessed.engagement.pk}/assessment/{tail}"


def _rows(html: str) -> list[str]:
    return re.findall(r'data-testid="decision-row" data-application="([^"]+)"', html)


def test_a_viewer_sees_each_decision_but_no_review_buttons(team: Team) -> None:
    assessed = _assessed(team)
    html = http(team.host, team.viewer).get(_url(assessed)).content.decode()
    assert _rows(html) == ["app00", "app01", "app02", "app03"]
    assert 'data-strategy="replatform"' in html  # app00's recommendation
    assert "90%" in html  # its confidence
    assert "m6i" not in html  # sizing lives on the application's page
    assert "Pilot" in html  # the wave of app00
    assert 'data-testid="accept"' not in html and 'data-testid="override-form"' not in html
    assert 'data-testid="approve-form"' not in html
    assert "This run is not waiting for an approval." in html  # stored results, no flow at its gate


def test_an_analyst_accepts_a_decision_and_the_row_says_so(team: Team) -> None:
    assessed = _assessed(team)
    app = assessed.apps["app01"]
    client = http(team.host, team.analyst)
    html = client.get(_url(assessed)).content.decode()
    assert html.count('data-testid="accept"') == 4
    response = client.post(
        _url(assessed, f"applications/{app.pk}/review/"), {"status": "accepted", "from": "portfolio"}, **HTMX
    )
    assert response.status_code == 200
    row = response.content.decode()
    assert row.strip().startswith(f'<tr id="decision-{app.pk}"')
    assert 'title="Accepted"' in row and 'data-testid="accept"' not in row
    with schema_context(team.client.schema_name):
        review = DecisionReview.objects.get(application=app)
        assert (review.status, review.reviewed_by_id) == ("accepted", team.analyst.pk)
        assert ChangeRecord.objects.filter(action="decision_accepted", object_id=app.pk, user=team.analyst).exists()


def test_an_override_needs_a_comment_and_then_becomes_the_decision(team: Team) -> None:
    assessed = _assessed(team)
    app = assessed.apps["app00"]
    client = http(team.host, team.analyst)
    url = _url(assessed, f"applications/{app.pk}/review/")
    refused = client.post(url, {"status": "overridden", "strategy": "retain", "from": "portfolio"}, **HTMX)
    assert refused.status_code == 422
    assert "Say why the recommendation is overridden." in refused.content.decode()
    with schema_context(team.client.schema_name):
        assert not DecisionReview.objects.filter(application=app).exists()
    done = client.post(
        url,
        {"status": "overridden", "strategy": "retain", "comment": "Contract runs to 2028", "from": "portfolio"},
        **HTMX,
    )
    row = done.content.decode()
    assert done.status_code == 200
    assert 'data-effective="retain"' in row and ">override</span>" in row
    assert "engine: Replatform" in row  # the engine's recommendation stays beside it
    html = client.get(_url(assessed, "?strategy=retain")).content.decode()
    assert _rows(html) == ["app00"]
    assert 'data-testid="count-overridden">1<' in client.get(_url(assessed)).content.decode()


def test_filters_and_sorting_change_the_rows(team: Team) -> None:
    assessed = _assessed(team, apps=6)
    client = http(team.host, team.viewer)
    by_confidence = _rows(client.get(_url(assessed, "?sort=-confidence")).content.decode())
    assert by_confidence[:2] == ["app00", "app05"]  # 0.9 each, then by name
    assert _rows(client.get(_url(assessed, "?readiness=not_ready")).content.decode()) == ["app00"]
    assert _rows(client.get(_url(assessed, "?q=app03")).content.decode()) == ["app03"]
    assert _rows(client.get(_url(assessed, "?confidence_max=65")).content.decode()) == ["app03", "app04"]
    empty = client.get(_url(assessed, "?strategy=retire&effort=xs")).content.decode()
    assert "No decision matches these filters." in empty
    partial = client.get(_url(assessed, "?effort=l"), **HTMX).content.decode()
    assert partial.startswith('\n<div id="portfolio-table"') or partial.lstrip().startswith('<div id="portfolio-table"')
    assert _rows(partial) == ["app03"]


def test_the_page_runs_the_same_queries_for_5_or_40_rows(team: Team) -> None:
    small = _assessed(team, apps=5, name="Small")
    large = _assessed(team, apps=40, name="Large")
    client = http(team.host, team.analyst)
    counts = []
    for assessed in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url(assessed, "?per_page=50"))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 20, counts


def test_an_empty_engagement_says_how_to_start(team: Team) -> None:
    from engagements.models import Engagement

    with schema_context(team.client.schema_name):
        engagement = Engagement.objects.create(name="Nothing yet")
    html = http(team.host, team.analyst).get(f"/engagements/{engagement.pk}/assessment/").content.decode()
    assert "No assessment yet" in html and "No decisions yet" in html
    assert 'data-testid="start-assessment"' in html
