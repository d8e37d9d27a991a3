"""Rows with errors fail the whole import (exit 1, nothing written) with their row and column, unless
--skip-invalid, which writes the valid rows and reports the others."""

from __future__ import annotations

from pathlib import Path

from django_tenants.utils import schema_context

from engagements.models import Engagement
from imports.models import DataImport, RawRecord
from inventory.models import Asset

from .conftest import import_file, write_csv

CSV = (
    "Server name,IP address,Memory (MB),CPU cores\n"
    "srv01,10.0.0.1,4096,2\n"
    "srv02,10.0.0.300,8192,4\n"
    "srv03,10.0.0.3,lots,4\n"
    ",,1024,1\n"
)


def test_rows_with_errors_fail_the_import_and_name_their_row_and_column(
    engagement: Engagement, schema: str, tmp_path: Path
) -> None:
    with schema_context(schema):
        outcome = import_file(write_csv(tmp_path / "bad.csv", CSV), engagement, "--approve")
        assert outcome.code == 1 and outcome.result["status"] == "failed"
        errors = outcome.result["errors"]
        located = {(e["row"], e["column"]) for e in errors if e["row"] is not None}
        assert (3, "IP address") in located and (4, "Memory (MB)") in located and (5, None) in located
        assert any("nothing was written" in e["message"] for e in errors)
        assert not Asset.objects.filter(engagement=engagement).exists()


def test_skip_invalid_imports_the_valid_rows_and_reports_the_rest(
    engagement: Engagement, schema: str, tmp_path: Path
) -> None:
    with schema_context(schema):
        outcome = import_file(write_csv(tmp_path / "bad.csv", CSV), engagement, "--approve", "--skip-invalid")
        assert outcome.code == 0, outcome.out
        assert list(Asset.objects.filter(engagement=engagement).values_list("name", flat=True)) == ["srv01"]
        assert outcome.result["counts"]["invalid"] == 3
        data_import = DataImport.objects.get(engagement=engagement)
        assert RawRecord.objects.filter(data_import=data_import, status="invalid").count() == 3


def test_a_number_too_large_for_its_unit_is_an_error_of_its_row_and_column(
    engagement: Engagement, schema: str, tmp_path: Path
) -> None:
    """A memory cell in GB is converted to MB: 1e308 GB (or 1e400, beyond a float) is no number of MB."""
    csv = "Server name,RAM (GB),CPU cores\nsrv01,16,2\nsrv02,1e308,4\nsrv03,1e400,4\n"
    with schema_context(schema):
        outcome = import_file(write_csv(tmp_path / "huge.csv", csv), engagement, "--approve")
        assert outcome.code == 1 and outcome.result["status"] == "failed", outcome.out
        located = {(e["row"], e["column"]) for e in outcome.result["errors"] if e["row"] is not None}
        assert located == {(3, "RAM (GB)"), (4, "RAM (GB)")}
        assert not Asset.objects.filter(engagement=engagement).exists()
