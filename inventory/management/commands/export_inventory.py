from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from engagements.selectors import engagement_get_by_name
from inventory.exporters import FORMATS, KINDS, export_write
from migration_platform.commands import EXIT_FAILED, bad_argument, client_by_slug


class Command(BaseCommand):
    help = "Export an engagement's inventory (assets, applications or dependencies) as JSON, CSV or XLSX (cli.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--engagement", required=True)
        parser.add_argument("--format", required=True, choices=FORMATS)
        parser.add_argument("--kind", default="assets", choices=KINDS)
        parser.add_argument("--output", help="a file to write; stdout when absent")

    def handle(self, *args: Any, **options: Any) -> None:
        client = client_by_slug(options["tenant"])
        output = options.get("output")
        if output and not Path(output).resolve().parent.is_dir():
            raise bad_argument(f"--output: the folder of '{output}' does not exist.")
        with schema_context(client.schema_name):
            engagement = engagement_get_by_name(name=options["engagement"])
            if engagement is None:
                raise bad_argument(f"--engagement: no engagement named '{options['engagement']}' in {client.name}.")
            try:
                if output:
                    with open(output, "wb") as stream:
                        exported = export_write(
                            engagement=engagement, kind=options["kind"], fmt=options["format"], out=stream
                        )
                else:
                    exported = export_write(
                        engagement=engagement, kind=options["kind"], fmt=options["format"], out=sys.stdout.buffer
                    )
                    sys.stdout.buffer.flush()
            except OSError as error:
                raise CommandError(f"Could not write the export: {error}", returncode=EXIT_FAILED) from error
        where = f" to {output}" if output else ""
        sys.stderr.write(f"Exported {exported.rows} {options['kind']} of {engagement.name}{where}\n")
