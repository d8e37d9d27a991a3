"""A discovery flow imports a real file through real Celery workers while things break: its worker is killed with
SIGKILL in the middle of the inventory phase, the Redis it uses is restarted (every queued message lost), and the
LLM answers 500 on one import and times out on the next. Both imports finish; the assets written are exactly the
files' rows (nothing lost, nothing written twice); the flow's event log and page tell what happened.

The broker, cache and channel layer are a private redis-server the test starts, never the shared one; the imports
run as `manage.py import_inventory --approve` in processes of their own, as an operator would run them.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.db.models import Count
from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from ai.models import LLMCall, Outcome
from engagements.models import Engagement
from flows.models import Flow, FlowEvent, FlowStatus, PhaseRun, PhaseStatus
from imports.models import ColumnMapping, DataImport, RawRecord
from inventory.models import Asset
from tests.ai.stub_llm import StubLLM
from tests.factories import Team
from tests.processes import wait_for

from .conftest import Stack, import_of, phase, server_file


def test_a_discovery_flow_survives_a_killed_worker_a_redis_restart_and_a_failing_llm(
    live_db: None, stack: Stack, live_tenant: Team, tmp_path: Path
) -> None:
    schema = live_tenant.client.schema_name
    with schema_context(schema):
        engagement = Engagement.objects.create(name="Faults " + secrets.token_hex(3))
    big, small = tmp_path / "dc-east.csv", tmp_path / "dc-west.csv"
    east = server_file(big, prefix="east", subnet=1, rows=10_000)
    west = server_file(small, prefix="west", subnet=2, rows=300)

    with StubLLM() as llm:
        llm.fail(500).delay(8.0)  # the first call answers 500, every later one outlasts the 1 s timeout
        stack.extra_env.update(
            LLM_MODEL="stub-org/stub-model",
            LLM_API_BASE=llm.base_url,
            LLM_API_KEY="test",
            LLM_TIMEOUT_SECONDS="1",
            LLM_CREW_TIMEOUT_SECONDS="3",
        )
        stack.start_worker()
        stack.start_beat()
        command = ("import_inventory", "--tenant", schema, "--engagement", engagement.name, "--approve", "--json")
        importing = stack.manage(*command, str(big))

        # 1. SIGKILL the worker in the middle of the inventory phase (assets being written), start another.
        data_import = wait_for(lambda: import_of(schema, big.name), timeout=60, what="the import to start")
        flow_id = data_import.flow_id
        wait_for(
            lambda: phase(schema, flow_id, "inventory").status == PhaseStatus.RUNNING,
            timeout=180,
            interval=0.02,
            what="the inventory phase to run",
        )
        stack.kill_worker()
        killed = phase(schema, flow_id, "inventory")
        assert killed.status == PhaseStatus.RUNNING and killed.attempt == 1, "the phase ended before the kill"
        stack.start_worker()

        # 2. Restart Redis while the retried phase runs: queued and unacknowledged messages are gone.
        wait_for(
            lambda: (run := phase(schema, flow_id, "inventory")).attempt >= 2 and run.status != PhaseStatus.PENDING,
            timeout=90,
            what="the watchdog to retry the inventory phase on the new worker",
        )
        with schema_context(schema):
            assert Flow.objects.get(pk=flow_id).status == FlowStatus.RUNNING  # Redis goes away in the middle of it
        stack.redis.kill()
        time.sleep(2)
        stack.redis.start()
        result = stack.finish(importing, timeout=300)

        # 3. A second file, while the LLM now times out.
        second = stack.finish(stack.manage(*command, str(small)), timeout=180)
        asked = len(llm.completions)

    assert result["status"] == "completed" and second["status"] == "completed", (result, second)
    with schema_context(schema):
        assets = Asset.objects.filter(engagement=engagement)
        # Nothing lost, nothing written twice: exactly the files' rows, once each.
        assert assets.count() == len(east) + len(west)
        assert set(assets.values_list("name", flat=True)) == set(east) | set(west)
        assert not assets.values("name").annotate(n=Count("pk")).filter(n__gt=1).exists()
        first_import = DataImport.objects.get(pk=data_import.pk)
        assert RawRecord.objects.filter(data_import=first_import).count() == len(east)
        assert first_import.flow is not None and first_import.flow.status == FlowStatus.COMPLETED
        inventory = PhaseRun.objects.get(flow_id=flow_id, name="inventory")
        assert inventory.status == PhaseStatus.COMPLETED and inventory.attempt >= 2

        # The event log tells what happened: the watchdog saw the dead worker and retried; one completion per phase.
        events = list(FlowEvent.objects.filter(flow_id=flow_id).order_by("created_at", "pk"))
        recovered = [e for e in events if e.actor == "watchdog" and e.phase == "inventory"]
        assert recovered and "stopped sending heartbeats" in recovered[0].detail, [e.detail for e in events]
        completions = [e.phase for e in events if e.phase and e.to_status == PhaseStatus.COMPLETED]
        assert len(completions) == len(set(completions)) and "dependency_analysis" in completions
        assert events[-1].to_status == FlowStatus.COMPLETED

        # The LLM failed both ways; each time the engine's mapping stood and the failure was logged.
        assert asked >= 2
        outcomes = list(LLMCall.objects.filter(engagement_id=engagement.pk).values_list("outcome", flat=True))
        assert Outcome.ERROR in outcomes and Outcome.TIMEOUT in outcomes and Outcome.OK not in outcomes
        reasons = ColumnMapping.objects.filter(data_import__engagement=engagement).values_list("reason", flat=True)
        assert not [r for r in reasons if r.startswith("AI review")]
        flow = Flow.objects.get(pk=flow_id)

    browser = HttpClient(HTTP_HOST=live_tenant.host)
    browser.force_login(live_tenant.analyst)
    page = browser.get(f"/flows/{flow.pk}/").content.decode()
    assert "stopped sending heartbeats" in page and "Completed" in page
    usage = browser.get(f"/engagements/{engagement.pk}/ai/").content.decode()
    assert "Timeout" in usage and "Error" in usage
