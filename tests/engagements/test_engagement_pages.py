from __future__ import annotations

from django_tenants.utils import schema_context

from engagements.models import Engagement
from tests.conftest import http
from tests.factories import Team

VALID = {
    "name": "DC exit",
    "description": "Leave Frankfurt",
    "target_cloud": "azure",
    "region": "",
    "currency": "eur",
    "status": "planning",
    "start_date": "2027-01-01",
    "target_date": "2027-12-31",
    "goal_speed": "5",
    "goal_cost": "4",
    "goal_modernisation": "2",
    "goal_operations": "3",
}


def test_a_manager_creates_an_engagement_with_the_clouds_default_region(team: Team) -> None:
    response = http(team.host, team.manager).post("/engagements/new/", VALID)
    assert response.status_code == 302
    with schema_context("acme"):
        engagement = Engagement.objects.get(name="DC exit")
    assert (engagement.region, engagement.currency, engagement.created_by) == ("eastus", "EUR", team.manager)
    page = http(team.host, team.viewer).get(response["Location"]).content.decode()
    assert "DC exit" in page and "eastus" in page and "No imports yet" in page


def test_a_duplicate_name_is_shown_on_the_name_field_whatever_its_case(team: Team) -> None:
    with schema_context("acme"):
        Engagement.objects.create(name="DC Exit")
    response = http(team.host, team.manager).post("/engagements/new/", VALID)
    assert response.status_code == 422
    assert 'data-field-error="name"' in response.content.decode()
    assert "already exists" in response.content.decode()


def test_a_target_date_before_the_start_is_refused(team: Team) -> None:
    response = http(team.host, team.manager).post("/engagements/new/", {**VALID, "target_date": "2026-01-01"})
    assert response.status_code == 422
    assert 'data-field-error="target_date"' in response.content.decode()


def test_a_goal_weight_outside_one_to_five_is_refused(team: Team) -> None:
    response = http(team.host, team.manager).post("/engagements/new/", {**VALID, "goal_speed": "9"})
    assert response.status_code == 422
    assert 'data-field-error="goal_speed"' in response.content.decode()


def test_editing_the_cloud_moves_to_its_default_region(team: Team) -> None:
    with schema_context("acme"):
        engagement = Engagement.objects.create(name="Move", target_cloud="aws", region="us-east-1")
    http(team.host, team.manager).post(
        f"/engagements/{engagement.pk}/edit/", {**VALID, "name": "Move", "target_cloud": "gcp"}
    )
    with schema_context("acme"):
        engagement.refresh_from_db()
    assert (engagement.target_cloud, engagement.region) == ("gcp", "us-central1")


def test_archiving_hides_it_from_the_list_and_restoring_brings_it_back(team: Team) -> None:
    with schema_context("acme"):
        engagement = Engagement.objects.create(name="Old project")
    manager = http(team.host, team.manager)
    manager.post(f"/engagements/{engagement.pk}/archive/")
    table = {"HTTP_HX_REQUEST": "true"}
    assert "Old project" not in manager.get("/engagements/", **table).content.decode()
    assert "Old project" in manager.get("/engagements/?archived=on", **table).content.decode()
    manager.post(f"/engagements/{engagement.pk}/archive/", {"restore": "1"})
    assert "Old project" in manager.get("/engagements/", **table).content.decode()


def test_the_list_filters_sorts_and_paginates(team: Team) -> None:
    with schema_context("acme"):
        Engagement.objects.bulk_create(
            [Engagement(name=f"Project {i:02d}", status="discovery" if i % 2 else "planning") for i in range(30)]
        )
    viewer = http(team.host, team.viewer)
    first = viewer.get("/engagements/").content.decode()
    assert "Project 00" in first and "Project 25" not in first and "30 results" in first
    second = viewer.get("/engagements/?page=2").content.decode()
    assert "Project 25" in second
    newest_first = viewer.get("/engagements/?sort=-name").content.decode()
    assert newest_first.index("Project 29") < newest_first.index("Project 28")
    filtered = viewer.get("/engagements/?status=discovery&q=Project 1").content.decode()
    assert "Project 11" in filtered and "Project 10" not in filtered


def test_an_htmx_request_gets_only_the_table_partial(team: Team) -> None:
    with schema_context("acme"):
        Engagement.objects.create(name="Partial")
    response = http(team.host, team.viewer).get("/engagements/?q=Part", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="engagement-table"' in body and "<html" not in body and "Partial" in body


def test_the_empty_state_invites_a_manager_to_create_the_first_engagement(team: Team) -> None:
    assert "Create the first engagement" in http(team.host, team.manager).get("/engagements/").content.decode()
    assert "Create the first engagement" not in http(team.host, team.viewer).get("/engagements/").content.decode()


def test_the_engagement_page_connects_to_its_live_channel(team: Team) -> None:
    with schema_context("acme"):
        engagement = Engagement.objects.create(name="Live")
    page = http(team.host, team.viewer).get(f"/engagements/{engagement.pk}/").content.decode()
    assert f'ws-connect="/ws/engagements/{engagement.pk}/"' in page and 'id="live-status"' in page
