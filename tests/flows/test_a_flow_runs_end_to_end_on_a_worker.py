"""A flow started in a client runs phase after phase on a real Celery worker, inside that client's schema."""

from __future__ import annotations

from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows import services
from flows.models import Flow, FlowStatus, PhaseStatus
from tests.factories import Team

from .conftest import Worker, events_of, phase_statuses, wait_for_status
from .phases import SELFTEST


def test_a_flow_runs_every_phase_in_order_on_the_worker(
    tenant: Team, engagement: Engagement, flows_worker: Worker
) -> None:
    schema = tenant.client.schema_name
    with schema_context(schema):
        flow = services.flow_start(
            engagement=engagement, flow_type=SELFTEST, user=tenant.analyst, flow_input={"steps": 4}
        )
    assert wait_for_status(schema, flow.pk, FlowStatus.COMPLETED, FlowStatus.FAILED) == FlowStatus.COMPLETED
    assert phase_statuses(schema, flow.pk) == {"work": "completed", "check": "completed", "finish": "completed"}
    with schema_context(schema):
        done = Flow.objects.get(pk=flow.pk)
        assert done.progress == 100 and done.started_at and done.finished_at
        work = done.phases.get(name="work")
        assert work.output["counts"] == {"steps": 4}
        assert work.attempt == 1 and work.worker_id  # host/pid/task: who ran it
        assert work.message == "4 steps done"
    transitions = [(phase, before, after) for _, phase, before, after, _ in events_of(schema, flow.pk)]
    assert transitions == [
        ("", "", "pending"),
        ("work", "pending", "running"),
        ("", "pending", "running"),
        ("work", "running", "completed"),
        ("check", "pending", "running"),
        ("check", "running", "completed"),
        ("finish", "pending", "running"),
        ("finish", "running", "completed"),
        ("", "running", "completed"),
    ]
    actors = {actor for actor, *_ in events_of(schema, flow.pk)}
    assert tenant.analyst.email in actors
    assert any(actor.startswith("worker ") for actor in actors)


def test_the_flow_lives_only_in_its_clients_schema(tenant: Team, engagement: Engagement, flows_worker: Worker) -> None:
    schema = tenant.client.schema_name
    with schema_context(schema):
        flow = services.flow_start(engagement=engagement, flow_type=SELFTEST, flow_input={"steps": 1})
    wait_for_status(schema, flow.pk, FlowStatus.COMPLETED)
    with schema_context("globex"):
        assert not Flow.objects.filter(pk=flow.pk, engagement__name=engagement.name).exists()


def test_a_discovery_flow_starts_with_its_phases_in_order_and_the_first_queued(
    tenant: Team, engagement: Engagement
) -> None:
    schema = tenant.client.schema_name
    with schema_context(schema), services.running_inline():
        flow = services.flow_start(engagement=engagement, flow_type="discovery", user=tenant.analyst)
        statuses = dict(flow.phases.order_by("order").values_list("name", "status"))
        assert Flow.objects.get(pk=flow.pk).status == FlowStatus.PENDING
        assert flow.phases.get(name="data_import").enqueued_at is not None
        services.flow_cancel(flow=flow, user=tenant.analyst)
    assert list(statuses) == [
        "data_import",
        "field_mapping",
        "validation",
        "cleansing",
        "inventory",
        "classification",
        "dependency_analysis",
    ]
    assert set(statuses.values()) == {PhaseStatus.PENDING}
