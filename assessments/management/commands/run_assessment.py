"""run_assessment --tenant SLUG --engagement NAME [--applications NAME ...] [--approve] [--sync | --no-wait] [--json]

Runs the assessment flow, wave planning included (shared/spec/cli.md). Exit codes: 0 done, 1 the flow failed,
2 bad arguments (unknown client, engagement or application), 3 waiting at the review gate (without --approve).
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.db.models.functions import Lower
from django_tenants.utils import schema_context

from assessments import services
from engagements.selectors import engagement_get_by_name
from flows.cli import command_actor, command_user, follow_flow
from flows.services import running_inline
from inventory.models import Application
from migration_platform.commands import bad_argument, client_by_slug


class Command(BaseCommand):
    help = "Assess an engagement's applications: readiness, tech debt, complexity, 6R, review, waves and report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", metavar="SLUG", required=True, help="the client's slug")
        parser.add_argument("--engagement", metavar="NAME", required=True, help="the engagement's name")
        parser.add_argument(
            "--applications", metavar="NAME", nargs="+", help="assess only these applications (default: all)"
        )
        parser.add_argument("--approve", action="store_true", help="pass the review gate (as --user)")
        parser.add_argument("--sync", action="store_true", help="run every phase in this process")
        parser.add_argument("--no-wait", action="store_true", dest="no_wait", help="return once the flow is queued")
        parser.add_argument("--user", metavar="EMAIL", help="who acts (default: the client's first client admin)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        code = self._run(options)
        if code:
            sys.exit(code)

    def _run(self, options: dict[str, Any]) -> int:
        if options["sync"] and options["no_wait"]:
            raise bad_argument("--sync and --no-wait cannot go together.")
        client = client_by_slug(options["tenant"])
        user = command_user(client=client, email=options.get("user"))
        with schema_context(client.schema_name):
            engagement = engagement_get_by_name(name=options["engagement"])
            if engagement is None:
                raise bad_argument(f"--engagement: {client.name} has no engagement named '{options['engagement']}'.")
            application_ids = _application_ids(engagement.pk, options.get("applications"))
            try:
                with running_inline() if options["sync"] else contextlib.nullcontext():
                    flow = services.assessment_start(
                        engagement=engagement, user=user, application_ids=application_ids, actor=command_actor(user)
                    )
            except ValidationError as error:
                raise bad_argument("; ".join(error.messages)) from None
            sys.stderr.write(f"Started {flow} on {engagement.name}\n")
            return follow_flow(
                flow=flow,
                user=user,
                sync=options["sync"],
                no_wait=options["no_wait"],
                approve=options["approve"],
                json_output=options["json"],
                stdout=self.stdout,  # type: ignore[arg-type]
                stderr=sys.stderr,
            )


def _application_ids(engagement_id: int, names: list[str] | None) -> list[int] | None:
    """The ids of the named applications (case-insensitive), or an exit 2 naming those not found."""
    if not names:
        return None
    wanted = {name.strip().lower(): name.strip() for name in names if name.strip()}
    found = dict(
        Application.objects.filter(engagement_id=engagement_id, deleted_at__isnull=True)
        .annotate(key=Lower("name"))
        .filter(key__in=list(wanted))
        .values_list("key", "pk")
    )
    missing = [wanted[key] for key in wanted if key not in found]
    if missing:
        raise bad_argument(f"--applications: no application named {', '.join(repr(m) for m in missing)}.")
    return sorted(found.values())
