"""A discovery flow whose worker dies in the inventory phase on every attempt fails with a message that says so (on
the command line and on the flow's page) and writes no asset at all; once the workers are healthy, a retry of the
failed phase writes exactly the file's rows. Uses a private redis-server, never the shared one."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows.models import Flow, FlowStatus, PhaseStatus
from inventory.models import Asset
from tests.factories import Team
from tests.processes import wait_for

from .conftest import Stack, import_of, phase, server_file


def flow_status(schema: str, flow_id: int) -> str:
    with schema_context(schema):
        return Flow.objects.values_list("status", flat=True).get(pk=flow_id)


def test_a_flow_whose_workers_keep_dying_fails_with_a_clear_message_and_a_retry_completes_it(
    live_db: None, stack: Stack, live_tenant: Team, tmp_path: Path
) -> None:
    schema = live_tenant.client.schema_name
    with schema_context(schema):
        engagement = Engagement.objects.create(name="Dying workers " + secrets.token_hex(3))
    path = tmp_path / "servers.csv"
    names = server_file(path, prefix="host", subnet=3, rows=8_000)
    stack.extra_env.update(FLOW_MAX_ATTEMPTS="2", LLM_MODEL="")
    stack.start_worker()
    stack.start_beat()
    importing = stack.manage(
        "import_inventory", str(path), "--tenant", schema, "--engagement", engagement.name, "--approve", "--json"
    )
    data_import = wait_for(lambda: import_of(schema, path.name), timeout=60, what="the import to start")
    flow_id = data_import.flow_id

    for attempt in (1, 2):  # the worker dies in the middle of writing the assets, every time
        wait_for(
            lambda attempt=attempt: (
                (run := phase(schema, flow_id, "inventory")).status == PhaseStatus.RUNNING and run.attempt == attempt
            ),
            timeout=180,
            interval=0.02,
            what=f"attempt {attempt} of the inventory phase",
        )
        stack.kill_worker()
        assert phase(schema, flow_id, "inventory").status == PhaseStatus.RUNNING, "the phase ended before the kill"
        stack.start_worker()  # the watchdog's sweeps run on a worker

    code, out, err = stack.wait(importing, timeout=120)
    result = json.loads(out.strip().splitlines()[-1])
    assert code == 1 and result["status"] == "failed", (code, out, err[-2000:])
    assert "worker stopped responding" in result["message"]
    with schema_context(schema):
        assert not Asset.objects.filter(engagement=engagement).exists()  # nothing half-written
        run = phase(schema, flow_id, "inventory")
        assert run.status == PhaseStatus.FAILED and "gave up after 2 attempts" in run.error_message
        flow = Flow.objects.get(pk=flow_id)

    browser = HttpClient(HTTP_HOST=live_tenant.host)
    browser.force_login(live_tenant.analyst)
    page = browser.get(f"/flows/{flow.pk}/").content.decode()
    assert "its worker stopped responding" in page and "gave up after 2 attempts" in page

    # The workers are healthy again: the operator retries the failed phase and the flow completes.
    retried = stack.manage("flow", "--tenant", schema, str(flow_id), "retry", "--json")
    code, out, err = stack.wait(retried, timeout=60)
    assert code == 0, (out, err[-2000:])
    stack.supervise(lambda: flow_status(schema, flow_id) in (FlowStatus.COMPLETED, FlowStatus.FAILED), timeout=180)
    with schema_context(schema):
        assert Flow.objects.get(pk=flow_id).status == FlowStatus.COMPLETED
        assets = Asset.objects.filter(engagement=engagement)
        assert assets.count() == len(names)
        assert set(assets.values_list("name", flat=True)) == set(names)
