"""plan_waves --tenant SLUG --engagement NAME [--max-servers-per-wave N] [--wave-weeks N] [--start YYYY-MM-DD]
[--json]

Plans the waves again from the current decisions (shared/spec/cli.md): runs the planning flow in this process
(the settings given are saved with the engagement first; people's wave moves stay as pins). Prints the flow's
result (one JSON object with --json) and the broken-dependency warnings. Exit codes: 0 planned, 1 the planning
failed (no decisions yet, say), 2 bad arguments.
"""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from flows.cli import run_flow_command
from migration_platform.commands import bad_argument, client_by_slug


def _positive(name: str, value: Any) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise bad_argument(f"{name}: '{value}' is not a whole number.") from None
    if number < 1:
        raise bad_argument(f"{name}: must be at least 1 (got {number}).")
    return number


class Command(BaseCommand):
    help = "Plan an engagement's migration waves again from its current 6R decisions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", metavar="SLUG", required=True, help="the client's slug")
        parser.add_argument("--engagement", metavar="NAME", required=True, help="the engagement's name")
        parser.add_argument("--max-servers-per-wave", metavar="N", dest="max_servers")
        parser.add_argument("--wave-weeks", metavar="N", dest="wave_weeks")
        parser.add_argument("--start", metavar="YYYY-MM-DD")
        parser.add_argument("--user", metavar="EMAIL", help="who acts (default: the client's first client admin)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        flow_input: dict[str, Any] = {}
        max_servers = _positive("--max-servers-per-wave", options.get("max_servers"))
        wave_weeks = _positive("--wave-weeks", options.get("wave_weeks"))
        if wave_weeks is not None and wave_weeks > 52:
            raise bad_argument(f"--wave-weeks: at most 52 (got {wave_weeks}).")
        if max_servers is not None:
            flow_input["max_servers_per_wave"] = max_servers
        if wave_weeks is not None:
            flow_input["wave_weeks"] = wave_weeks
        if options.get("start"):
            try:
                flow_input["start_date"] = date.fromisoformat(options["start"]).isoformat()
            except ValueError:
                raise bad_argument(f"--start: '{options['start']}' is not a date as YYYY-MM-DD.") from None
        client = client_by_slug(options["tenant"])
        from django_tenants.utils import schema_context

        from engagements.selectors import engagement_get_by_name

        with schema_context(client.schema_name):
            engagement = engagement_get_by_name(name=options["engagement"])
        if engagement is None:
            raise bad_argument(f"--engagement: {client.name} has no engagement named '{options['engagement']}'.")
        code = run_flow_command(
            client=client,
            engagement=engagement,
            flow_type="planning",
            flow_input=flow_input,
            user_email=options.get("user"),
            sync=True,
            json_output=options["json"],
            stdout=self.stdout,  # type: ignore[arg-type]
            stderr=sys.stderr,
        )
        if code:
            sys.exit(code)
