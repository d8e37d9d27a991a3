"""REST API: assets, applications, dependencies and connections with filters; PATCH, soft DELETE and restore."""

from __future__ import annotations

from engagements.models import Engagement
from inventory import services
from inventory.models import Application, Asset
from tests.conftest import api
from tests.factories import Team
from tests.inventory.conftest import server, write


def data(engagement: Engagement) -> list[int]:
    ids = write(
        engagement,
        [
            server("web01", environment="prod", os_name="Ubuntu", application=["CRM"], dependencies=["db01"]),
            server("db01", environment="test", asset_type="database", ip_address=["10.0.0.5"]),
        ],
    ).asset_ids
    services.connections_bulk_write(
        engagement=engagement, rows=[{"source": "web01", "target": "10.0.0.5", "port": 5432, "protocol": "TCP"}]
    )
    services.application_dependencies_bulk_write(engagement=engagement, rows=[{"source": "CRM", "target": "Ledger"}])
    return ids


def test_assets_are_listed_with_filters_and_pagination(team: Team, engagement: Engagement) -> None:
    data(engagement)
    client = api(team.host, team.viewer)
    listing = client.get(f"/api/v1/assets/?engagement={engagement.pk}").json()
    assert listing["count"] == 2 and [a["name"] for a in listing["results"]] == ["db01", "web01"]
    assert listing["results"][1]["applications"][0]["name"] == "CRM"
    assert [
        a["name"]
        for a in client.get(f"/api/v1/assets/?engagement={engagement.pk}&environment=production").json()["results"]
    ] == ["web01"]
    assert [
        a["name"] for a in client.get(f"/api/v1/assets/?engagement={engagement.pk}&search=10.0.0.5").json()["results"]
    ] == ["db01"]
    assert (
        client.get(f"/api/v1/assets/?engagement={engagement.pk}&ordering=-name").json()["results"][0]["name"] == "web01"
    )
    assert client.get("/api/v1/assets/").status_code == 400


def test_an_analyst_patches_an_asset_and_a_bad_value_is_a_400_naming_the_field(
    team: Team, engagement: Engagement
) -> None:
    web = data(engagement)[0]
    client = api(team.host, team.analyst)
    response = client.patch(f"/api/v1/assets/{web}/", {"memory_mb": 4096, "os_name": "Windows 2019"}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["memory_mb"], response.json()["os_family"]) == (4096, "windows")
    bad = client.patch(f"/api/v1/assets/{web}/", {"memory_mb": "lots", "os_family": "x"}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"memory_mb", "os_family"}
    assert Asset.objects.get(pk=web).memory_mb == 4096


def test_delete_is_soft_and_restore_brings_it_back(team: Team, engagement: Engagement) -> None:
    web = data(engagement)[0]
    client = api(team.host, team.analyst)
    assert client.delete(f"/api/v1/assets/{web}/").status_code == 204
    assert Asset.objects.get(pk=web).deleted_at is not None
    assert client.get(f"/api/v1/assets/?engagement={engagement.pk}").json()["count"] == 1
    assert client.post(f"/api/v1/assets/{web}/restore/").json()["deleted"] is False
    crm = Application.objects.get(name="CRM")
    assert client.delete(f"/api/v1/applications/{crm.pk}/").status_code == 204
    assert client.post(f"/api/v1/applications/{crm.pk}/restore/").status_code == 200


def test_applications_dependencies_and_connections(team: Team, engagement: Engagement) -> None:
    web, db = data(engagement)
    client = api(team.host, team.viewer)
    apps = client.get(f"/api/v1/applications/?engagement={engagement.pk}").json()["results"]
    assert [a["name"] for a in apps] == ["CRM", "Ledger"] and apps[0]["server_ids"] == [web]
    crm = apps[0]["id"]
    deps = client.get(f"/api/v1/dependencies/?engagement={engagement.pk}&application={crm}").json()["results"]
    assert (deps[0]["source_name"], deps[0]["target_name"]) == ("CRM", "Ledger")
    conns = client.get(f"/api/v1/connections/?engagement={engagement.pk}&asset={db}").json()["results"]
    # One from the connections file (port 5432) and one from web01's `dependencies` column (no port).
    assert sorted((c["source_name"], c["target_name"], c["port"] or 0) for c in conns) == [
        ("web01", "db01", 0),
        ("web01", "db01", 5432),
    ]
    patched = api(team.host, team.analyst).patch(f"/api/v1/applications/{crm}/", {"lifecycle": "Sunset"}, format="json")
    assert patched.json()["lifecycle"] == "sunset"


def test_a_viewer_cannot_patch_or_delete(team: Team, engagement: Engagement) -> None:
    web = data(engagement)[0]
    client = api(team.host, team.viewer)
    assert client.patch(f"/api/v1/assets/{web}/", {"memory_mb": 1}, format="json").status_code == 403
    assert client.delete(f"/api/v1/assets/{web}/").status_code == 403
