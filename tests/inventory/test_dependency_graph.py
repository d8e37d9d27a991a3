"""The dependency graph of an application: declared dependencies, network neighbours and its servers, as JSON."""

from __future__ import annotations

from engagements.models import Engagement
from inventory import services
from inventory.models import Application
from tests.conftest import api, http
from tests.factories import Team
from tests.inventory.conftest import server, write


def test_the_graph_has_the_application_its_neighbours_and_servers(team: Team, engagement: Engagement) -> None:
    write(
        engagement,
        [
            server("web01", application=["CRM"]),
            server("db01", application=["Data Hub"]),
            server("mq01", application=["Bus"]),
        ],
    )
    services.application_dependencies_bulk_write(
        engagement=engagement,
        rows=[
            {"source": "CRM", "target": "Ledger", "kind": "api"},
            {"source": "CRM", "target": "Portal", "direction": "northbound"},
        ],
    )
    services.connections_bulk_write(
        engagement=engagement,
        rows=[
            {"source": "web01", "target": "db01", "port": 5432},
            {"source": "mq01", "target": "web01", "port": 5672},
        ],
    )
    crm = Application.objects.get(name="CRM")
    response = http(team.host, team.viewer).get(
        f"/engagements/{engagement.pk}/inventory/applications/{crm.pk}/graph.json"
    )
    graph = response.json()
    labels = {node["label"]: node for node in graph["nodes"]}
    assert set(labels) == {"CRM", "Ledger", "Portal", "Data Hub", "Bus", "web01"}
    assert labels["CRM"]["focus"] and labels["web01"]["type"] == "asset"
    edges = {(e["source"], e["target"], e["type"]): e for e in graph["edges"]}
    key = {name: node["id"] for name, node in labels.items()}
    assert (key["CRM"], key["Ledger"], "dependency") in edges
    assert (key["Portal"], key["CRM"], "dependency") in edges  # northbound: Portal depends on CRM
    assert edges[(key["CRM"], key["Data Hub"], "network")]["label"] == "5432"
    assert (key["Bus"], key["CRM"], "network") in edges
    assert (key["CRM"], key["web01"], "runs_on") in edges
    assert api(team.host, team.viewer).get(f"/api/v1/applications/{crm.pk}/graph/").json() == graph


def test_the_graph_page_loads_its_script_without_inline_code(team: Team, engagement: Engagement) -> None:
    write(engagement, [server("web01", application=["CRM"])])
    crm = Application.objects.get(name="CRM")
    html = (
        http(team.host, team.viewer)
        .get(f"/engagements/{engagement.pk}/inventory/applications/{crm.pk}/graph/")
        .content.decode()
    )
    assert "vendor/cytoscape/cytoscape.min.js" in html and "js/dependency-graph.js" in html
    assert "data-graph-url=" in html
    assert "<script>" not in html and "style=" not in html
