from __future__ import annotations

from django_tenants.utils import schema_context

from engagements.models import Engagement
from tests.conftest import api
from tests.factories import Team


def test_a_manager_creates_reads_updates_and_archives_through_the_api(team: Team) -> None:
    client = api(team.host, team.manager)
    created = client.post("/api/v1/engagements/", {"name": "API project", "target_cloud": "gcp"}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["region"], body["currency"], body["created_by"]) == ("us-central1", "USD", team.manager.email)
    pk = body["id"]
    updated = client.patch(f"/api/v1/engagements/{pk}/", {"goal_cost": 5}, format="json")
    assert updated.json()["goal_cost"] == 5
    assert client.delete(f"/api/v1/engagements/{pk}/").status_code == 204
    assert client.get("/api/v1/engagements/").json()["count"] == 0
    archived = client.get("/api/v1/engagements/?archived=true").json()
    assert archived["results"][0]["archived"] is True
    restored = client.post(f"/api/v1/engagements/{pk}/restore/")
    assert restored.json()["archived"] is False


def test_bad_input_names_the_field(team: Team) -> None:
    client = api(team.host, team.manager)
    client.post("/api/v1/engagements/", {"name": "Twice"}, format="json")
    clash = client.post("/api/v1/engagements/", {"name": "TWICE"}, format="json")
    assert clash.status_code == 400 and "name" in clash.json()
    wrong = client.post("/api/v1/engagements/", {"name": "X", "target_cloud": "ibm", "goal_speed": 7}, format="json")
    assert wrong.status_code == 400 and {"target_cloud", "goal_speed"} <= set(wrong.json())
    dates = client.post(
        "/api/v1/engagements/", {"name": "Y", "start_date": "2027-05-01", "target_date": "2027-01-01"}, format="json"
    )
    assert dates.status_code == 400 and "target_date" in dates.json()


def test_an_analyst_reads_but_cannot_change_engagements(team: Team) -> None:
    with schema_context("acme"):
        engagement = Engagement.objects.create(name="Read only")
    client = api(team.host, team.analyst)
    assert client.get(f"/api/v1/engagements/{engagement.pk}/").status_code == 200
    assert client.patch(f"/api/v1/engagements/{engagement.pk}/", {"name": "x"}, format="json").status_code == 403


def test_another_clients_id_is_not_found(team: Team) -> None:
    with schema_context("acme"):
        engagement = Engagement.objects.create(name="Secret")
    response = api(team.other_host, team.outsider).get(f"/api/v1/engagements/{engagement.pk}/")
    assert response.status_code == 404


def test_me_lists_the_users_memberships(team: Team) -> None:
    body = api(team.host, team.viewer).get("/api/v1/me/").json()
    assert body["role"] == "viewer"
    assert body["memberships"] == [{"client": "acme", "client_name": "Acme", "role": "viewer"}]


def test_the_openapi_schema_and_swagger_ui_are_served_from_the_platform(team: Team) -> None:
    client = api(team.host, team.viewer)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/engagements/" in schema.json()["paths"]
    page = client.get("/api/docs/").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page and "<script>" not in page
