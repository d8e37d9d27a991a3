"""Soft delete and restore of assets and applications, from the pages."""

from __future__ import annotations

from engagements.models import Engagement
from inventory.models import Application, Asset
from tests.conftest import http
from tests.factories import Team
from tests.inventory.conftest import server, write


def test_an_asset_is_deleted_then_restored(team: Team, engagement: Engagement) -> None:
    asset = Asset.objects.get(pk=write(engagement, [server("web01")]).asset_ids[0])
    url = f"/engagements/{engagement.pk}/inventory/assets/{asset.pk}/delete/"
    client = http(team.host, team.analyst)
    assert client.post(url).status_code == 302
    asset.refresh_from_db()
    assert asset.deleted_at is not None
    assert "deleted" in client.get(asset.get_absolute_url()).content.decode()
    listing = client.get(f"/engagements/{engagement.pk}/inventory/", HTTP_HX_REQUEST="true")
    assert "web01" not in listing.content.decode()
    client.post(url, {"restore": "1"})
    asset.refresh_from_db()
    assert asset.deleted_at is None


def test_an_application_is_deleted_then_restored(team: Team, engagement: Engagement) -> None:
    write(engagement, [server("web01", application=["CRM"])])
    app = Application.objects.get(name="CRM")
    url = f"/engagements/{engagement.pk}/inventory/applications/{app.pk}/delete/"
    client = http(team.host, team.analyst)
    client.post(url)
    app.refresh_from_db()
    assert app.deleted_at is not None
    listing = client.get(f"/engagements/{engagement.pk}/inventory/applications/", HTTP_HX_REQUEST="true")
    assert "CRM" not in listing.content.decode()
    client.post(url, {"restore": "1"})
    app.refresh_from_db()
    assert app.deleted_at is None


def test_a_viewer_cannot_delete(team: Team, engagement: Engagement) -> None:
    asset = Asset.objects.get(pk=write(engagement, [server("web01")]).asset_ids[0])
    url = f"/engagements/{engagement.pk}/inventory/assets/{asset.pk}/delete/"
    assert http(team.host, team.viewer).post(url).status_code == 403
    asset.refresh_from_db()
    assert asset.deleted_at is None
