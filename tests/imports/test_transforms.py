"""Value transforms, cell conversion to a field's type, and the vocabulary normalisers."""

from __future__ import annotations

import pytest

from imports.engine.fields import APPLICATION_FIELDS, ASSET_FIELDS, CONNECTION_FIELDS
from imports.engine.transforms import (
    TRANSFORMS,
    TransformError,
    apply_transform,
    converter,
    decimal_separator,
    normalise_ip,
    normalise_mac,
    parse_number,
)
from imports.engine.vocabularies import VOCABULARIES, normalise, os_family


def test_the_transform_names_are_exactly_those_of_cli_md() -> None:
    assert TRANSFORMS == (
        "gb_to_mb",
        "gib_to_mb",
        "kb_to_mb",
        "mb_to_gb",
        "mib_to_gb",
        "tb_to_gb",
        "mbps_to_kbps",
        "bytes_to_kb",
        "split_list",
        "to_bool",
        "not_bool",
        "vocabulary",
        "first_label",
        "decimal_comma",
    )


@pytest.mark.parametrize(
    ("name", "raw", "value"),
    [
        ("gb_to_mb", "16", 16384.0),
        ("gib_to_mb", "0.5", 512.0),
        ("kb_to_mb", "2048", 2.0),
        ("mb_to_gb", "1536", 1.5),
        ("mib_to_gb", "163840", 160.0),
        ("tb_to_gb", "1,5", 1536.0),
        ("mbps_to_kbps", "2", 2048.0),
        ("bytes_to_kb", "4096", 4.0),
        ("split_list", "10.0.0.1, 10.0.0.2;10.0.0.3\n10.0.0.1", ["10.0.0.1", "10.0.0.2", "10.0.0.3"]),
        ("to_bool", "Virtual", True),
        ("to_bool", "Nein", False),
        ("not_bool", "TRUE", False),
        ("first_label", "web01.corp.example.com.", "web01"),
        ("first_label", "10.0.0.1", "10.0.0.1"),
        ("decimal_comma", "1.234,5", 1234.5),
        ("decimal_comma", "1,024", 1.024),
        ("decimal_comma", "1.234", 1234.0),
        (None, " as is ", " as is "),
    ],
)
def test_each_transform_turns_a_cell_into_its_value(name: str | None, raw: str, value: object) -> None:
    assert apply_transform(name, raw) == value


def test_the_vocabulary_transform_needs_its_vocabulary() -> None:
    assert apply_transform("vocabulary", "PRD", vocabulary="environment") == "production"
    with pytest.raises(ValueError, match="needs the vocabulary"):
        apply_transform("vocabulary", "PRD")


def test_an_unknown_transform_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown transform 'gib_to_gb'"):
        apply_transform("gib_to_gb", "1")


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("4096", 4096.0),
        ("1,024", 1024.0),
        ("3,5", 3.5),
        ("1.234,56", 1234.56),
        ("1,234.56", 1234.56),
        ("1.234.567", 1234567.0),
        ("1 024", 1024.0),
        ("16 GB", 16.0),
        ("2.4GHz", 2.4),
        ("45 %", 45.0),
        ("-3", -3.0),
    ],
)
def test_parse_number_reads_the_spellings_of_exports(raw: str, number: float) -> None:
    assert parse_number(raw) == number


@pytest.mark.parametrize("raw", ["lots", "inf", "1.2.3,4,5"])
def test_parse_number_names_the_value_it_cannot_read(raw: str) -> None:
    with pytest.raises(TransformError, match=f"'{raw}' is not a number"):
        parse_number(raw)


@pytest.mark.parametrize(
    ("raw", "separator"),
    [("3,5", ","), ("1.234,5", ","), ("12.5", "."), ("1,234.5", "."), ("1,024", None), ("4096", None), ("45,5 %", ",")],
)
def test_the_decimal_separator_of_a_number_is_told_where_it_is_plain(raw: str, separator: str | None) -> None:
    assert decimal_separator(raw) == separator


@pytest.mark.parametrize(
    "raw", ["00:1B:44:11:3A:B7", "00-1b-44-11-3a-b7", "001b.4411.3ab7", "001B44113AB7", " 00:1b:44:11:3a:b7 "]
)
def test_mac_addresses_are_normalised_to_lower_case_colons(raw: str) -> None:
    assert normalise_mac(raw) == "00:1b:44:11:3a:b7"


def test_invalid_addresses_are_named() -> None:
    with pytest.raises(TransformError, match="'00:1b:44' is not a MAC address"):
        normalise_mac("00:1b:44")
    with pytest.raises(TransformError, match="'10.0.0.300' is not an IP address"):
        normalise_ip("10.0.0.300")
    assert normalise_ip(" 2001:DB8::0:1 ") == "2001:db8::1"


def test_converter_types_a_cell_for_its_field() -> None:
    assert converter(ASSET_FIELDS["memory_mb"], "gib_to_mb")("1.5") == 1536
    assert converter(ASSET_FIELDS["storage_gb"], "mib_to_gb")("81920.5") == 80.0
    assert converter(ASSET_FIELDS["cpu_util_avg_pct"], "decimal_comma")("12,5") == 12.5
    assert converter(ASSET_FIELDS["ip_address"], "split_list")("10.0.0.1; 10.0.0.2") == ["10.0.0.1", "10.0.0.2"]
    assert converter(ASSET_FIELDS["mac_address"], "split_list")("00-15-E9-2B-99-3C") == ["00:15:e9:2b:99:3c"]
    assert converter(ASSET_FIELDS["tags"], "split_list")("zone = 1, critical:yes") == ["zone:1", "critical:yes"]
    assert converter(ASSET_FIELDS["is_virtual"], "not_bool")("FALSE") is True
    assert converter(ASSET_FIELDS["environment"], "vocabulary")("Non-Prod") == "test"
    assert converter(ASSET_FIELDS["hostname"], "first_label")("WEB01.corp.example.com") == "web01"
    assert converter(APPLICATION_FIELDS["lifecycle"], "vocabulary")("Tolerate") == "maintain"
    assert converter(CONNECTION_FIELDS["port"], None)("443") == 443


def test_converter_reads_empty_cells_as_none() -> None:
    convert = converter(ASSET_FIELDS["cpu_cores"], None)

    assert [convert(v) for v in ("", "  ", "N/A", "#N/A", "-", "null", "NaN")] == [None] * 7


def test_converter_refuses_a_cell_written_in_another_unit_than_its_column() -> None:
    gigabytes = converter(ASSET_FIELDS["storage_gb"], None)

    assert gigabytes("500 GB") == 500.0
    assert gigabytes("16 cores") == 16.0  # not a unit: read as the number it holds
    with pytest.raises(TransformError, match="'1.5 TB' is written in another unit than the column's"):
        gigabytes("1.5 TB")
    assert converter(ASSET_FIELDS["memory_mb"], "gb_to_mb")("2 GiB") == 2048


def test_converter_refuses_a_value_its_field_cannot_hold() -> None:
    with pytest.raises(TransformError, match="'many' is not a number"):
        converter(ASSET_FIELDS["cpu_cores"], None)("many")
    with pytest.raises(TransformError, match=r"'urgent' is not a known criticality \(critical, high, medium, low\)"):
        converter(ASSET_FIELDS["criticality"], "vocabulary")("urgent")


@pytest.mark.parametrize(
    ("raw", "environment"),
    [
        ("Prod", "production"),
        ("PRD", "production"),
        ("Production", "production"),
        ("P", "production"),
        ("prod-eu-1", "production"),
        ("Produktion", "production"),
        ("Non-Prod", "test"),
        ("NonProd", "test"),
        ("UAT", "test"),
        ("QA", "test"),
        ("Recette", "test"),
        ("Non-Prod (Dev)", "development"),
        ("Dev", "development"),
        ("Entwicklung", "development"),
        ("Pre-Prod", "staging"),
        ("Staging", "staging"),
        ("DR", "dr"),
        ("Production DR", "dr"),
        ("Disaster Recovery", "dr"),
        ("Sandbox", "development"),
        ("Something else", "unknown"),
    ],
)
def test_environments_are_normalised(raw: str, environment: str) -> None:
    assert normalise("environment", raw) == environment


@pytest.mark.parametrize(
    ("raw", "criticality"),
    [
        ("Tier 1", "critical"),
        ("Tier1", "critical"),
        ("Mission Critical", "critical"),
        ("Business Critical", "high"),
        ("Tier 2", "high"),
        ("Élevée", "high"),
        ("Medium", "medium"),
        ("Mittel", "medium"),
        ("Low", "low"),
        ("Non-critical", "low"),
        ("3", "medium"),
    ],
)
def test_criticalities_are_normalised(raw: str, criticality: str) -> None:
    assert normalise("criticality", raw) == criticality


def test_an_unknown_criticality_has_no_fallback_and_an_empty_value_is_none() -> None:
    assert normalise("criticality", "whenever") is None
    assert normalise("environment", "  ") is None


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("Installed", "active"),
        ("In Maintenance", "active"),
        ("In Stock", "inactive"),
        ("Not in use", "inactive"),
        ("Pending Retirement", "retiring"),
        ("To be retired", "retiring"),
        ("Retired", "decommissioned"),
        ("Außer Betrieb", "decommissioned"),
        ("???", "unknown"),
    ],
)
def test_statuses_are_normalised(raw: str, status: str) -> None:
    assert normalise("status", raw) == status


@pytest.mark.parametrize(
    ("raw", "asset_type"),
    [
        ("cmdb_ci_linux_server", "server"),
        ("cmdb_ci_db_mssql_instance", "database"),
        ("cmdb_ci_lb_bigip", "load_balancer"),
        ("cmdb_ci_ip_switch", "network_device"),
        ("Storage Array", "storage"),
        ("Virtual Machine", "server"),
        ("Printer", "other"),
    ],
)
def test_asset_types_are_normalised(raw: str, asset_type: str) -> None:
    assert normalise("asset_type", raw) == asset_type


@pytest.mark.parametrize(
    ("os_name", "family"),
    [
        ("Microsoft Windows Server 2019 (64-bit)", "windows"),
        ("win2019", "windows"),
        ("Red Hat Enterprise Linux 8", "linux"),
        ("Ubuntu 22.04", "linux"),
        ("Other 3.x or later Linux (64-bit)", "linux"),
        ("AIX 7.2", "unix"),
        ("Oracle Solaris 11", "unix"),
        ("VMware ESXi 7", "other"),
    ],
)
def test_os_family_is_derived_from_the_os_name(os_name: str, family: str) -> None:
    assert os_family(os_name) == family


def test_os_family_of_nothing_is_none() -> None:
    assert os_family(None) is None


def test_every_vocabulary_field_names_a_vocabulary() -> None:
    for fields in (ASSET_FIELDS, APPLICATION_FIELDS):
        for field in fields.values():
            if field.type == "vocabulary":
                assert field.vocabulary in VOCABULARIES
