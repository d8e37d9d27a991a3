"""A phase that raises fails the flow with its message (and traceback); a retry runs it again and carries on."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows import selectors, services
from flows.models import Flow, FlowStatus, PhaseRun, PhaseStatus
from tests.factories import Team

from .conftest import Worker, wait_for_status
from .phases import SELFTEST


def test_a_failed_phase_shows_its_error_and_a_retry_completes_the_flow(
    tenant: Team, engagement: Engagement, flows_worker: Worker
) -> None:
    schema = tenant.client.schema_name
    with schema_context(schema):
        flow = services.flow_start(
            engagement=engagement, flow_type=SELFTEST, user=tenant.analyst, flow_input={"fail_until_attempt": 1}
        )
    assert wait_for_status(schema, flow.pk, FlowStatus.FAILED, FlowStatus.COMPLETED) == FlowStatus.FAILED
    with schema_context(schema):
        check = PhaseRun.objects.get(flow_id=flow.pk, name="check")
        assert check.status == PhaseStatus.FAILED
        assert check.error_message == "ValueError: check failed on attempt 1"
        assert "Traceback" in check.error_traceback and "phases.py" in check.error_traceback
        failed = Flow.objects.get(pk=flow.pk)
        assert failed.message == "Check failed: ValueError: check failed on attempt 1"
        assert PhaseRun.objects.get(flow_id=flow.pk, name="finish").status == PhaseStatus.PENDING
        result = selectors.flow_result(flow=failed)
        assert result["status"] == "failed"
        assert result["errors"] == [
            {"row": None, "column": None, "message": "check: ValueError: check failed on attempt 1"}
        ]

        services.phase_retry(flow=failed, user=tenant.analyst)
    assert wait_for_status(schema, flow.pk, FlowStatus.COMPLETED, FlowStatus.FAILED) == FlowStatus.COMPLETED
    with schema_context(schema):
        check = PhaseRun.objects.get(flow_id=flow.pk, name="check")
        assert check.attempt == 2 and check.error_message == "" and check.error_traceback == ""
        # Its output is that of the second run, replaced, not merged.
        assert check.output == {"summary": "checked", "attempt": 2, "warnings": ["a warning"]}
        assert PhaseRun.objects.get(flow_id=flow.pk, name="work").attempt == 1  # done phases are not re-run


def test_only_a_failed_flow_has_a_phase_to_retry(tenant: Team, engagement: Engagement, flows_worker: Worker) -> None:
    schema = tenant.client.schema_name
    with schema_context(schema):
        flow = services.flow_start(engagement=engagement, flow_type=SELFTEST, flow_input={"steps": 1})
    wait_for_status(schema, flow.pk, FlowStatus.COMPLETED)
    with schema_context(schema), pytest.raises(ValidationError, match="Cannot retry this flow: it is completed"):
        services.phase_retry(flow=flow)
