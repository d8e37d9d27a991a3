"""manage.py export_inventory (cli.md): stdout or --output, every format and kind, exit code 2 for bad arguments."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from engagements.models import Engagement
from inventory import services
from tests.conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "manage.py", "export_inventory", *args], cwd=ROOT, capture_output=True, timeout=120
    )


@pytest.fixture
def committed(django_db_blocker: Any) -> Iterator[Engagement]:
    """An engagement with two assets, committed so the command's own process sees them."""
    with django_db_blocker.unblock(), schema_context("acme"):
        engagement = Engagement.objects.create(name="Export CLI")
        services.assets_bulk_write(
            engagement=engagement,
            rows=[{"name": "web01", "ip_address": ["10.0.0.1"], "description": "=1+1"}, {"name": "db01"}],
        )
        try:
            yield engagement
        finally:
            engagement.delete()


def test_json_goes_to_stdout_as_one_array(committed: Engagement) -> None:
    result = run("--tenant", "acme", "--engagement", "export cli", "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["name"] for r in records] == ["web01", "db01"] and records[0]["ip_address"] == ["10.0.0.1"]
    assert b"Exported 2 assets" in result.stderr


def test_csv_and_xlsx_go_to_a_file(committed: Engagement, tmp_path: Path) -> None:
    target = tmp_path / "assets.csv"
    assert (
        run("--tenant", "acme", "--engagement", "Export CLI", "--format", "csv", "--output", str(target)).returncode
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert rows[0]["description"] == "'=1+1"
    book = tmp_path / "apps.xlsx"
    result = run(
        "--tenant",
        "acme",
        "--engagement",
        "Export CLI",
        "--format",
        "xlsx",
        "--kind",
        "applications",
        "--output",
        str(book),
    )
    assert result.returncode == 0 and book.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--tenant", "nosuch", "--engagement", "Export CLI", "--format", "json"), b"--tenant"),
        (("--tenant", "acme", "--engagement", "Nope", "--format", "json"), b"--engagement"),
        (("--tenant", "acme", "--engagement", "Export CLI", "--format", "pdf"), b"--format"),
        (("--tenant", "acme", "--engagement", "Export CLI", "--format", "json", "--kind", "x"), b"--kind"),
        (
            ("--tenant", "acme", "--engagement", "Export CLI", "--format", "json", "--output", "/no/such/dir/f"),
            b"--output",
        ),
    ],
)
def test_bad_arguments_exit_2_naming_the_argument(committed: Engagement, args: tuple[str, ...], named: bytes) -> None:
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert named in result.stderr and b"Traceback" not in result.stderr
