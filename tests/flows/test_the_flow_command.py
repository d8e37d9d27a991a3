"""`manage.py flow` (cli.md, "Flows") and `run_flow_command`, which the flow commands call: exit codes and JSON."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from typing import Any

import pytest
from django_tenants.utils import schema_context

from engagements.models import Engagement
from flows.cli import run_flow_command
from flows.models import Flow, FlowStatus
from tests.conftest import ROOT
from tests.factories import Team, run_command

from .builders import flow_in_state
from .conftest import Worker
from .phases import SELFTEST_GATE


def flow_command(*args: str) -> tuple[int, str, str]:
    """Run the command in this process; (exit code, stdout, stderr)."""
    outcome = run_command("flow", *args)
    return outcome.code, outcome.out, outcome.err


def test_show_prints_the_flow_as_json_and_exits_by_its_state(team: Team) -> None:
    waiting = flow_in_state(team, "waiting")
    code, out, _ = flow_command("--tenant", "acme", str(waiting.pk), "show", "--json")
    payload = json.loads(out)
    assert code == 3
    assert payload["flow_id"] == waiting.pk and payload["status"] == "waiting_for_input"
    assert payload["phase"] == "approval"
    assert {"message", "counts", "errors", "warnings", "phases"} <= set(payload)
    assert [phase["name"] for phase in payload["phases"]] == ["work", "approval", "finish"]
    failed = flow_in_state(team, "failed")
    code, out, _ = flow_command("--tenant", "acme", str(failed.pk), "show", "--json")
    assert code == 1 and json.loads(out)["errors"][0]["message"].startswith("work: ValueError")
    completed = flow_in_state(team, "completed")
    code, out, _ = flow_command("--tenant", "acme", str(completed.pk), "show")
    assert code == 0 and out.startswith(f"{completed.pk}\tcompleted")


def test_actions_change_the_flow_and_are_recorded_as_from_the_command_line(team: Team) -> None:
    running = flow_in_state(team, "running")
    code, out, _ = flow_command("--tenant", "acme", str(running.pk), "pause", "--user", team.analyst.email, "--json")
    assert code == 0 and json.loads(out)["status"] == "paused"
    assert flow_command("--tenant", "acme", str(running.pk), "resume")[0] == 0
    assert flow_command("--tenant", "acme", str(running.pk), "cancel")[0] == 0
    with schema_context("acme"):
        flow = Flow.objects.get(pk=running.pk)
        actors = list(flow.events.values_list("actor", flat=True))
    assert flow.status == FlowStatus.CANCELLED
    assert f"{team.analyst.email} (from the command line)" in actors
    assert f"{team.owner.email} (from the command line)" in actors  # the default: the first client admin
    failed = flow_in_state(team, "failed")
    assert flow_command("--tenant", "acme", str(failed.pk), "retry")[0] == 0
    waiting = flow_in_state(team, "waiting")
    assert flow_command("--tenant", "acme", str(waiting.pk), "approve", "--user", team.analyst.email)[0] == 0
    with schema_context("acme"):
        gate = Flow.objects.get(pk=waiting.pk).phases.get(name="approval")
    assert gate.decided_by == team.analyst and gate.decision["comment"] == "from the command line"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--tenant", "nosuch", "1", "show"], "--tenant"),
        (["--tenant", "acme", "999999", "show"], "No flow 999999"),
        (["--tenant", "acme", "1", "explode"], "action"),
        (["--tenant", "acme", "abc", "show"], "neither a flow id"),
        (["--tenant", "acme", "list", "--type", "nonsense"], "--type"),
        (["--tenant", "acme", "list", "--status", "sleeping"], "--status"),
    ],
)
def test_bad_arguments_exit_with_2_and_a_message(team: Team, args: list[str], message: str) -> None:
    code, _, err = flow_command(*args)
    assert code == 2 and message in err


def test_an_action_that_does_not_apply_exits_with_2(team: Team) -> None:
    completed = flow_in_state(team, "completed")
    code, _, err = flow_command("--tenant", "acme", str(completed.pk), "pause")
    assert code == 2 and "Cannot pause this flow: it is completed." in err
    code, _, err = flow_command("--tenant", "acme", str(completed.pk), "approve", "--user", "nobody@nowhere.test")
    assert code == 2 and "--user" in err


def test_list_filters_by_type_and_status(team: Team) -> None:
    flow_in_state(team, "completed", flow_type="planning")
    flow_in_state(team, "failed", flow_type="discovery")
    code, out, _ = flow_command("--tenant", "acme", "list", "--type", "planning")
    assert code == 0 and len(out.strip().splitlines()) == 1 and "\tplanning\t" in out
    code, out, _ = flow_command("--tenant", "acme", "list", "--status", "failed", "--json")
    assert [row["type"] for row in json.loads(out)["flows"]] == ["discovery"]


def test_the_real_command_exits_with_the_codes_of_cli_md(tenant: Team, engagement: Engagement) -> None:
    with schema_context(tenant.client.schema_name):
        flow = Flow.objects.create(type="planning", engagement=engagement, status=FlowStatus.FAILED)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", "flow", "--tenant", tenant.client.schema_name, *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )

    shown = run(str(flow.pk), "show", "--json")
    assert shown.returncode == 1 and json.loads(shown.stdout)["status"] == "failed"
    missing = run("424242", "show")
    assert missing.returncode == 2 and "No flow 424242" in missing.stderr and "Traceback" not in missing.stderr


def _run(tenant: Team, engagement: Engagement, **options: Any) -> tuple[int, dict[str, Any], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_flow_command(
        client=tenant.client,
        engagement=engagement,
        flow_type=SELFTEST_GATE,
        json_output=True,
        stdout=out,
        stderr=err,
        **options,
    )
    return code, json.loads(out.getvalue()), err.getvalue()


def test_a_synchronous_run_stops_at_the_gate_with_3_or_passes_it_with_approve(
    tenant: Team, engagement: Engagement
) -> None:
    code, result, progress = _run(tenant, engagement, sync=True)
    assert code == 3 and result["status"] == "waiting_for_input" and result["phase"] == "approval"
    assert "work: completed" in progress  # progress on stderr
    code, result, _ = _run(tenant, engagement, sync=True, approve=True, user_email=tenant.analyst.email)
    assert code == 0 and result["status"] == "completed"
    assert set(result) >= {"flow_id", "status", "phase", "message", "counts", "errors", "warnings"}
    with schema_context(tenant.client.schema_name):
        gate = Flow.objects.get(pk=result["flow_id"]).phases.get(name="approval")
    assert gate.decision["by"] == f"{tenant.analyst.email} (from the command line)"


def test_no_wait_returns_as_soon_as_the_flow_is_queued_and_waiting_follows_it_on_the_workers(
    tenant: Team, engagement: Engagement, flows_worker: Worker
) -> None:
    code, result, _ = _run(tenant, engagement, no_wait=True)
    assert code == 0 and result["status"] == "running"
    code, result, progress = _run(tenant, engagement, approve=True)
    assert code == 0 and result["status"] == "completed"
    assert "waiting_for_input [approval]" in progress and "completed" in progress
