"""The assessment API: viewers read, analysts start and review and plan, outsiders and other clients' ids get 404,
and bad input gets a 400 that names the field."""

from __future__ import annotations

from django_tenants.utils import schema_context

from assessments.models import ChangeRecord, DecisionReview, SixRDecision, TechDebtItem
from engagements.models import Engagement
from inventory.models import Application
from tests.assessments.backend_data import Estate, assess
from tests.conftest import api


def test_a_viewer_reads_everything_and_changes_nothing(estate: Estate) -> None:
    with schema_context(estate.schema):
        assess(estate)
        billing = SixRDecision.objects.get(application=estate.apps["Billing"])
    viewer = api(estate.team.host, estate.team.viewer)
    engagement = estate.engagement.pk

    for url in (
        f"/api/v1/assessments/?engagement={engagement}",
        f"/api/v1/decisions/?engagement={engagement}",
        f"/api/v1/decisions/{billing.pk}/",
        f"/api/v1/standards/?engagement={engagement}",
        f"/api/v1/server-assessments/?engagement={engagement}",
        f"/api/v1/tech-debt/?engagement={engagement}",
        f"/api/v1/waves/?engagement={engagement}",
        f"/api/v1/assessment-changes/?engagement={engagement}",
    ):
        assert viewer.get(url).status_code == 200, url

    refused = [
        viewer.post("/api/v1/assessments/", {"engagement": engagement}, format="json"),
        viewer.post(f"/api/v1/decisions/{billing.pk}/review/", {"status": "accepted"}, format="json"),
        viewer.post("/api/v1/waves/plan/", {"engagement": engagement}, format="json"),
        viewer.post("/api/v1/waves/move/", {"application": billing.application_id, "wave_number": 1}, format="json"),
    ]
    assert [response.status_code for response in refused] == [403, 403, 403, 403]
    with schema_context(estate.schema):
        assert not DecisionReview.objects.filter(engagement=estate.engagement).exists()


def test_decisions_filter_and_sort_and_show_the_effective_strategy(estate: Estate) -> None:
    with schema_context(estate.schema):
        assess(estate, approve=False)
        crm = SixRDecision.objects.get(application=estate.apps["Sales CRM"])
    analyst = api(estate.team.host, estate.team.analyst)
    base = f"/api/v1/decisions/?engagement={estate.engagement.pk}"

    reviewed = analyst.patch(
        f"/api/v1/decisions/{crm.pk}/review/",
        {"status": "overridden", "strategy": "retain", "comment": "Contract until 2029"},
        format="json",
    )

    assert reviewed.status_code == 200, reviewed.content
    body = reviewed.json()
    assert (body["strategy"], body["effective_strategy"], body["export_source"]) == ("repurchase", "retain", "override")
    assert (
        body["review"]["comment"] == "Contract until 2029" and body["review"]["reviewed_by"] == estate.team.analyst.pk
    )
    retained = analyst.get(base + "&strategy=retain").json()["results"]
    assert [row["application_name"] for row in retained] == ["Sales CRM"]
    by_confidence = [row["confidence"] for row in analyst.get(base + "&sort=-confidence").json()["results"]]
    assert by_confidence == sorted(by_confidence, reverse=True)
    pending = analyst.get(base + "&review=pending").json()["results"]
    assert "Sales CRM" not in [row["application_name"] for row in pending] and len(pending) == 3
    searched = analyst.get(base + "&q=shop").json()["results"]
    assert [row["application_name"] for row in searched] == ["Web Shop"]

    no_reason = analyst.post(
        f"/api/v1/decisions/{crm.pk}/review/", {"status": "overridden", "strategy": "retire"}, format="json"
    )
    assert no_reason.status_code == 400 and "comment" in no_reason.json()
    unknown = analyst.post(f"/api/v1/decisions/{crm.pk}/review/", {"status": "maybe"}, format="json")
    assert unknown.status_code == 400 and "status" in unknown.json()
    changes = analyst.get(f"/api/v1/assessment-changes/?engagement={estate.engagement.pk}").json()["results"]
    assert changes[0]["action"] == "decision_overridden" and changes[0]["user_email"] == estate.team.analyst.email


def test_standards_are_listed_with_defaults_and_edited_by_an_analyst(estate: Estate) -> None:
    analyst = api(estate.team.host, estate.team.analyst)
    standards = analyst.get(f"/api/v1/standards/?engagement={estate.engagement.pk}").json()
    java = next(s for s in standards if s["component"] == "java")

    upside_down = analyst.patch(
        f"/api/v1/standards/{java['id']}/", {"minimum_version": "21", "recommended_version": "17"}, format="json"
    )
    edited = analyst.patch(
        f"/api/v1/standards/{java['id']}/", {"minimum_version": "21", "recommended_version": "25"}, format="json"
    )

    assert upside_down.status_code == 400 and "minimum_version" in upside_down.json()
    assert edited.status_code == 200
    assert (edited.json()["minimum_version"], edited.json()["recommended_version"]) == ("21", "25")
    with schema_context(estate.schema):
        record = ChangeRecord.objects.get(engagement=estate.engagement, action="standard_updated")
        assert record.user_id == estate.team.analyst.pk and record.detail["after"]["minimum_version"] == "21"


def test_waves_are_planned_and_moved_through_the_api(estate: Estate) -> None:
    with schema_context(estate.schema):
        assess(estate)
    analyst = api(estate.team.host, estate.team.analyst)

    planned = analyst.post(
        "/api/v1/waves/plan/",
        {"engagement": estate.engagement.pk, "max_servers_per_wave": 1, "start_date": "2027-03-01"},
        format="json",
    )

    assert planned.status_code == 200, planned.content
    waves = planned.json()["waves"]
    assert waves[0]["start"] == "2027-03-01"
    wave_of = {app["name"]: wave["number"] for wave in waves for app in wave["applications"]}
    moved = analyst.post(
        "/api/v1/waves/move/",
        {"application": estate.apps["Billing"].pk, "wave_number": wave_of["Web Shop"], "comment": "later"},
        format="json",
    )
    assert moved.status_code == 200
    assert moved.json()["warnings"] == [
        f"Sales CRM (wave {wave_of['Sales CRM']}) depends on Billing (wave {wave_of['Web Shop']}), which moves later"
    ]
    nowhere = analyst.post(
        "/api/v1/waves/move/", {"application": estate.apps["Billing"].pk, "wave_number": 40}, format="json"
    )
    assert nowhere.status_code == 400 and "wave_number" in nowhere.json()
    bad_cap = analyst.post(
        "/api/v1/waves/plan/", {"engagement": estate.engagement.pk, "max_servers_per_wave": 0}, format="json"
    )
    assert bad_cap.status_code == 400 and "max_servers_per_wave" in bad_cap.json()


def test_outsiders_and_other_clients_ids_get_404(estate: Estate) -> None:
    with schema_context(estate.schema):
        assess(estate, approve=False)
        decision = SixRDecision.objects.get(application=estate.apps["Billing"])
        debt = TechDebtItem.objects.filter(engagement=estate.engagement).first()
        assert debt is not None
    outsider = api(estate.team.host, estate.team.outsider)  # a client admin of another client
    assert outsider.get(f"/api/v1/decisions/?engagement={estate.engagement.pk}").status_code == 404
    assert outsider.get(f"/api/v1/decisions/{decision.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/assessment-export/?engagement={estate.engagement.pk}").status_code == 404

    # On its own client's host, the other client's ids do not exist.
    with schema_context(estate.team.other.schema_name):
        assert not Engagement.objects.filter(pk=estate.engagement.pk).exists()
        assert not SixRDecision.objects.filter(pk=decision.pk).exists()
        assert not Application.objects.filter(pk=estate.apps["Billing"].pk).exists()
    at_home = api(estate.team.other_host, estate.team.outsider)
    assert at_home.get(f"/api/v1/decisions/{decision.pk}/").status_code == 404
    assert at_home.get(f"/api/v1/tech-debt/{debt.pk}/").status_code == 404
    assert at_home.get(f"/api/v1/decisions/?engagement={estate.engagement.pk}").status_code == 404
    assert (
        at_home.post(f"/api/v1/decisions/{decision.pk}/review/", {"status": "accepted"}, format="json").status_code
        == 404
    )
    assert (
        at_home.post(
            "/api/v1/waves/move/", {"application": estate.apps["Billing"].pk, "wave_number": 1}, format="json"
        ).status_code
        == 404
    )
    anonymous = api(estate.team.host)
    assert anonymous.get(f"/api/v1/decisions/?engagement={estate.engagement.pk}").status_code in (401, 403)
