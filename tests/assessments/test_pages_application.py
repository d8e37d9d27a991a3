"""An application's assessment page: the decision with its evidence, alternatives, risks, target services,
complexity, debt, servers with readiness and sizing, the review form and the history; and its business facts
editable on the inventory's application page."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from assessments.models import DecisionReview, ServerAssessment
from inventory.models import ApplicationAsset
from tests.assessments.pages_data import Assessed, assessed_engagement
from tests.conftest import http
from tests.factories import Team

HTMX = {"HTTP_HX_REQUEST": "true"}


def _page(assessed: Assessed, name: str = "app00") -> str:
    return f"/engagements/{assessed.engagement.pk}/assessment/applications/{assessed.apps[name].pk}/"


class _Finder(HTMLParser):
    """Collects the text inside the element that carries data-testid=<testid>."""

    VOID = {"input", "br", "img", "hr", "meta", "link"}

    def __init__(self, testid: str) -> None:
        super().__init__()
        self.testid, self.depth, self.found, self.parts = testid, 0, False, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        if self.depth:
            self.depth += 1
        elif not self.found and ("data-testid", self.testid) in attrs:
            self.depth, self.found = 1, True

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def _text(html: str, testid: str) -> str:
    """The text of the element carrying data-testid (tags removed, spaces collapsed)."""
    finder = _Finder(testid)
    finder.feed(html)
    assert finder.found, testid
    return " ".join(" ".join(finder.parts).split())


def test_a_viewer_reads_the_whole_decision_but_gets_no_review_form(team: Team) -> None:
    with schema_context(team.client.schema_name):
        assessed = assessed_engagement(apps=3)
    html = http(team.host, team.viewer).get(_page(assessed)).content.decode()
    assert 'data-testid="recommended"><span class="badge strategy-replatform"' in html
    assert _text(html, "confidence") == "90%"
    assert _text(html, "effort") == "XS 10 person-days"
    assert "Rule fired for app00: custom Java 8 on Windows Server 2008 R2" in _text(html, "evidence")
    assert re.findall(r'data-testid="score">([\d.]+)<', html) == ["0.61", "0.22"]  # best first
    assert "Runtime past its end of life" in _text(html, "risks")
    assert _text(html, "target-services") == "EC2 RDS"
    assert "Replatform onto a supported runtime." in html
    debt = _text(html, "debt")
    assert "Windows Server 2008 R2" in debt and "2020-01-14" in debt and "srv00" in debt
    assert "Java 8" in debt and "application" in debt
    assert "windows_server" not in debt and "2008.2" not in debt  # product keys shown by their names
    servers = _text(html, "servers")
    assert "m6i.xlarge" in servers and "Not ready" in servers and "past its end of support" in servers
    assert "140" in servers and "300" in servers
    assert "AWS on-demand list of 2025-01-01" in html
    assert "Pilot" in _text(html, "wave")
    assert 'data-testid="review-form"' not in html and "Analysts and above review decisions." in html


def test_an_analyst_overrides_on_the_page_and_sees_it_in_the_history(team: Team) -> None:
    with schema_context(team.client.schema_name):
        assessed = assessed_engagement(apps=2)
    client = http(team.host, team.analyst)
    url = _page(assessed) + "review/"
    refused = client.post(url, {"status": "overridden", "strategy": "", "comment": ""}, **HTMX)
    assert refused.status_code == 422
    body = refused.content.decode()
    assert "Choose the strategy that replaces the recommendation." in body
    assert "Say why the recommendation is overridden." in body
    done = client.post(url, {"status": "overridden", "strategy": "refactor", "comment": "Split the monolith"}, **HTMX)
    assert done.status_code == 200
    assert "Overridden to" in done.content.decode() and "Split the monolith" in done.content.decode()
    html = client.get(_page(assessed)).content.decode()
    assert 'data-testid="headline-strategy"><span class="badge strategy-refactor"' in html
    history = _text(html, "history")
    assert "decision overridden → Refactor" in history and "Split the monolith" in history
    assert team.analyst.full_name in history
    with schema_context(team.client.schema_name):
        assert DecisionReview.objects.get(application=assessed.apps["app00"]).strategy == "refactor"


def test_an_application_not_yet_assessed_says_so(team: Team) -> None:
    from inventory import services as inventory

    with schema_context(team.client.schema_name):
        assessed = assessed_engagement(apps=1)
        inventory.assets_bulk_write(engagement=assessed.engagement, rows=[{"name": "new01", "application": ["Newbie"]}])
        from inventory.models import Application

        assessed.apps["Newbie"] = Application.objects.get(engagement=assessed.engagement, name="Newbie")
    html = http(team.host, team.analyst).get(_page(assessed, "Newbie")).content.decode()
    assert "Not assessed yet" in html and 'data-testid="review-form"' not in html
    assert "not assessed" in _text(html, "servers")


def test_the_page_runs_the_same_queries_for_1_or_12_servers(team: Team) -> None:
    from inventory import services as inventory

    with schema_context(team.client.schema_name):
        small = assessed_engagement(apps=1, name="One server")
        large = assessed_engagement(apps=1, name="Twelve servers")
        rows = [{"name": f"extra{i:02d}", "application": ["app00"]} for i in range(11)]
        inventory.assets_bulk_write(engagement=large.engagement, rows=rows)
        extra = ApplicationAsset.objects.filter(application=large.apps["app00"]).exclude(asset=large.assets["srv00"])
        ServerAssessment.objects.bulk_create(
            [
                ServerAssessment(
                    engagement=large.engagement, assessment=large.assessment, asset=link.asset, readiness="ready"
                )
                for link in extra.select_related("asset")
            ]
        )
    client = http(team.host, team.viewer)
    counts = []
    for assessed in (small, large):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(_page(assessed)).content.decode()
        counts.append(len(queries))
        assert html.count('data-testid="server-row"') == (1 if assessed is small else 12)
    assert counts[0] == counts[1], counts


def test_every_business_fact_is_editable_on_the_application_page(team: Team) -> None:
    with schema_context(team.client.schema_name):
        assessed = assessed_engagement(apps=1)
    app = assessed.apps["app00"]
    html = http(team.host, team.analyst).get(app.get_absolute_url()).content.decode()
    facts = [
        "name", "description", "app_type", "business_criticality", "lifecycle", "business_owner", "technical_owner",
        "business_service", "users", "languages", "frameworks", "databases", "middleware", "vendor", "license_model",
        "data_classification", "compliance", "rto_hours", "rpo_minutes", "annual_cost", "tags",
    ]  # fmt: skip
    for name in facts:
        assert f"fields/{name}/?edit=1" in html, name
    assert f'href="/engagements/{assessed.engagement.pk}/assessment/applications/{app.pk}/"' in html
