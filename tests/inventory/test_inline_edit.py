"""Inline edit on the detail pages: click a field, edit, save; a bad value shows its error and changes nothing."""

from __future__ import annotations

from engagements.models import Engagement
from inventory.models import Application, Asset
from tests.conftest import http
from tests.factories import Team
from tests.inventory.conftest import server, write


def an_asset(engagement: Engagement) -> Asset:
    result = write(engagement, [server("web01", memory_mb=1024, os_name="Ubuntu", environment="Prod")])
    return Asset.objects.get(pk=result.asset_ids[0])


def field_url(engagement: Engagement, asset: Asset, name: str) -> str:
    return f"/engagements/{engagement.pk}/inventory/assets/{asset.pk}/fields/{name}/"


def test_the_detail_page_shows_fields_grouped_with_raw_values_and_provenance(
    team: Team, engagement: Engagement
) -> None:
    asset = an_asset(engagement)
    html = http(team.host, team.viewer).get(asset.get_absolute_url()).content.decode()
    for group in ("Identity", "Compute and storage", "Operating system", "Business", "Custom attributes"):
        assert group in html
    assert "source: “Prod”" in html and 'data-testid="provenance"' in html
    assert 'hx-get="' not in html.split('data-field="memory_mb"')[1].split("</dd>")[0]  # viewers see no edit


def test_an_analyst_opens_the_editor_and_saves_a_value(team: Team, engagement: Engagement) -> None:
    asset = an_asset(engagement)
    client = http(team.host, team.analyst)
    editor = client.get(field_url(engagement, asset, "memory_mb") + "?edit=1", HTTP_HX_REQUEST="true")
    assert editor.status_code == 200 and 'name="value"' in editor.content.decode()
    saved = client.post(field_url(engagement, asset, "memory_mb"), {"value": "2,048"}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200 and 'data-testid="value-memory_mb">2,048' in saved.content.decode()
    asset.refresh_from_db()
    assert (asset.memory_mb, asset.updated_by) == (2048, team.analyst)


def test_a_bad_value_shows_the_field_error_and_changes_nothing(team: Team, engagement: Engagement) -> None:
    asset = an_asset(engagement)
    response = http(team.host, team.analyst).post(
        field_url(engagement, asset, "memory_mb"), {"value": "lots"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-field-error="memory_mb"' in html and "is not a number" in html and "is-invalid" in html
    asset.refresh_from_db()
    assert asset.memory_mb == 1024


def test_an_edit_recomputes_os_family_quality_and_application_links(team: Team, engagement: Engagement) -> None:
    asset = an_asset(engagement)
    client = http(team.host, team.analyst)
    before = asset.quality_score
    client.post(field_url(engagement, asset, "os_name"), {"value": "Windows Server 2022"})
    client.post(field_url(engagement, asset, "application"), {"value": "Billing, CRM"})
    asset.refresh_from_db()
    assert asset.os_family == "windows" and asset.quality_score == before + 10
    assert sorted(asset.applications.values_list("name", flat=True)) == ["Billing", "CRM"]
    client.post(field_url(engagement, asset, "application"), {"value": "CRM"})
    assert list(asset.applications.values_list("name", flat=True)) == ["CRM"]


def test_a_vocabulary_field_takes_a_choice_and_refuses_others(team: Team, engagement: Engagement) -> None:
    asset = an_asset(engagement)
    client = http(team.host, team.analyst)
    assert client.post(field_url(engagement, asset, "criticality"), {"value": "high"}).status_code == 200
    assert client.post(field_url(engagement, asset, "criticality"), {"value": "urgent"}).status_code == 422
    asset.refresh_from_db()
    assert asset.criticality == "high"


def test_a_viewer_cannot_edit_and_derived_fields_are_not_editable(team: Team, engagement: Engagement) -> None:
    asset = an_asset(engagement)
    assert (
        http(team.host, team.viewer).post(field_url(engagement, asset, "memory_mb"), {"value": "1"}).status_code == 403
    )
    analyst = http(team.host, team.analyst)
    assert analyst.post(field_url(engagement, asset, "os_family"), {"value": "unix"}).status_code == 404
    assert analyst.get(field_url(engagement, asset, "nonsense")).status_code == 404


def test_an_application_rename_to_a_taken_name_is_refused(team: Team, engagement: Engagement) -> None:
    write(engagement, [server("a", application=["CRM", "Billing"])])
    crm = Application.objects.get(name="CRM")
    url = f"/engagements/{engagement.pk}/inventory/applications/{crm.pk}/fields/name/"
    response = http(team.host, team.analyst).post(url, {"value": "billing"})
    assert response.status_code == 422 and "already exists" in response.content.decode()
    assert http(team.host, team.analyst).post(url, {"value": "CRM 2"}).status_code == 200
