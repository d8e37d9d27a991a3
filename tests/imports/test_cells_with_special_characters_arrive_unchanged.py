"""Cells travel as hand-written COPY text (raw records), JSON lines (the typed spill) and array literals (list
fields): backslashes, quotes, tabs, braces, separators and non-ASCII text arrive in the raw records and the
inventory exactly as the file has them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django_tenants.utils import schema_context

from engagements.models import Engagement
from imports.models import DataImport, RawRecord
from inventory.models import Asset

from .conftest import import_file, write_csv

RACK = 'C:\\temp\\new say "hi" {x} \\N'
TAGS = 'a\\b; c"d"; {e}'
ACCENTS = "ünïcødé ✓\ttab"


def _csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(
        [
            ["Server name", "IP address", "Rack label", "Tags"],
            ["srv01", "10.0.0.1", RACK, TAGS],
            ["srv02", "10.0.0.2", ACCENTS, "plain"],
        ]
    )
    return out.getvalue()


def test_special_characters_survive_the_raw_records_and_the_inventory(
    engagement: Engagement, schema: str, tmp_path: Path
) -> None:
    with schema_context(schema):
        outcome = import_file(write_csv(tmp_path / "tricky.csv", _csv()), engagement, "--approve")
        assert outcome.code == 0, outcome.out
        data_import = DataImport.objects.get(engagement=engagement)
        headers = data_import.headers
        raw = {r.row_number: r.cells_by_header(headers) for r in RawRecord.objects.filter(data_import=data_import)}
        assert (raw[2]["Rack label"], raw[2]["Tags"], raw[3]["Rack label"]) == (RACK, TAGS, ACCENTS)
        assets = {a.name: a for a in Asset.objects.filter(engagement=engagement)}
        assert assets["srv01"].custom_attributes["Rack label"] == RACK
        assert assets["srv01"].tags == ["a\\b", 'c"d"', "{e}"]
        assert assets["srv02"].custom_attributes["Rack label"] == ACCENTS
