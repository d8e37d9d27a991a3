"""demo_seed [--tenant SLUG] [--user EMAIL] [--reset]

Fills the demo client's engagement "Data centre exit 2027" with a realistic estate (engagements/demo.py): an
RVTools workbook, an AWS discovery template, a ServiceNow CMDB export, an application portfolio and a
connections file go through the discovery flow, then the assessment flow runs with its review approved and plans
the waves. Once seeded, a second run says so and exits 0; `--reset` deletes the engagement and builds it again.
Exit codes: 0 done (or already there), 1 a flow failed, 2 bad arguments (unknown client or user).
"""

from __future__ import annotations

import io
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from engagements import demo
from flows.cli import command_user
from migration_platform.commands import EXIT_FAILED, client_by_slug


class Command(BaseCommand):
    help = "Seed the demo client with an engagement: servers, applications, dependencies, assessment and waves."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", metavar="SLUG", default="demo", help="the client's slug (default: demo)")
        parser.add_argument("--user", metavar="EMAIL", help="who acts (default: the client's first client admin)")
        parser.add_argument("--reset", action="store_true", help="delete the demo engagement and build it again")

    def handle(self, *args: Any, **options: Any) -> None:
        client = client_by_slug(options["tenant"])
        user = command_user(client=client, email=options.get("user"))
        started = time.monotonic()
        log = sys.stderr if options["verbosity"] > 1 else io.StringIO()
        try:
            engagement, seeded = demo.demo_seed_run(client=client, user=user, reset=options["reset"], log=log)
        except demo.DemoSeedError as error:
            self.stderr.write(f"demo_seed: {error}")
            sys.exit(EXIT_FAILED)
        if not seeded:
            self.stdout.write(
                f"{client.name} already has the demo engagement '{engagement.name}'; nothing to do "
                "(--reset builds it again)."
            )
            return
        self.stdout.write(
            f"Seeded '{engagement.name}' for {client.name} in {time.monotonic() - started:.1f} s: "
            f"{demo.summary(client=client, engagement=engagement)}."
        )
