"""export_assessment --tenant SLUG --engagement NAME --format json|xlsx [--output FILE]

JSON as application-fields.md "Assessment export" says; XLSX with the sheets applications, servers, decisions and
waves (shared/spec/cli.md). Exit codes: 0 written, 1 the file could not be written, 2 bad arguments.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from assessments.exporters import assessment_export_data, assessment_export_xlsx
from engagements.selectors import engagement_get_by_name
from migration_platform.commands import EXIT_FAILED, bad_argument, client_by_slug


class Command(BaseCommand):
    help = "Export an engagement's assessment (decisions and waves) as JSON or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", metavar="SLUG", required=True)
        parser.add_argument("--engagement", metavar="NAME", required=True)
        parser.add_argument("--format", required=True, choices=("json", "xlsx"))
        parser.add_argument("--output", metavar="FILE", help="a file to write; stdout when absent")

    def handle(self, *args: Any, **options: Any) -> None:
        client = client_by_slug(options["tenant"])
        output = options.get("output")
        if output and not Path(output).resolve().parent.is_dir():
            raise bad_argument(f"--output: the folder of '{output}' does not exist.")
        with schema_context(client.schema_name):
            engagement = engagement_get_by_name(name=options["engagement"])
            if engagement is None:
                raise bad_argument(f"--engagement: {client.name} has no engagement named '{options['engagement']}'.")
            try:
                if options["format"] == "json":
                    data = assessment_export_data(engagement=engagement)
                    text = json.dumps(data, ensure_ascii=False, default=str) + "\n"
                    count = len(data["applications"])
                    if output:
                        Path(output).write_text(text, encoding="utf-8")
                    else:
                        self.stdout.write(text, ending="")
                elif output:
                    with open(output, "wb") as stream:
                        count = assessment_export_xlsx(engagement=engagement, out=stream)
                else:
                    count = assessment_export_xlsx(engagement=engagement, out=sys.stdout.buffer)
                    sys.stdout.buffer.flush()
            except OSError as error:
                raise CommandError(f"Could not write the export: {error}", returncode=EXIT_FAILED) from error
        where = f" to {output}" if output else ""
        sys.stderr.write(f"Exported the assessment of {count} applications of {engagement.name}{where}\n")
