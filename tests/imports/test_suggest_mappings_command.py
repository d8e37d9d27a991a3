"""`manage.py suggest_mappings`: what a user or a script gets on stdout, stderr and the exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from imports.management.commands.suggest_mappings import Command
from tests.imports.filemakers import FIXTURES, make_big_cell_csv, make_rvtools_4x, make_zip_bomb

ROOT = Path(__file__).resolve().parents[2]


def run_json(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command(Command(), *args, "--json", stdout=out, stderr=StringIO())
    payload: dict[str, Any] = json.loads(out.getvalue())
    return payload


def run_from_command_line(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """As `manage.py suggest_mappings ARGS` runs it: (exit code, stdout, stderr)."""
    code = 0
    try:
        Command().run_from_argv(["manage.py", "suggest_mappings", *args])
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def mapping(payload: dict[str, Any], source: str) -> dict[str, Any]:
    found: dict[str, Any] = next(m for m in payload["mappings"] if m["source"] == source)
    return found


def test_it_prints_the_mapping_of_an_rvtools_workbook_as_one_json_object(tmp_path: Path) -> None:
    payload = run_json(str(make_rvtools_4x(tmp_path / "rvtools.xlsx", vinfo_first=False)))

    assert (payload["format"], payload["kind"], payload["sheet"], payload["header_row"]) == (
        "rvtools",
        "assets",
        "vInfo",
        1,
    )
    assert len(payload["mappings"]) == 32
    assert mapping(payload, "Provisioned MiB") == {
        "source": "Provisioned MiB",
        "target": "storage_gb",
        "confidence": 0.98,
        "transform": "mib_to_gb",
        "reason": "known RVTools header; MiB in the header, converted to GB",
    }


def test_it_prints_the_aws_template_mapping() -> None:
    payload = run_json(str(FIXTURES / "aws_ads.csv"))

    assert payload["format"] == "aws_ads"
    memory = mapping(payload, "RAM.TotalSizeInMB")
    assert (memory["target"], memory["transform"], memory["reason"]) == (
        "memory_mb",
        None,
        "known AWS template header",
    )
    assert mapping(payload, "DiskReadsPerSecondInKB.Max")["target"] is None


def test_it_finds_the_header_below_title_rows_and_maps_french_headers() -> None:
    assert run_json(str(FIXTURES / "title_rows.csv"))["header_row"] == 4
    payload = run_json(str(FIXTURES / "generic_french.csv"))
    assert mapping(payload, "Mémoire (Go)")["transform"] == "gb_to_mb"


def test_it_names_blank_and_repeated_headers_in_the_output() -> None:
    sources = [m["source"] for m in run_json(str(FIXTURES / "duplicate_headers.csv"))["mappings"]]

    assert sources == ["Name", "IP", "column_3", "IP (2)", "Name (2)", "IP (3)"]


def test_the_kind_can_be_given(tmp_path: Path) -> None:
    payload = run_json(str(FIXTURES / "konveyor_apps.csv"), "--kind", "applications")

    assert (payload["format"], payload["kind"]) == ("konveyor", "applications")
    assert mapping(payload, "Application Name")["target"] == "name"


def test_a_named_sheet_is_read(tmp_path: Path) -> None:
    payload = run_json(str(make_rvtools_4x(tmp_path / "rvtools.xlsx")), "--sheet", "vNetwork")

    assert payload["sheet"] == "vNetwork"
    assert mapping(payload, "Mac Address")["target"] == "mac_address"


def test_with_json_stdout_holds_exactly_one_object(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_from_command_line(capsys, str(FIXTURES / "header_only.csv"), "--json")

    assert code == 0
    assert json.loads(out)["mappings"][0]["target"] == "name"
    # The note about the missing rows goes to stderr, never into the JSON.
    assert "no data rows" in err


def test_without_json_it_prints_a_table_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_from_command_line(capsys, str(FIXTURES / "title_rows.csv"))

    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "title_rows.csv: format generic, kind assets, sheet -, header on row 4"
    assert lines[1].split() == ["SOURCE", "TARGET", "CONF", "TRANSFORM", "REASON"]
    assert lines[4].split()[:4] == ["RAM", "(GB)", "memory_mb", "0.90"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "empty.csv: the file is empty"),
        ("binary.csv", "binary.csv: the file is binary, not text"),
        ("wrong_extension.xlsx", "wrong_extension.xlsx: not an XLSX workbook"),
        ("ragged_rows.csv", "ragged_rows.csv: row 3: this row has values in 5 columns but the header (row 1) names 3"),
        ("missing.csv", "missing.csv: there is no such file"),
    ],
)
def test_a_broken_file_exits_2_with_one_line_naming_the_problem(
    capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    code, out, err = run_from_command_line(capsys, str(FIXTURES / name), "--json")

    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert message in err
    assert "Traceback" not in err


def test_an_oversized_cell_and_a_zip_bomb_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run_from_command_line(capsys, str(make_big_cell_csv(tmp_path / "big.csv")), "--json")
    assert code == 2
    assert "row 3, column 'Notes': the cell holds 1.0 MB, over the limit of 1 MB" in err

    code, _, err = run_from_command_line(capsys, str(make_zip_bomb(tmp_path / "bomb.xlsx")), "--json")
    assert code == 2
    assert "a ZIP bomb?" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "servers"], "--kind 'servers' is not one of: assets, applications, connections"),
        (["--tenant", "Acme-Corp"], "--tenant 'Acme-Corp' is not a client slug"),
        (["--sheet", "vInfo"], "--sheet 'vInfo': a sheet ('vInfo') was asked for, but a CSV file has no sheets"),
    ],
)
def test_a_bad_argument_exits_2_naming_it(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    code, out, err = run_from_command_line(capsys, str(FIXTURES / "aws_ads.csv"), *args, "--json")

    assert code == 2
    assert out == ""
    assert message in err
    assert len(err.strip().splitlines()) == 1


def test_an_unknown_sheet_exits_2_listing_the_sheets(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    workbook = make_rvtools_4x(tmp_path / "rvtools.xlsx")

    code, _, err = run_from_command_line(capsys, str(workbook), "--sheet", "vHost", "--json")

    assert code == 2
    assert "--sheet 'vHost': the workbook has no sheet named 'vHost'; its sheets are: vInfo, vCPU" in err


@pytest.mark.skipif(not apps.is_installed("imports"), reason="the imports app is not in INSTALLED_APPS yet")
def test_it_runs_through_manage_py_without_a_database() -> None:
    # An address nothing listens on: the command must not need the database.
    env = {**os.environ, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"}
    result = subprocess.run(
        [sys.executable, "manage.py", "suggest_mappings", str(FIXTURES / "azure_migrate.csv"), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["format"] == "azure_migrate"
