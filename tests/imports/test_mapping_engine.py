"""The mapping engine: targets, transforms, confidences and reasons a user sees for each column."""

from __future__ import annotations

from pathlib import Path

import pytest

from imports.engine.fields import FIELDS_BY_KIND, Kind
from imports.engine.mapping import ColumnMapping, Suggestion, suggest
from imports.engine.readers import read_table
from imports.engine.rvtools import rvtools_enrichment
from imports.engine.transforms import TRANSFORMS
from tests.imports.filemakers import FIXTURES, make_csv, make_rvtools_4x, make_server_csv

Cell = str | int | float | None


def suggest_file(path: Path, *, kind: Kind | None = None, learned: dict[str, str | None] | None = None) -> Suggestion:
    with read_table(path) as table:
        return suggest(table, kind=kind, learned=learned)


def suggest_rows(tmp_path: Path, rows: list[list[Cell]], **options: object) -> Suggestion:
    return suggest_file(make_csv(tmp_path / "input.csv", rows), **options)  # type: ignore[arg-type]


def column(suggestion: Suggestion, source: str) -> ColumnMapping:
    return next(m for m in suggestion.mappings if m.source == source)


def target_of(suggestion: Suggestion, source: str) -> tuple[str | None, str | None]:
    found = column(suggestion, source)
    return found.target, found.transform


def test_aws_template_headers_map_as_known_headers() -> None:
    suggestion = suggest_file(FIXTURES / "aws_ads.csv")

    assert suggestion.format == "aws_ads"
    memory = column(suggestion, "RAM.TotalSizeInMB")
    assert (memory.target, memory.transform, memory.reason) == ("memory_mb", None, "known AWS template header")
    assert memory.confidence >= 0.95
    assert target_of(suggestion, "CPU.NumberOfProcessors") == ("cpu_sockets", None)
    assert target_of(suggestion, "CPU.NumberOfCores") == ("cpu_cores", None)
    assert target_of(suggestion, "IPAddress") == ("ip_address", "split_list")
    assert target_of(suggestion, "Applications") == ("application", "split_list")
    assert target_of(suggestion, "Tags") == ("tags", "split_list")
    assert target_of(suggestion, "VMware.MoRefId") == (None, None)


def test_the_average_of_a_metric_takes_the_field_and_the_peak_stays_unmapped() -> None:
    suggestion = suggest_file(FIXTURES / "aws_ads.csv")

    assert target_of(suggestion, "DiskReadsOpsPerSecond.Avg") == ("disk_read_iops", None)
    peak = column(suggestion, "DiskReadsOpsPerSecond.Max")
    assert peak.target is None
    assert peak.reason == "known AWS template header; a peak, and disk_read_iops holds the average"
    # Where the peak has a field of its own, it takes it.
    assert target_of(suggestion, "CPU.UsagePct.Max") == ("cpu_util_max_pct", None)
    assert target_of(suggestion, "RAM.UsedSizeInMB.Max") == ("memory_used_max_mb", None)


def test_an_fqdn_host_name_is_cut_to_its_first_label() -> None:
    hostname = column(suggest_file(FIXTURES / "aws_ads.csv"), "HostName")

    assert (hostname.target, hostname.transform) == ("hostname", "first_label")
    assert "values are domain names" in hostname.reason


def test_rvtools_4x_converts_mib_and_prefers_the_vmware_tools_os(tmp_path: Path) -> None:
    suggestion = suggest_file(make_rvtools_4x(tmp_path / "rvtools.xlsx"))

    assert (suggestion.format, suggestion.sheet, suggestion.header_row) == ("rvtools", "vInfo", 1)
    provisioned = column(suggestion, "Provisioned MiB")
    assert (provisioned.target, provisioned.transform) == ("storage_gb", "mib_to_gb")
    assert provisioned.reason == "known RVTools header; MiB in the header, converted to GB"
    assert target_of(suggestion, "In Use MiB") == ("storage_used_gb", "mib_to_gb")
    # RVTools writes memory in MiB without saying so; MiB counts as MB.
    assert target_of(suggestion, "Memory") == ("memory_mb", None)
    assert column(suggestion, "Memory").reason == "known RVTools header; the format writes it in MiB"
    assert target_of(suggestion, "OS according to the VMware Tools") == ("os_name", None)
    config_os = column(suggestion, "OS according to the configuration file")
    assert config_os.target is None
    assert "os_name already taken by 'OS according to the VMware Tools'" in config_os.reason
    assert target_of(suggestion, "Total disk capacity MiB") == (None, None)
    assert target_of(suggestion, "Host") == ("physical_host", None)


def test_rvtools_3x_mb_spellings_convert_with_mb_to_gb() -> None:
    suggestion = suggest_file(FIXTURES / "rvtools_3x_vinfo.csv")

    assert suggestion.format == "rvtools"
    assert target_of(suggestion, "Provisioned MB") == ("storage_gb", "mb_to_gb")
    assert target_of(suggestion, "In Use MB") == ("storage_used_gb", "mb_to_gb")


def test_rvtools_other_tabs_enrich_the_vms_by_name(tmp_path: Path) -> None:
    with read_table(make_rvtools_4x(tmp_path / "rvtools.xlsx")) as table:
        extras = rvtools_enrichment(table)

    assert extras["app01"].mac_address == ["00:50:56:01:aa:01"]
    assert extras["app01"].ip_address == ["10.0.0.21"]
    assert (extras["app01"].disk_count, extras["app01"].storage_gb) == (2, 150.0)
    assert (extras["app02"].disk_count, extras["app02"].storage_gb) == (1, 60.0)


def test_google_memory_in_gib_and_is_physical_negated() -> None:
    suggestion = suggest_file(FIXTURES / "google_mc_vminfo.csv")

    assert target_of(suggestion, "MemoryGiB") == ("memory_mb", "gib_to_mb")
    assert target_of(suggestion, "TotalDiskAllocatedGiB") == ("storage_gb", None)
    assert target_of(suggestion, "IsPhysical") == ("is_virtual", "not_bool")
    assert target_of(suggestion, "MachineId") == ("external_id", None)
    all_addresses = column(suggestion, "IpAddressListSemiColonDelimited")
    assert all_addresses.target is None
    assert "ip_address already taken by 'PrimaryIPAddress'" in all_addresses.reason


def test_os_family_is_never_mapped() -> None:
    os_type = column(suggest_file(FIXTURES / "google_mc_vminfo.csv"), "OsType")

    assert os_type.target is None
    assert os_type.reason.endswith("os_family is derived, never mapped")


def test_azure_per_disk_columns_are_added_up_into_one_field() -> None:
    suggestion = suggest_file(FIXTURES / "azure_migrate.csv")

    assert target_of(suggestion, "*Memory (In MB)") == ("memory_mb", None)
    assert target_of(suggestion, "Server type") == ("is_virtual", "to_bool")
    assert target_of(suggestion, "Network In throughput") == ("network_in_kbps", "mbps_to_kbps")
    assert target_of(suggestion, "Disk 1 read throughput (MB per second)") == ("disk_read_kbps", "mbps_to_kbps")
    assert target_of(suggestion, "Disk 2 size (In GB)") == (None, None)
    assert suggestion.summed_columns["storage_gb"] == ["Disk 1 size (In GB)", "Disk 2 size (In GB)"]
    assert target_of(suggestion, "Custom server ID") == ("external_id", None)
    assert target_of(suggestion, "Business application name") == ("application", "split_list")


def test_servicenow_units_come_from_the_format() -> None:
    suggestion = suggest_file(FIXTURES / "servicenow_cmdb_ci_server.csv")

    assert target_of(suggestion, "ram") == ("memory_mb", None)
    assert target_of(suggestion, "disk_space") == ("storage_gb", None)
    assert target_of(suggestion, "sys_class_name") == ("asset_type", "vocabulary")
    assert target_of(suggestion, "used_for") == ("environment", "vocabulary")
    assert target_of(suggestion, "install_status") == ("status", "vocabulary")
    assert target_of(suggestion, "assigned_to") == ("technical_owner", None)
    assert target_of(suggestion, "support_group") == (None, None)
    assert target_of(suggestion, "virtual") == ("is_virtual", "to_bool")
    assert "cores per CPU" in column(suggestion, "cpu_core_count").reason


def test_servicenow_labels_map_like_field_names(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [
        ["Name", "Class", "Operating System", "CPU count", "RAM (MB)", "Disk space (GB)", "Used for", "Is Virtual"],
        ["srv01", "Linux Server", "Linux Red Hat", 2, 16384, 200, "Production", "true"],
    ]
    suggestion = suggest_rows(tmp_path, rows)

    assert suggestion.format == "servicenow"
    assert column(suggestion, "RAM (MB)").reason == "known ServiceNow header"
    assert suggestion.as_mapping() == {
        "Name": "name",
        "Class": "asset_type",
        "Operating System": "os_name",
        "CPU count": "cpu_sockets",
        "RAM (MB)": "memory_mb",
        "Disk space (GB)": "storage_gb",
        "Used for": "environment",
        "Is Virtual": "is_virtual",
    }


def test_konveyor_columns_map_onto_application_fields() -> None:
    suggestion = suggest_file(FIXTURES / "konveyor_apps.csv")

    assert (suggestion.format, suggestion.kind) == ("konveyor", "applications")
    assert target_of(suggestion, "Application Name") == ("name", None)
    assert target_of(suggestion, "Business Service") == ("business_service", None)
    assert target_of(suggestion, "Owner") == ("business_owner", None)
    assert "become dependencies" in column(suggestion, "Dependency").reason
    assert "become tags" in column(suggestion, "Tag Category 2").reason


def test_connections_map_onto_source_target_port_and_protocol() -> None:
    suggestion = suggest_file(FIXTURES / "connections.csv")

    assert suggestion.as_mapping() == {
        "source": "source",
        "destination": "target",
        "port": "port",
        "protocol": "protocol",
        "count": None,
    }


def test_french_headers_map_through_synonyms_with_their_units() -> None:
    suggestion = suggest_file(FIXTURES / "generic_french.csv")

    assert suggestion.format == "generic"
    memory = column(suggestion, "Mémoire (Go)")
    assert (memory.target, memory.transform) == ("memory_mb", "gb_to_mb")
    assert memory.reason == "synonym of memory_mb; GB in the header, converted to MB"
    assert target_of(suggestion, "Nom du serveur") == ("name", None)
    assert target_of(suggestion, "Nombre de cœurs") == ("cpu_cores", None)
    assert target_of(suggestion, "Système d'exploitation") == ("os_name", None)
    assert target_of(suggestion, "Criticité") == ("criticality", "vocabulary")
    assert target_of(suggestion, "Capacité disque (To)") == ("storage_gb", "tb_to_gb")


def test_german_headers_and_decimal_commas() -> None:
    suggestion = suggest_file(FIXTURES / "cp1252_semicolon.csv")

    assert target_of(suggestion, "Arbeitsspeicher (GB)") == ("memory_mb", "gb_to_mb")
    assert target_of(suggestion, "Umgebung") == ("environment", "vocabulary")
    assert target_of(suggestion, "Kostenstelle") == ("cost_center", None)
    load = column(suggestion, "CPU-Auslastung (%)")
    assert (load.target, load.transform) == ("cpu_util_avg_pct", "decimal_comma")
    assert load.reason == "synonym of cpu_util_avg_pct; values use a decimal comma"


@pytest.mark.parametrize(
    ("header", "target"),
    [
        ("Nombre del servidor", "name"),
        ("Nombre de serveur", "name"),
        ("Indirizzo IP", "ip_address"),
        ("Geheugen", "memory_mb"),
        ("Sistema operacional", "os_name"),
        ("Werkgeheugen (GB)", "memory_mb"),
    ],
)
def test_headers_in_european_languages_meet_their_synonyms(tmp_path: Path, header: str, target: str | None) -> None:
    suggestion = suggest_rows(tmp_path, [[header, "Other"], ["x", "y"]])

    assert column(suggestion, header).target == target


def test_a_misspelt_header_is_matched_closely(tmp_path: Path) -> None:
    suggestion = suggest_rows(tmp_path, [["Opertaing System", "Hostnmae"], ["Windows Server 2019", "web01"]])

    system = column(suggestion, "Opertaing System")
    assert system.target == "os_name"
    assert system.reason.startswith("close to 'operating system' (synonym of os_name)")
    assert 0.7 <= system.confidence < 0.9
    assert column(suggestion, "Hostnmae").target == "hostname"


def test_a_synonym_inside_a_longer_header_is_found(tmp_path: Path) -> None:
    suggestion = suggest_rows(tmp_path, [["Primary Operating System"], ["Ubuntu 22.04"]])

    found = column(suggestion, "Primary Operating System")
    assert found.target == "os_name"
    assert found.reason == "contains 'operating system' (synonym of os_name); values look like operating system names"
    assert found.confidence == 0.85


def test_values_decide_where_headers_say_nothing(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [
        ["Addr", "HW", "Platform build", "Stage"],
        ["10.0.0.1", "00:50:56:aa:bb:01", "Windows Server 2019", "Prod"],
        ["10.0.0.2", "00-50-56-AA-BB-02", "Red Hat Enterprise Linux 8", "Dev"],
        ["fe80::1", "0050.56aa.bb03", "Ubuntu 22.04", "UAT"],
    ]
    suggestion = suggest_rows(tmp_path, rows)

    addresses = column(suggestion, "Addr")
    assert (addresses.target, addresses.transform) == ("ip_address", "split_list")
    assert addresses.reason == "values look like IP addresses"
    assert column(suggestion, "HW").reason == "values look like MAC addresses"
    assert column(suggestion, "HW").target == "mac_address"
    assert column(suggestion, "Platform build").target == "os_name"
    assert column(suggestion, "Stage").reason == "values look like environments"


def test_ipv4_values_are_named_as_such(tmp_path: Path) -> None:
    suggestion = suggest_rows(tmp_path, [["Where"], ["10.0.0.1"], ["10.0.0.2, 10.0.0.3"]])

    assert column(suggestion, "Where").reason == "values look like IPv4 addresses"


def test_memory_without_a_unit_below_2048_and_powers_of_two_is_gb(tmp_path: Path) -> None:
    gigabytes = suggest_rows(tmp_path, [["Memory"], [4], [8], [16], [12], [32]])
    megabytes = suggest_rows(tmp_path, [["Memory"], [4096], [8192], [16384]])

    memory = column(gigabytes, "Memory")
    assert (memory.target, memory.transform) == ("memory_mb", "gb_to_mb")
    assert "values all below 2048 and mostly powers of two, so GB" in memory.reason
    assert target_of(megabytes, "Memory") == ("memory_mb", None)


def test_a_unit_written_in_the_cells_decides_the_transform(tmp_path: Path) -> None:
    suggestion = suggest_rows(tmp_path, [["RAM"], ["16 GB"], ["32 GB"]])

    assert target_of(suggestion, "RAM") == ("memory_mb", "gb_to_mb")
    assert column(suggestion, "RAM").reason == "synonym of memory_mb; values are written in GB, converted to MB"


def test_cells_in_several_units_leave_the_column_unmapped_and_say_why(tmp_path: Path) -> None:
    suggestion = suggest_rows(tmp_path, [["Disk"], ["500 GB"], ["1.5 TB"], ["250 GB"]])

    disk = column(suggestion, "Disk")
    assert disk.target is None
    assert (
        disk.reason == "synonym of storage_gb; values are written in several units (GB, TB); no one transform fits them"
    )


def test_the_header_unit_redirects_to_the_field_it_measures(tmp_path: Path) -> None:
    suggestion = suggest_rows(tmp_path, [["Memory %", "CPU (MHz)", "Memory usage (MB)", "CPU Peak %"], [1, 2, 3, 4]])

    assert target_of(suggestion, "Memory %") == ("memory_util_avg_pct", None)
    assert target_of(suggestion, "CPU (MHz)") == ("cpu_speed_mhz", None)
    assert target_of(suggestion, "Memory usage (MB)") == ("memory_used_avg_mb", None)
    peak = column(suggestion, "CPU Peak %")
    assert peak.target == "cpu_util_max_pct"
    assert peak.reason == "synonym of cpu_cores; its unit (%) makes it cpu_util_avg_pct; a peak, so cpu_util_max_pct"


def test_a_unit_no_transform_converts_leaves_the_column_unmapped(tmp_path: Path) -> None:
    suggestion = suggest_rows(tmp_path, [["Memory (TB)", "CPU speed (GHz)"], [1, 2.4]])

    memory = column(suggestion, "Memory (TB)")
    assert memory.target is None
    assert memory.reason == "synonym of memory_mb; no transform converts TB to MB"
    assert column(suggestion, "CPU speed (GHz)").target is None


def test_vocabulary_and_boolean_fields_get_their_transforms(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [
        ["Environment", "Criticality", "Status", "Asset Type", "Physical"],
        ["P", "Tier 1", "x", "VM", "no"],
    ]
    suggestion = suggest_rows(tmp_path, rows)

    for header in ("Environment", "Criticality", "Status", "Asset Type"):
        assert column(suggestion, header).transform == "vocabulary"
    assert target_of(suggestion, "Physical") == ("is_virtual", "not_bool")


def test_two_columns_never_take_one_field(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [["Server", "VM Name", "IP", "IP Address"], ["a", "b", "10.0.0.1", "10.0.0.2"]]
    suggestion = suggest_rows(tmp_path, rows)

    targets = [m.target for m in suggestion.mappings if m.target is not None]
    assert len(targets) == len(set(targets))
    assert target_of(suggestion, "IP Address") == ("ip_address", "split_list")
    loser = column(suggestion, "IP")
    assert loser.target is None
    assert loser.reason.startswith("synonym of ip_address; ")
    assert loser.reason.endswith("; ip_address already taken by 'IP Address'")


def test_learned_mappings_win_with_full_confidence(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [["Box", "Memory (GB)", "Owner"], ["srv01", 16, "alice"]]
    learned: dict[str, str | None] = {"Box": "hostname", "owner": None, "Memory (GB)": "memory_mb"}

    suggestion = suggest_rows(tmp_path, rows, learned=learned)

    box = column(suggestion, "Box")
    assert (box.target, box.confidence, box.reason) == ("hostname", 1.0, "learned from an approved mapping")
    # The transform still follows the header's unit.
    assert target_of(suggestion, "Memory (GB)") == ("memory_mb", "gb_to_mb")
    owner = column(suggestion, "Owner")
    assert (owner.target, owner.confidence) == (None, 1.0)


def test_learned_mappings_onto_unknown_or_derived_fields_are_ignored(tmp_path: Path) -> None:
    suggestion = suggest_rows(tmp_path, [["OS"], ["Linux"]], learned={"OS": "os_family"})

    assert column(suggestion, "OS").target == "os_name"


def test_an_application_file_maps_onto_application_fields(tmp_path: Path) -> None:
    rows: list[list[Cell]] = [
        ["Application Name", "Business Criticality", "Lifecycle", "Languages", "Databases", "Users", "RTO (h)"],
        ["Ledger", "High", "Invest", "Java, COBOL", "Oracle 19c", 1200, 4],
    ]
    suggestion = suggest_rows(tmp_path, rows)

    assert suggestion.kind == "applications"
    assert suggestion.as_mapping() == {
        "Application Name": "name",
        "Business Criticality": "business_criticality",
        "Lifecycle": "lifecycle",
        "Languages": "languages",
        "Databases": "databases",
        "Users": "users",
        "RTO (h)": "rto_hours",
    }
    assert column(suggestion, "Languages").transform == "split_list"


def test_the_kind_given_overrides_the_detected_one(tmp_path: Path) -> None:
    suggestion = suggest_file(FIXTURES / "konveyor_apps.csv", kind="assets")

    assert (suggestion.format, suggestion.kind) == ("konveyor", "assets")
    assert target_of(suggestion, "Application Name") == ("application", "split_list")


def test_every_target_is_a_field_of_the_kind_and_every_transform_one_cli_md_lists(tmp_path: Path) -> None:
    files = [p for p in FIXTURES.iterdir() if p.suffix in (".csv", ".json")]
    files = [p for p in files if p.name not in {"empty.csv", "binary.csv", "ragged_rows.csv"}]
    files.append(make_rvtools_4x(tmp_path / "rvtools.xlsx"))
    for path in files:
        suggestion = suggest_file(path)
        for m in suggestion.mappings:
            assert m.target is None or m.target in FIELDS_BY_KIND[suggestion.kind], (path.name, m)
            assert m.transform is None or m.transform in TRANSFORMS, (path.name, m)
            assert 0.0 <= m.confidence <= 1.0
            assert m.reason


def test_a_header_only_file_is_mapped_from_its_headers() -> None:
    suggestion = suggest_file(FIXTURES / "header_only.csv")

    assert suggestion.as_mapping() == {"Server Name": "name", "IP Address": "ip_address", "Memory (GB)": "memory_mb"}


def test_suggest_reads_only_the_sample_rows(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("Ref\n")
        handle.writelines("n/a\n" if i < 1200 else "10.0.0.1\n" for i in range(1500))

    suggestion = suggest_file(path)

    assert column(suggestion, "Ref").target is None


def test_to_json_is_the_object_cli_md_describes() -> None:
    suggestion = suggest_file(FIXTURES / "title_rows.csv")

    payload = suggestion.to_json()

    assert list(payload) == ["format", "kind", "sheet", "header_row", "mappings"]
    assert payload["header_row"] == 4
    assert payload["sheet"] is None
    assert payload["mappings"][2] == {  # type: ignore[index]
        "source": "RAM (GB)",
        "target": "memory_mb",
        "confidence": 0.9,
        "transform": "gb_to_mb",
        "reason": "synonym of memory_mb; GB in the header, converted to MB",
    }


def test_a_large_file_is_suggested_from_its_sample(tmp_path: Path) -> None:
    with read_table(make_server_csv(tmp_path / "servers.csv", 5000)) as table:
        suggestion = suggest(table)

    assert table.row_count == 5000
    assert target_of(suggestion, "Environment") == ("environment", "vocabulary")
    assert target_of(suggestion, "Memory (GB)") == ("memory_mb", "gb_to_mb")
