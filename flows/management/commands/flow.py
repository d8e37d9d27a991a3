"""`flow --tenant SLUG ID show|pause|resume|cancel|retry|approve [--user EMAIL] [--json]` and
`flow --tenant SLUG list [--type T] [--status S]` (cli.md, "Flows").

`show` exits as the flow commands do: 1 for a failed or cancelled flow, 3 for one waiting for a person (a gate,
or paused), else 0. An action exits 0 once done, and 2 when it does not apply to the flow's state.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django_tenants.utils import schema_context

from flows import registry, selectors, services
from flows.cli import command_actor, command_user, exit_code, print_result
from flows.models import Flow, FlowStatus
from migration_platform.commands import bad_argument, client_by_slug

ACTIONS = ("show", "pause", "resume", "cancel", "retry", "approve")


class Command(BaseCommand):
    help = "Show, pause, resume, cancel, retry or approve a flow of a client, or list the client's flows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True, help="The client's slug.")
        parser.add_argument("target", help="A flow's id, or 'list'.")
        parser.add_argument("action", nargs="?", help=f"With an id: one of {', '.join(ACTIONS)}.")
        parser.add_argument("--user", default=None, help="Who acts (default: the client's first client admin).")
        parser.add_argument("--json", action="store_true", help="Print one JSON object on stdout.")
        parser.add_argument("--type", default="", help="list: only flows of this type.")
        parser.add_argument("--status", default="", help="list: only flows in this status.")

    def handle(self, *args: Any, **options: Any) -> None:
        client = client_by_slug(options["tenant"])
        target: str = options["target"].strip()
        action: str | None = options["action"]
        if target == "list":
            if action:
                raise bad_argument(f"list takes no action (got '{action}').")
            self._list(client, options)
            return
        if not target.isdigit():
            raise bad_argument(f"'{target}' is neither a flow id nor 'list'.")
        if action not in ACTIONS:
            raise bad_argument(f"action: expected one of {', '.join(ACTIONS)}, got '{action or ''}'.")
        code = self._act(client, int(target), action, options)
        if code:
            sys.exit(code)

    def _act(self, client: Any, pk: int, action: str, options: dict[str, Any]) -> int:
        with schema_context(client.schema_name):
            flow = selectors.flow_get(pk=pk)
            if flow is None:
                raise bad_argument(f"No flow {pk} in {client.name}.")
            if action != "show":
                user = command_user(client=client, email=options["user"])
                try:
                    self._apply(flow, action, user)
                except ValidationError as error:
                    raise bad_argument(" ".join(error.messages)) from error
                sys.stderr.write(f"{flow}: {action} done\n")
            flow.refresh_from_db()
            phases = list(flow.phases.order_by("order"))
            result = selectors.flow_result(flow=flow, phases=phases)
            result["engagement"] = flow.engagement.name
            result["phases"] = [
                {"name": p.name, "status": p.status, "attempt": p.attempt, "progress": p.progress, "message": p.message}
                for p in phases
            ]
            if options["json"]:
                self.stdout.write(json.dumps(result, default=str))
            else:
                print_result(result, json_output=False, stdout=self.stdout)  # type: ignore[arg-type]
                for phase in phases:
                    sys.stderr.write(f"  {phase.order}. {phase.name}: {phase.status} {phase.message}\n")
            return exit_code(flow.status) if action == "show" else 0

    def _apply(self, flow: Flow, action: str, user: Any) -> None:
        actor = command_actor(user)
        if action == "pause":
            services.flow_pause(flow=flow, user=user, actor=actor)
        elif action == "resume":
            services.flow_resume(flow=flow, user=user, actor=actor)
        elif action == "cancel":
            services.flow_cancel(flow=flow, user=user, actor=actor)
        elif action == "retry":
            services.phase_retry(flow=flow, user=user, actor=actor)
        elif action == "approve":
            services.gate_approve(flow=flow, user=user, actor=actor, comment="from the command line")

    def _list(self, client: Any, options: dict[str, Any]) -> None:
        flow_type, status = options["type"].strip(), options["status"].strip()
        if flow_type and flow_type not in registry.flow_types():
            raise bad_argument(f"--type: '{flow_type}' is not one of {', '.join(registry.flow_types())}.")
        if status and status not in FlowStatus.values:
            raise bad_argument(f"--status: '{status}' is not one of {', '.join(FlowStatus.values)}.")
        with schema_context(client.schema_name):
            flows = list(selectors.flow_list(flow_type=flow_type, status=status))
            rows = [
                {
                    "flow_id": flow.pk,
                    "type": flow.type,
                    "engagement": flow.engagement.name,
                    "status": flow.status,
                    "phase": flow.current_phase or None,
                    "progress": flow.progress,
                    "message": flow.message,
                    "created_at": flow.created_at.isoformat(),
                }
                for flow in flows
            ]
        if options["json"]:
            self.stdout.write(json.dumps({"flows": rows}))
            return
        for row in rows:
            self.stdout.write(
                f"{row['flow_id']}\t{row['type']}\t{row['engagement']}\t{row['status']}\t{row['phase'] or '-'}"
                f"\t{row['progress']}%\t{row['created_at']}"
            )
        sys.stderr.write(f"{len(rows)} flow(s)\n")
