"""The assessment export: JSON exactly as application-fields.md "Assessment export" says, and the XLSX workbook
with its four sheets, whose text cells never start a formula."""

from __future__ import annotations

import io

from django_tenants.utils import schema_context
from openpyxl import load_workbook

from assessments import services
from assessments.models import SixRDecision, Wave
from inventory.models import Application
from tests.assessments.backend_data import Estate, assess
from tests.conftest import api

APPLICATION_KEYS = {
    "name",
    "strategy",
    "confidence",
    "effort",
    "person_days",
    "evidence",
    "alternatives",
    "wave",
    "monthly_cost_now",
    "monthly_cost_target",
    "source",
}
STRATEGIES = {"rehost", "replatform", "refactor", "repurchase", "retire", "retain"}


def test_the_json_has_exactly_the_fields_of_the_contract(estate: Estate) -> None:
    with schema_context(estate.schema):
        assess(estate)
        services.decision_review(
            application=estate.apps["Sales CRM"],
            user=estate.team.analyst,
            status="overridden",
            strategy="retain",
            comment="Contract runs until 2029",
        )
        services.waves_plan(engagement=estate.engagement, user=estate.team.analyst)
        data = services.assessment_export_json(engagement=estate.engagement)
        wave_names = set(Wave.objects.filter(engagement=estate.engagement).values_list("name", flat=True))

    assert set(data) == {"applications", "waves"}
    by_name = {a["name"]: a for a in data["applications"]}
    assert set(by_name) == {"Billing", "Fax Gateway", "Sales CRM", "Web Shop"}
    for app in data["applications"]:
        assert set(app) == APPLICATION_KEYS
        assert app["strategy"] in STRATEGIES
        assert 0 <= app["confidence"] <= 1
        assert app["effort"] in {"xs", "s", "m", "l", "xl"}
        assert isinstance(app["person_days"], int)
        assert app["evidence"] and all(isinstance(line, str) for line in app["evidence"])
        assert len(app["alternatives"]) == 5
        assert all(set(alt) == {"strategy", "score"} for alt in app["alternatives"])
        assert {alt["strategy"] for alt in app["alternatives"]} | {app["strategy"]} == STRATEGIES or (
            app["source"] == "override"
        )
        assert app["wave"] is None or app["wave"] in wave_names
        assert app["source"] in {"engine", "llm", "override"}
    assert by_name["Sales CRM"]["strategy"] == "retain" and by_name["Sales CRM"]["source"] == "override"
    assert by_name["Sales CRM"]["wave"] is None  # retained now: it does not move
    assert by_name["Fax Gateway"]["wave"] is None and by_name["Fax Gateway"]["monthly_cost_target"] == 0
    assert by_name["Web Shop"]["monthly_cost_now"] == 150.0
    for wave in data["waves"]:
        assert set(wave) == {"name", "start", "end", "applications"}
        assert wave["start"] <= wave["end"]
    listed = [name for wave in data["waves"] for name in wave["applications"]]
    assert sorted(listed) == ["Billing", "Web Shop"]
    assert {by_name[name]["wave"] for name in listed} <= {wave["name"] for wave in data["waves"]}


def test_the_workbook_has_four_sheets_and_neutralises_formulas(estate: Estate) -> None:
    with schema_context(estate.schema):
        Application.objects.filter(pk=estate.apps["Web Shop"].pk).update(name='=HYPERLINK("http://x","shop")')
        assess(estate)
        content = services.assessment_export_xlsx(engagement=estate.engagement)
        decided = SixRDecision.objects.filter(engagement=estate.engagement).count()

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    assert workbook.sheetnames == ["applications", "decisions", "servers", "waves"]
    applications = list(workbook["applications"].values)
    assert applications[0][:3] == ("name", "app_type", "business_criticality")
    assert len(applications) == 1 + decided
    names = [row[0] for row in applications[1:]]
    assert '\'=HYPERLINK("http://x","shop")' in names
    decisions = list(workbook["decisions"].values)
    assert decisions[0][:4] == ("application", "engine_strategy", "strategy", "source")
    assert len(decisions) == 1 + decided
    servers = list(workbook["servers"].values)
    assert {row[0] for row in servers[1:]} == {"bill01", "fax01", "crm01", "shop01"}
    shop = next(row for row in servers[1:] if row[0] == "shop01")
    assert shop[2] == "ready" and shop[4]  # readiness and a target instance
    waves = list(workbook["waves"].values)
    assert waves[0] == ("wave", "name", "start", "end", "pilot", "application", "move_group", "moved_by_hand")
    assert len(waves) == 1 + 3  # the three applications that move


def test_the_api_serves_both_formats_to_a_viewer(estate: Estate) -> None:
    with schema_context(estate.schema):
        assess(estate)
    client = api(estate.team.host, estate.team.viewer)
    url = f"/api/v1/assessment-export/?engagement={estate.engagement.pk}"

    as_json = client.get(url)
    as_xlsx = client.get(url + "&format=xlsx")

    assert as_json.status_code == 200 and set(as_json.json()) == {"applications", "waves"}
    assert as_xlsx.status_code == 200
    assert as_xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert load_workbook(io.BytesIO(as_xlsx.content), read_only=True).sheetnames[0] == "applications"
    assert client.get(url + "&format=pdf").status_code == 400
