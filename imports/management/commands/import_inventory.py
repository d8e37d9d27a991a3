"""import_inventory FILE --tenant SLUG --engagement NAME [--sheet NAME] [--kind K] [--mapping FILE.json]
[--on-duplicate update|skip] [--skip-invalid] [--approve] [--sync | --no-wait] [--json]

Runs the discovery flow on a file (shared/spec/cli.md, Discovery). Exit codes: 0 done, 1 the file was refused or
the flow failed, 2 bad arguments (unknown client or engagement, unreadable file), 3 waiting at the mapping gate.
"""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django_tenants.utils import schema_context

from engagements.selectors import engagement_get_by_name
from flows.cli import command_actor, command_user, follow_flow, print_result
from flows.services import running_inline
from imports import services
from imports.engine.fields import KINDS
from migration_platform.commands import EXIT_FAILED, bad_argument, client_by_slug


class Command(BaseCommand):
    help = "Import an inventory file into an engagement (runs the discovery flow)."
    default_kind: str | None = None

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="a CSV, TSV, XLSX or JSON file")
        parser.add_argument("--tenant", metavar="SLUG", required=True, help="the client's slug")
        parser.add_argument("--engagement", metavar="NAME", required=True, help="the engagement's name")
        parser.add_argument("--sheet", metavar="NAME", help="the workbook tab to read (default: vInfo or the first)")
        if self.default_kind is None:
            parser.add_argument("--kind", metavar="K", help=f"{' | '.join(KINDS)} (detected when left out)")
        parser.add_argument("--mapping", metavar="FILE.json", help='{"SOURCE HEADER": "field" or null, ...}')
        parser.add_argument("--on-duplicate", metavar="update|skip", default="update", dest="on_duplicate")
        parser.add_argument("--skip-invalid", action="store_true", dest="skip_invalid")
        parser.add_argument("--approve", action="store_true", help="pass the mapping gate with the suggestion")
        parser.add_argument("--sync", action="store_true", help="run every phase in this process")
        parser.add_argument("--no-wait", action="store_true", dest="no_wait", help="return once the flow is queued")
        parser.add_argument("--user", metavar="EMAIL", help="who acts (default: the client's first client admin)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        code = self._run(options)
        if code:
            sys.exit(code)

    def _run(self, options: dict[str, Any]) -> int:
        kind = self.default_kind or options.get("kind") or ""
        if kind and kind not in KINDS:
            raise bad_argument(f"--kind '{kind}' is not one of: {', '.join(KINDS)}.")
        if options["on_duplicate"] not in ("update", "skip"):
            raise bad_argument(f"--on-duplicate '{options['on_duplicate']}' must be update or skip.")
        if options["sync"] and options["no_wait"]:
            raise bad_argument("--sync and --no-wait cannot go together.")
        path = Path(options["file"])
        if not path.is_file():
            raise bad_argument(f"FILE: {path} is not a file that can be read.")
        try:
            with path.open("rb") as handle:
                handle.read(1)
        except OSError as error:
            raise bad_argument(f"FILE: {path} cannot be read ({error.strerror}).") from None
        mapping = _mapping(options.get("mapping"))
        client = client_by_slug(options["tenant"])
        user = command_user(client=client, email=options.get("user"))
        with schema_context(client.schema_name):
            engagement = engagement_get_by_name(name=options["engagement"])
            if engagement is None:
                raise bad_argument(f"--engagement: {client.name} has no engagement named '{options['engagement']}'.")
            try:
                data_import = services.import_create(
                    engagement=engagement,
                    source=path,
                    original_name=path.name,
                    user=user,
                    kind=kind,
                    sheet=options.get("sheet") or "",
                    on_duplicate=options["on_duplicate"],
                    skip_invalid=options["skip_invalid"],
                    requested_mapping=mapping,
                )
            except ValidationError as error:
                return self._refused(error, path=path, json_output=options["json"])
            with running_inline() if options["sync"] else contextlib.nullcontext():
                data_import = services.import_flow_start(data_import=data_import, user=user, actor=command_actor(user))
            assert data_import.flow is not None
            sys.stderr.write(f"Started {data_import.flow} for {path.name} on {engagement.name}\n")
            return follow_flow(
                flow=data_import.flow,
                user=user,
                sync=options["sync"],
                no_wait=options["no_wait"],
                approve=options["approve"],
                json_output=options["json"],
                stdout=self.stdout,  # type: ignore[arg-type]
                stderr=sys.stderr,
            )

    def _refused(self, error: ValidationError, *, path: Path, json_output: bool) -> int:
        field = getattr(error, "field", None) or next(iter(getattr(error, "error_dict", {}) or {}), "file")
        argument = {"sheet": "--sheet", "mapping": "--mapping", "kind": "--kind", "engagement": "--engagement"}
        if field in argument:
            raise bad_argument(f"{argument[field]}: {' '.join(error.messages)}")
        issues = services.refusal_issues(error)
        message = f"{path.name}: {issues[0]['message']}" if issues else f"{path.name} was refused"
        where = issues[0] if issues else {}
        if where.get("row") is not None:
            column = f", column '{where['column']}'" if where.get("column") else ""
            message = f"{path.name}, row {where['row']}{column}: {where['message']}"
        sys.stderr.write(message + "\n")
        result: dict[str, Any] = {
            "flow_id": None,
            "status": "failed",
            "phase": "data_import",
            "message": message,
            "progress": 0,
            "counts": {},
            "errors": issues,
            "warnings": [],
        }
        print_result(result, json_output=json_output, stdout=self.stdout)  # type: ignore[arg-type]
        return EXIT_FAILED


def _mapping(value: str | None) -> dict[str, str | None] | None:
    if not value:
        return None
    try:
        data = json.loads(Path(value).read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise bad_argument(f"--mapping: {value} cannot be read ({error.strerror}).") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise bad_argument(f"--mapping: {value} is not JSON ({error}).") from None
    if not isinstance(data, dict) or not all(isinstance(v, str | type(None)) for v in data.values()):
        raise bad_argument('--mapping: the file must hold one object {"SOURCE HEADER": "field" or null, ...}.')
    return {str(k): v for k, v in data.items()}
