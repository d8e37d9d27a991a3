"""Flows from the command line: what `flow` and the flow commands (import_inventory, run_assessment) share.

cli.md, "Common rules": progress goes to stderr and the result to stdout (one JSON object with --json); exit 0
done, 1 failed, 2 bad arguments, 3 waiting for a person. By default the flow runs on the workers and the command
waits; `--sync` runs every phase in the command's process; `--no-wait` returns once the flow is queued;
`--approve` passes gates with their suggested answers, recorded as approved by the user "from the command line".
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from typing import TYPE_CHECKING, Any, TextIO

from django_tenants.utils import schema_context

from accounts.models import User
from migration_platform.commands import EXIT_FAILED, EXIT_WAITING, bad_argument
from tenants.models import Membership
from tenants.roles import Role

from . import selectors, services
from .models import Flow, FlowStatus

if TYPE_CHECKING:
    from engagements.models import Engagement
    from tenants.models import Client

FROM_THE_COMMAND_LINE = "from the command line"
STILL_GOING = (FlowStatus.PENDING, FlowStatus.RUNNING)


def command_user(*, client: Client, email: str | None) -> User:
    """`--user EMAIL` (a member of the client), or the client's first client admin."""
    if email:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None or not (user.is_superuser or Membership.objects.filter(user=user, client=client).exists()):
            raise bad_argument(f"--user: '{email}' is not a member of {client.name}.")
        return user
    membership = (
        Membership.objects.filter(client=client, role=Role.CLIENT_ADMIN).select_related("user").order_by("pk").first()
    )
    if membership is None:
        raise bad_argument(f"--user: {client.name} has no client admin; name the person acting with --user EMAIL.")
    return membership.user


def command_actor(user: User) -> str:
    return f"{user.email} ({FROM_THE_COMMAND_LINE})"


def exit_code(status: str) -> int:
    if status in (FlowStatus.FAILED, FlowStatus.CANCELLED):
        return EXIT_FAILED
    if status in (FlowStatus.WAITING_FOR_INPUT, FlowStatus.PAUSED):
        return EXIT_WAITING
    return 0


def _progress_line(flow: Flow) -> str:
    phase = f" [{flow.current_phase}]" if flow.current_phase else ""
    return f"flow {flow.pk} {flow.status}{phase} {flow.progress}%: {flow.message}\n"


def _wait(flow: Flow, *, stderr: TextIO, poll_seconds: float) -> Flow:
    """Until the flow stops running (ends, waits at a gate, or is paused), printing each change on stderr."""
    last = ""
    quiet_since = time.monotonic()
    hinted = False
    while True:
        flow.refresh_from_db()
        line = _progress_line(flow)
        if line != last:
            stderr.write(line)
            last = line
            quiet_since = time.monotonic()
        if flow.status not in STILL_GOING:
            return flow
        if flow.status == FlowStatus.PENDING and not hinted and time.monotonic() - quiet_since > 15:
            stderr.write("No worker has started the flow yet: is a Celery worker running? (--sync needs none)\n")
            hinted = True
        time.sleep(poll_seconds)


def follow_flow(
    *,
    flow: Flow,
    user: User,
    sync: bool = False,
    no_wait: bool = False,
    approve: bool = False,
    json_output: bool = False,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    poll_seconds: float = 0.5,
) -> int:
    """Drive or watch a started flow as cli.md says, print its result, and return the exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    # In --sync mode nothing is sent to the workers, not even the phase after an approved gate.
    with services.running_inline() if sync else contextlib.nullcontext():
        while not no_wait:
            if sync:
                services.flow_run_inline(
                    flow=flow, after_phase=lambda run: err.write(f"  {run.name}: {run.status}. {run.message}\n")
                )
            flow = _wait(flow, stderr=err, poll_seconds=poll_seconds)
            if flow.status == FlowStatus.WAITING_FOR_INPUT and approve:
                services.gate_approve(flow=flow, user=user, actor=command_actor(user), comment=FROM_THE_COMMAND_LINE)
                continue
            break
    flow.refresh_from_db()
    result = selectors.flow_result(flow=flow)
    print_result(result, json_output=json_output, stdout=out)
    if flow.status == FlowStatus.WAITING_FOR_INPUT:
        err.write(
            f"Flow {flow.pk} waits for a decision at {flow.current_phase}: approve it on its page, or with "
            f"`manage.py flow --tenant <slug> {flow.pk} approve`.\n"
        )
    return exit_code(result["status"]) if not no_wait else 0


def print_result(result: dict[str, Any], *, json_output: bool, stdout: TextIO) -> None:
    if json_output:
        stdout.write(json.dumps(result, default=str) + "\n")
        return
    stdout.write(f"{result['flow_id']}\t{result['status']}\t{result['phase'] or '-'}\t{result['message']}\n")


def run_flow_command(
    *,
    client: Client,
    engagement: Engagement,
    flow_type: str,
    flow_input: dict[str, Any] | None = None,
    user_email: str | None = None,
    sync: bool = False,
    no_wait: bool = False,
    approve: bool = False,
    json_output: bool = False,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Start a flow of `flow_type` on the engagement and follow it; what import_inventory and run_assessment call.

    Returns the exit code (the caller passes it to sys.exit when not 0).
    """
    if sync and no_wait:
        raise bad_argument("--sync and --no-wait cannot go together.")
    user = command_user(client=client, email=user_email)
    with schema_context(client.schema_name):
        flow = services.flow_start(
            engagement=engagement, flow_type=flow_type, user=user, actor=command_actor(user), flow_input=flow_input
        )
        (stderr or sys.stderr).write(f"Started {flow} on {engagement.name}\n")
        return follow_flow(
            flow=flow,
            user=user,
            sync=sync,
            no_wait=no_wait,
            approve=approve,
            json_output=json_output,
            stdout=stdout,
            stderr=stderr,
        )
