"""import_inventory's exit codes (0, 1, 2, 3) and JSON; every broken file gets a clear message, no traceback,
and leaves no data."""

from __future__ import annotations

from pathlib import Path

import pytest
from django_tenants.utils import schema_context

from engagements.models import Engagement
from imports.models import DataImport, RawRecord
from inventory.models import Asset

from .conftest import FIXTURES, import_file, run_command, write_csv

BROKEN = {
    "empty.csv": "empty",
    "header_only.csv": "no data rows",
    "binary.csv": "",
    "wrong_extension.xlsx": "",
    "ragged_rows.csv": "row 3",
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_file_exits_1_with_a_clear_message_and_leaves_nothing(
    engagement: Engagement, schema: str, name: str
) -> None:
    with schema_context(schema):
        outcome = import_file(FIXTURES / name, engagement, "--approve")
        assert outcome.code == 1, outcome.err
        assert "Traceback" not in outcome.err
        result = outcome.result
        assert result["status"] == "failed" and result["errors"][0]["message"]
        assert BROKEN[name].lower() in (outcome.err + result["message"]).lower()
        assert not DataImport.objects.filter(engagement=engagement).exists()
        assert not RawRecord.objects.exists() or not Asset.objects.filter(engagement=engagement).exists()


def test_bad_arguments_exit_2_naming_the_argument(engagement: Engagement, schema: str, tmp_path: Path) -> None:
    path = FIXTURES / "aws_ads.csv"
    with schema_context(schema):
        unknown = run_command("import_inventory", str(path), "--tenant", "nosuchclient", "--engagement", "x")
        assert unknown.code == 2 and "--tenant" in unknown.err
        missing = run_command("import_inventory", str(path), "--tenant", schema, "--engagement", "No such one")
        assert missing.code == 2 and "--engagement" in missing.err
        nofile = import_file(tmp_path / "nope.csv", engagement)
        assert nofile.code == 2 and "FILE" in nofile.err
        mapping = write_csv(tmp_path / "m.json", '{"No such header": "hostname"}')
        wrong = import_file(path, engagement, "--mapping", str(mapping))
        assert wrong.code == 2 and "--mapping" in wrong.err and "No such header" in wrong.err
        duplicate = import_file(path, engagement, "--on-duplicate", "merge")
        assert duplicate.code == 2 and "--on-duplicate" in duplicate.err
        sheet = import_file(path, engagement, "--sheet", "vInfo")
        assert sheet.code == 2 and "--sheet" in sheet.err


def test_a_mapping_file_overrides_the_suggestion(engagement: Engagement, schema: str, tmp_path: Path) -> None:
    csv = write_csv(tmp_path / "s.csv", "Server,Site code\nsrv01,AMS-1\n")
    mapping = write_csv(tmp_path / "m.json", '{"Site code": "location"}')
    with schema_context(schema):
        outcome = import_file(csv, engagement, "--mapping", str(mapping), "--approve")
        assert outcome.code == 0 and outcome.result["status"] == "completed"
        assert Asset.objects.get(engagement=engagement).location == "AMS-1"
