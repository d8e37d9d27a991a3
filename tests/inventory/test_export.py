"""Exports: JSON shape, CSV and XLSX columns, lists joined, formulas neutralised; the page button and the API."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from openpyxl import load_workbook

from engagements.models import Engagement
from inventory import services
from inventory.exporters import export_write
from inventory.fields import APPLICATION_FIELDS, ASSET_FIELDS
from tests.conftest import api, http
from tests.factories import Team
from tests.inventory.conftest import server, write

NASTY = '=HYPERLINK("http://evil")'


def data(engagement: Engagement) -> None:
    write(
        engagement,
        [
            server(
                "web01",
                ip_address=["10.0.0.1", "10.0.0.2"],
                memory_mb=2048,
                description=NASTY,
                business_owner="@ops",
                cost_center="-42",
                application=["CRM"],
                custom_attributes={"Rack": "A1"},
            ),
            server("db01", technical_owner="+33 1 23"),
        ],
    )
    services.application_dependencies_bulk_write(engagement=engagement, rows=[{"source": "CRM", "target": "Ledger"}])


def exported(engagement: Engagement, kind: str, fmt: str) -> bytes:
    out = io.BytesIO()
    export_write(engagement=engagement, kind=kind, fmt=fmt, out=out)  # type: ignore[arg-type]
    return out.getvalue()


def test_json_has_every_canonical_field_id_and_custom_attributes(engagement: Engagement) -> None:
    data(engagement)
    records: list[dict[str, Any]] = json.loads(exported(engagement, "assets", "json"))
    assert [r["name"] for r in records] == ["web01", "db01"]
    assert list(records[0]) == ["id", *ASSET_FIELDS, "custom_attributes"]
    web = records[0]
    assert web["ip_address"] == ["10.0.0.1", "10.0.0.2"] and web["memory_mb"] == 2048
    assert web["cpu_cores"] is None and web["os_family"] is None and web["custom_attributes"] == {"Rack": "A1"}
    assert web["description"] == NASTY  # JSON is data, not a spreadsheet: kept as it is


def test_csv_joins_lists_and_neutralises_formulas_but_not_numbers(engagement: Engagement) -> None:
    data(engagement)
    table = list(csv.DictReader(io.StringIO(exported(engagement, "assets", "csv").decode())))
    web, db = table
    assert web["ip_address"] == "10.0.0.1; 10.0.0.2"
    assert web["description"] == "'" + NASTY and web["business_owner"] == "'@ops"
    assert web["cost_center"] == "-42"  # a number stays a number
    assert db["technical_owner"] == "'+33 1 23" and db["cpu_cores"] == ""
    assert list(table[0]) == ["id", *ASSET_FIELDS, "custom_attributes"]


def test_xlsx_has_the_same_columns_with_typed_numbers(engagement: Engagement) -> None:
    data(engagement)
    sheet = load_workbook(io.BytesIO(exported(engagement, "assets", "xlsx")), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))  # type: ignore[union-attr]
    header, web = rows[0], dict(zip(rows[0], rows[1], strict=True))
    assert list(header) == ["id", *ASSET_FIELDS, "custom_attributes"]
    assert web["memory_mb"] == 2048 and web["description"] == "'" + NASTY and web["ip_address"] == "10.0.0.1; 10.0.0.2"


def test_applications_and_dependencies_export(engagement: Engagement) -> None:
    data(engagement)
    apps = json.loads(exported(engagement, "applications", "json"))
    assert [a["name"] for a in apps] == ["CRM", "Ledger"]
    assert list(apps[0]) == ["id", *APPLICATION_FIELDS, "custom_attributes"] and apps[0]["servers"] == ["web01"]
    deps = list(csv.DictReader(io.StringIO(exported(engagement, "dependencies", "csv").decode())))
    assert (deps[0]["source"], deps[0]["target"], deps[0]["direction"]) == ("CRM", "Ledger", "outbound")


def test_the_page_button_downloads_a_file(team: Team, engagement: Engagement) -> None:
    data(engagement)
    response = http(team.host, team.viewer).get(f"/engagements/{engagement.pk}/inventory/export/?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert b"web01" in b"".join(response.streaming_content)  # type: ignore[attr-defined]
    bad = http(team.host, team.viewer).get(f"/engagements/{engagement.pk}/inventory/export/?format=pdf")
    assert bad.status_code == 400


def test_the_api_exports_each_kind(team: Team, engagement: Engagement) -> None:
    data(engagement)
    client = api(team.host, team.viewer)
    response = client.get(f"/api/v1/assets/export/?engagement={engagement.pk}&format=json")
    assert response.status_code == 200
    assert [r["name"] for r in json.loads(b"".join(response.streaming_content))] == ["web01", "db01"]  # type: ignore[attr-defined]
    xlsx = client.get(f"/api/v1/applications/export/?engagement={engagement.pk}&format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    deps = client.get(f"/api/v1/dependencies/export/?engagement={engagement.pk}&format=csv")
    assert b"Ledger" in b"".join(deps.streaming_content)  # type: ignore[attr-defined]
