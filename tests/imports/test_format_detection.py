"""Which format and kind a file is, from its headers (and RVTools' vInfo tab)."""

from __future__ import annotations

from pathlib import Path

import pytest

from imports.engine.formats import FORMAT_NAMES, detect_format
from imports.engine.mapping import detect_kind
from imports.engine.readers import read_table
from tests.imports.filemakers import FIXTURES, make_rvtools_4x

SERVICENOW_LABELS = [
    "Name",
    "Class",
    "IP Address",
    "Operating System",
    "OS Version",
    "CPU count",
    "CPU speed (MHz)",
    "RAM (MB)",
    "Disk space (GB)",
    "Status",
    "Used for",
    "Assigned to",
    "Support group",
    "Location",
]


@pytest.mark.parametrize(
    ("fixture", "expected_format", "expected_kind"),
    [
        ("aws_ads.csv", "aws_ads", "assets"),
        ("azure_migrate.csv", "azure_migrate", "assets"),
        ("google_mc_vminfo.csv", "google_mc", "assets"),
        ("rvtools_3x_vinfo.csv", "rvtools", "assets"),
        ("servicenow_cmdb_ci_server.csv", "servicenow", "assets"),
        ("konveyor_apps.csv", "konveyor", "applications"),
        ("connections.csv", "connections", "connections"),
        ("generic_french.csv", "generic", "assets"),
        ("title_rows.csv", "generic", "assets"),
        ("servers.json", "generic", "assets"),
    ],
)
def test_it_recognises_each_format_from_its_documented_headers(
    fixture: str, expected_format: str, expected_kind: str
) -> None:
    headers = read_table(FIXTURES / fixture).headers

    spec = detect_format(headers)

    assert spec.name == expected_format
    assert detect_kind(headers, spec) == expected_kind


def test_it_recognises_an_rvtools_4x_workbook_by_its_vinfo_tab(tmp_path: Path) -> None:
    table = read_table(make_rvtools_4x(tmp_path / "export.xlsx"))

    assert detect_format(table.headers, sheet=table.sheet).name == "rvtools"


def test_a_vinfo_tab_settles_rvtools_with_few_of_its_columns() -> None:
    headers = ["VM", "CPUs", "Memory"]

    assert detect_format(headers).name == "generic"
    assert detect_format(headers, sheet="vInfo").name == "rvtools"


def test_it_recognises_servicenow_labels_as_well_as_field_names() -> None:
    assert detect_format(SERVICENOW_LABELS).name == "servicenow"


def test_google_headers_with_an_optional_suffix_are_recognised() -> None:
    headers = ["MachineId", "MachineName", "PrimaryIPAddress(optional)", "TotalDiskAllocatedGiB", "MemoryGiB"]

    assert detect_format(headers).name == "google_mc"


def test_azure_headers_with_the_mandatory_asterisk_are_recognised() -> None:
    headers = ["*Server name", "*Cores", "*Memory (In MB)", "*OS name"]

    assert detect_format(headers).name == "azure_migrate"


def test_a_file_with_two_known_headers_of_a_format_stays_generic() -> None:
    assert detect_format(["Server name", "Cores", "Owner", "Comments"]).name == "generic"


def test_a_connections_file_needs_both_ends_and_a_port_or_protocol() -> None:
    assert detect_format(["src_ip", "dst_ip", "dst_port", "proto"]).name == "connections"
    assert detect_format(["source", "port", "protocol"]).name == "generic"


def test_an_application_portfolio_is_detected_as_applications() -> None:
    headers = ["Application Name", "Business Owner", "Criticality", "Lifecycle", "Languages", "Databases", "Users"]

    assert detect_kind(headers) == "applications"


def test_a_server_list_is_detected_as_assets() -> None:
    headers = ["Server", "IP", "RAM (GB)", "Cores", "OS", "Application", "Owner"]

    assert detect_kind(headers) == "assets"


def test_every_format_name_is_one_cli_md_lists() -> None:
    assert set(FORMAT_NAMES) == {
        "aws_ads",
        "azure_migrate",
        "google_mc",
        "rvtools",
        "servicenow",
        "konveyor",
        "connections",
        "generic",
    }
