"""The assessment flow end to end on a real Celery worker, inside a client's schema: readiness, tech debt and 6R
rows are written, the review gate waits, viewers and analysts cannot pass it, the engagement manager does (and
is recorded), then the waves are planned and the report summarises the portfolio."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django_tenants.utils import schema_context

from assessments import services
from assessments.models import (
    Assessment,
    ChangeAction,
    ChangeRecord,
    ServerAssessment,
    SixRDecision,
    TechDebtItem,
    WaveAssignment,
)
from flows.models import FlowStatus, PhaseStatus
from tests.assessments.backend_data import Estate
from tests.conftest import api, http
from tests.flows.conftest import phase_statuses, wait_for_status


def _start(estate: Estate) -> Assessment:
    with schema_context(estate.schema):
        flow = services.assessment_start(engagement=estate.engagement, user=estate.team.analyst)
        return Assessment.objects.select_related("flow").get(flow=flow)


def test_the_flow_assesses_waits_at_the_gate_and_goes_on_once_the_manager_approves(
    estate: Estate, assess_worker: str
) -> None:
    assessment = _start(estate)
    flow_id = assessment.flow_id
    assert flow_id is not None

    assert wait_for_status(estate.schema, flow_id, FlowStatus.WAITING_FOR_INPUT, FlowStatus.FAILED, timeout=120) == (
        FlowStatus.WAITING_FOR_INPUT
    )
    statuses = phase_statuses(estate.schema, flow_id)
    assert statuses == {
        "readiness": PhaseStatus.COMPLETED,
        "tech_debt": PhaseStatus.COMPLETED,
        "complexity": PhaseStatus.COMPLETED,
        "sixr": PhaseStatus.COMPLETED,
        "review": PhaseStatus.WAITING_FOR_INPUT,
        "wave_planning": PhaseStatus.PENDING,
        "report": PhaseStatus.PENDING,
    }
    with schema_context(estate.schema):
        engagement = estate.engagement
        readiness = dict(ServerAssessment.objects.filter(engagement=engagement).values_list("asset__name", "readiness"))
        assert readiness["shop01"] == "ready"
        assert readiness["bill01"] in ("ready_with_conditions", "not_ready")
        sized = ServerAssessment.objects.get(engagement=engagement, asset__name="shop01")
        assert sized.target_instance and sized.monthly_cost_target and sized.price_list_date

        debt = set(TechDebtItem.objects.filter(engagement=engagement).values_list("application__name", "component"))
        assert ("Billing", "java") in debt and ("Billing", "windows_server") in debt
        assert not any(app == "Web Shop" for app, _ in debt)

        strategies = dict(
            SixRDecision.objects.filter(engagement=engagement).values_list("application__name", "strategy")
        )
        assert strategies["Fax Gateway"] == "retire"
        assert strategies["Sales CRM"] == "repurchase"
        assert strategies["Web Shop"] == "rehost"
        assert strategies["Billing"] in ("replatform", "refactor")
        assert not WaveAssignment.objects.filter(engagement=engagement).exists()  # planning waits for the gate

    # The flow's page links the gate to the portfolio review.
    page = http(estate.team.host, estate.team.viewer).get(f"/flows/{flow_id}/")
    assert page.status_code == 200
    assert f'href="/engagements/{estate.engagement.pk}/assessment/"' in page.content.decode()

    # A viewer and an analyst cannot approve, through the API or the service.
    url = f"/api/v1/assessments/{assessment.pk}/approve/"
    assert api(estate.team.host, estate.team.viewer).post(url, {}, format="json").status_code == 403
    assert api(estate.team.host, estate.team.analyst).post(url, {}, format="json").status_code == 403
    with schema_context(estate.schema), pytest.raises(PermissionDenied):
        services.portfolio_approve(assessment=assessment, user=estate.team.analyst)
    assert phase_statuses(estate.schema, flow_id)["review"] == PhaseStatus.WAITING_FOR_INPUT

    response = api(estate.team.host, estate.team.manager).post(url, {"comment": "Agreed with the CIO"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["approved_by"] == estate.team.manager.pk

    assert wait_for_status(estate.schema, flow_id, FlowStatus.COMPLETED, FlowStatus.FAILED, timeout=120) == (
        FlowStatus.COMPLETED
    )
    with schema_context(estate.schema):
        assessment.refresh_from_db()
        assert assessment.approved_by_id == estate.team.manager.pk and assessment.approved_at is not None
        assert assessment.approval_comment == "Agreed with the CIO"
        record = ChangeRecord.objects.get(engagement=estate.engagement, action=ChangeAction.PORTFOLIO_APPROVED)
        assert record.user_id == estate.team.manager.pk

        planned = dict(
            WaveAssignment.objects.filter(engagement=estate.engagement).values_list("application__name", "wave__number")
        )
        # Retired applications do not move; the others are planned, Web Shop not before Billing it depends on.
        assert set(planned) == {"Billing", "Sales CRM", "Web Shop"}
        assert planned["Billing"] == planned["Sales CRM"]  # a cycle is one move group
        assert planned["Web Shop"] >= planned["Billing"]

        summary = assessment.summary
        assert summary["applications"] == 4
        assert summary["strategies"]["retire"] == 1 and summary["strategies"]["rehost"] == 1
        assert summary["readiness"]["ready"] >= 2
        assert summary["tech_debt"]["os"] >= 1 and summary["tech_debt"]["runtime"] >= 1
        assert summary["cost"]["monthly_now"] == pytest.approx(400 + 120 + 600 + 150)
        assert 0 < summary["cost"]["monthly_target"] < summary["cost"]["monthly_now"]
        assert summary["waves"] == len(summary["wave_timeline"]) >= 1


def test_a_second_assessment_cannot_start_while_one_waits(estate: Estate, assess_worker: str) -> None:
    assessment = _start(estate)
    wait_for_status(estate.schema, assessment.flow_id, FlowStatus.WAITING_FOR_INPUT, timeout=120)

    response = api(estate.team.host, estate.team.analyst).post(
        "/api/v1/assessments/", {"engagement": estate.engagement.pk}, format="json"
    )

    assert response.status_code == 400
    assert "already under way" in str(response.json())
