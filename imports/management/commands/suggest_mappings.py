"""suggest_mappings FILE [--sheet NAME] [--kind assets|applications|connections] [--tenant SLUG] [--json]

The mapping engine alone (shared/spec/cli.md, Discovery): no LLM, and no database unless --tenant adds the
client's learned mappings. With --json, stdout holds exactly one JSON object; notes go to stderr.
An unreadable file or a bad argument exits with 2 and one line naming the problem.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports.engine.fields import KINDS, Kind
from imports.engine.learned import load_learned_mappings
from imports.engine.mapping import Suggestion, suggest
from imports.engine.readers import ReadError, SheetNotFound, read_table

TENANT_SLUG = re.compile(r"^[a-z][a-z0-9]{1,30}$")
# Widest source header shown in the human-readable table before it is cut.
SOURCE_WIDTH = 40


class Command(BaseCommand):
    help = "Suggest how each column of an inventory file maps onto the canonical fields."
    # It reads a file and prints: no system checks, no migrations check, no database.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="a CSV, TSV, XLSX or JSON file")
        parser.add_argument("--sheet", metavar="NAME", help="the workbook tab to read (default: vInfo or the first)")
        parser.add_argument("--kind", metavar="KIND", help=f"{' | '.join(KINDS)} (detected when left out)")
        parser.add_argument("--tenant", metavar="SLUG", help="add this client's learned mappings")
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = _kind(options["kind"])
        tenant: str | None = options["tenant"]
        if tenant is not None and not TENANT_SLUG.match(tenant):
            raise CommandError(
                f"--tenant '{tenant}' is not a client slug (a lower-case letter, then 1 to 30 letters or digits)",
                returncode=2,
            )
        path = Path(options["file"])
        sheet: str | None = options["sheet"]
        try:
            table = read_table(path, sheet=sheet)
        except SheetNotFound as error:
            raise CommandError(f"--sheet '{sheet}': {error}", returncode=2) from None
        except ReadError as error:
            raise CommandError(f"{path}: {error}", returncode=2) from None
        with table:
            learned = load_learned_mappings(tenant) if tenant else None
            suggestion = suggest(table, kind=kind, learned=learned)
            if table.row_count == 0:
                self.stderr.write(f"{path}: a header and no data rows; the mapping reads the headers alone")
        if options["json"]:
            self.stdout.write(json.dumps(suggestion.to_json(), ensure_ascii=False))
        else:
            self.stdout.write(render(suggestion, path))


def _kind(value: str | None) -> Kind | None:
    if value is None:
        return None
    for kind in KINDS:
        if kind == value:
            return kind
    raise CommandError(f"--kind '{value}' is not one of: {', '.join(KINDS)}", returncode=2)


def render(suggestion: Suggestion, path: Path) -> str:
    """The suggestion as a table a person reads in a terminal."""
    lines = [
        f"{path.name}: format {suggestion.format}, kind {suggestion.kind}, "
        f"sheet {suggestion.sheet or '-'}, header on row {suggestion.header_row}",
    ]
    rows = [("SOURCE", "TARGET", "CONF", "TRANSFORM", "REASON")]
    for m in suggestion.mappings:
        source = m.source if len(m.source) <= SOURCE_WIDTH else m.source[: SOURCE_WIDTH - 1] + "…"
        rows.append((source, m.target or "-", f"{m.confidence:.2f}", m.transform or "-", m.reason))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)) + "  " + row[4])
    return "\n".join(lines)
