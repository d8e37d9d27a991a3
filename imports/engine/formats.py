"""The source formats recognised by their headers, and what each of their known columns means.

The headers are written from each format's public documentation: the AWS Migration Hub / Application
Discovery Service import template, Azure Migrate's CSV import, Google Migration Center's vmInfo.csv,
RVTools' vInfo tab (3.x `MB` and 4.x `MiB` spellings), ServiceNow's cmdb_ci_server list export (field
names and labels), Konveyor's application-inventory CSV, and a connections file.
A known column names its canonical field (or None: known, and kept in custom_attributes), and the unit
the format writes it in when the header names none (RVTools `Memory` is MiB).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from imports.engine.fields import Kind
from imports.engine.headers import squash

# Confidence of a known header, and of a known header that only stands in when a better one is absent.
KNOWN: Final = 0.98
SECONDARY: Final = 0.9


@dataclass(frozen=True, slots=True)
class KnownColumn:
    field: str | None
    unit: str | None = None
    negate: bool = False
    confidence: float = KNOWN
    # Why a known column takes no field, or what the importer does beyond the mapping.
    note: str | None = None
    # Per-disk columns (Azure's "Disk N ...") that the importer adds up into this field.
    sum_into: str | None = None


@dataclass(frozen=True, slots=True)
class Numbered:
    """Known columns for numbered headers ("Disk 3 size (In GB)", "Tag 7"): the pattern runs on the squashed
    header and captures the number; number 1 may mean something the others do not."""

    pattern: re.Pattern[str]
    first: KnownColumn
    others: KnownColumn | None = None

    def known(self, key: str) -> KnownColumn | None:
        match = self.pattern.fullmatch(key)
        if match is None:
            return None
        return self.first if int(match.group(1)) == 1 or self.others is None else self.others


@dataclass(frozen=True, slots=True)
class FormatSpec:
    name: str
    # How reasons name the format: "known AWS template header".
    label: str
    kind: Kind
    columns: dict[str, KnownColumn] = field(default_factory=dict)
    numbered: tuple[Numbered, ...] = ()
    # Squashed headers that identify the format, and how many of them a file must have.
    signature: frozenset[str] = frozenset()
    min_hits: int = 3
    # Groups of squashed headers of which a file must have one each (a connections file needs both ends).
    required: tuple[frozenset[str], ...] = ()

    def known(self, header: str) -> KnownColumn | None:
        key = squash(header)
        found = self.columns.get(key)
        if found is not None:
            return found
        for numbered in self.numbered:
            found = numbered.known(key)
            if found is not None:
                return found
        return None


def _columns(spec: dict[str, KnownColumn | str | None]) -> dict[str, KnownColumn]:
    """Known columns keyed by squashed header; a bare string or None is a field with no unit."""
    out: dict[str, KnownColumn] = {}
    for header, known in spec.items():
        key = squash(header)
        if key in out:
            raise ValueError(f"known header {header!r} is listed twice")
        out[key] = known if isinstance(known, KnownColumn) else KnownColumn(known)
    return out


def _keys(headers: Iterable[str]) -> frozenset[str]:
    return frozenset(squash(h) for h in headers)


AWS_ADS = FormatSpec(
    "aws_ads",
    "AWS template",
    "assets",
    columns=_columns(
        {
            "ExternalId": "external_id",
            "SMBiosId": "bios_uuid",
            "IPAddress": "ip_address",
            "MACAddress": "mac_address",
            "HostName": "hostname",
            "VMware.MoRefId": None,
            "VMware.VCenterId": None,
            "CPU.NumberOfProcessors": "cpu_sockets",
            "CPU.NumberOfCores": "cpu_cores",
            "CPU.NumberOfLogicalCores": "cpu_logical",
            "OS.Name": "os_name",
            "OS.Version": "os_version",
            "VMware.VMName": "name",
            "RAM.TotalSizeInMB": "memory_mb",
            "RAM.UsedSizeInMB.Avg": "memory_used_avg_mb",
            "RAM.UsedSizeInMB.Max": "memory_used_max_mb",
            "CPU.UsagePct.Avg": "cpu_util_avg_pct",
            "CPU.UsagePct.Max": "cpu_util_max_pct",
            # The peaks of metrics whose field holds the average: the mapping leaves them unmapped.
            "DiskReadsPerSecondInKB.Avg": "disk_read_kbps",
            "DiskReadsPerSecondInKB.Max": "disk_read_kbps",
            "DiskWritesPerSecondInKB.Avg": "disk_write_kbps",
            "DiskWritesPerSecondInKB.Max": "disk_write_kbps",
            "DiskReadsOpsPerSecond.Avg": "disk_read_iops",
            "DiskReadsOpsPerSecond.Max": "disk_read_iops",
            "DiskWritesOpsPerSecond.Avg": "disk_write_iops",
            "DiskWritesOpsPerSecond.Max": "disk_write_iops",
            "NetworkReadsPerSecondInKB.Avg": "network_in_kbps",
            "NetworkReadsPerSecondInKB.Max": "network_in_kbps",
            "NetworkWritesPerSecondInKB.Avg": "network_out_kbps",
            "NetworkWritesPerSecondInKB.Max": "network_out_kbps",
            "Applications": "application",
            "ApplicationWave": "migration_wave",
            "Tags": "tags",
            "ServerId": None,
        }
    ),
    signature=_keys(
        ["ExternalId", "SMBiosId", "VMware.MoRefId", "VMware.VCenterId", "VMware.VMName", "CPU.NumberOfProcessors"]
        + ["CPU.NumberOfCores", "CPU.NumberOfLogicalCores", "OS.Name", "OS.Version", "RAM.TotalSizeInMB"]
        + ["RAM.UsedSizeInMB.Avg", "CPU.UsagePct.Avg", "DiskReadsOpsPerSecond.Avg", "ApplicationWave"]
        + ["NetworkReadsPerSecondInKB.Avg", "DiskReadsPerSecondInKB.Avg"]
    ),
    min_hits=2,
)

_AZURE_PER_DISK = {
    "size": ("storage_gb", "gb"),
    "readops": ("disk_read_iops", None),
    "writeops": ("disk_write_iops", None),
    "readthroughput": ("disk_read_kbps", "mb"),
    "writethroughput": ("disk_write_kbps", "mb"),
}


def _azure_disk(suffix: str, target: str, unit: str | None) -> Numbered:
    # Squashed spellings: "disk1sizeingb", "disk2readopsoperationspersecond", "disk3readthroughputmbpersecond".
    # Azure's throughput columns are MB per second even where the header leaves the unit out.
    return Numbered(
        re.compile(rf"disk(\d+){suffix}\w*"),
        KnownColumn(
            target,
            unit=unit,
            confidence=SECONDARY,
            note="the importer adds the other disks' columns to it",
            sum_into=target,
        ),
        KnownColumn(None, note=f"added to {target} with Disk 1 at import", sum_into=target),
    )


AZURE_MIGRATE = FormatSpec(
    "azure_migrate",
    "Azure Migrate",
    "assets",
    columns=_columns(
        {
            "Server name": "name",
            "IP addresses": "ip_address",
            "IP address": "ip_address",
            "Cores": "cpu_cores",
            "Memory (In MB)": "memory_mb",
            "OS name": "os_name",
            "OS version": "os_version",
            "OS architecture": "os_architecture",
            "OS license": None,
            "Server type": KnownColumn("is_virtual", note="Virtual or Physical"),
            "Hypervisor": "hypervisor",
            "Hypervisor version number": None,
            "Number of disks": "disk_count",
            "Storage in use (In GB)": "storage_used_gb",
            "CPU utilization percentage": "cpu_util_avg_pct",
            "Memory utilization percentage": "memory_util_avg_pct",
            "Total disks read ops (operations per second)": "disk_read_iops",
            "Total disks write ops (operations per second)": "disk_write_iops",
            "Total disks read ops": "disk_read_iops",
            "Total disks write ops": "disk_write_iops",
            "Total disks read throughput (MB per second)": KnownColumn("disk_read_kbps", unit="mb"),
            "Total disks write throughput (MB per second)": KnownColumn("disk_write_kbps", unit="mb"),
            "Total disks read throughput": KnownColumn("disk_read_kbps", unit="mb"),
            "Total disks write throughput": KnownColumn("disk_write_kbps", unit="mb"),
            # Azure documents network throughput in MB per second without saying so in the header.
            "Network In throughput": KnownColumn("network_in_kbps", unit="mb"),
            "Network Out throughput": KnownColumn("network_out_kbps", unit="mb"),
            "Network adapters": None,
            "Number of network adapters": None,
            "Boot type": "firmware",
            "Firmware type": "firmware",
            "Virtual machine ID": KnownColumn("external_id", confidence=SECONDARY),
            "Virtual machine manager ID": None,
            "MAC address": "mac_address",
            "BIOS ID": "bios_uuid",
            "Custom server ID": "external_id",
            "Business unit": "department",
            "Business owner": "business_owner",
            "Business application name": "application",
            "Location": "location",
            "Groups": None,
            "Server decommission date": None,
        }
    ),
    numbered=tuple(_azure_disk(suffix, target, unit) for suffix, (target, unit) in _AZURE_PER_DISK.items())
    + (
        Numbered(
            re.compile(r"application(\d+)(?:name|type|version|licenseexpiry)"),
            KnownColumn(None, note="a workload on the server; the business application is another column"),
        ),
    ),
    signature=_keys(
        ["Server name", "Cores", "Memory (In MB)", "OS name", "OS version", "OS architecture", "Number of disks"]
        + ["Disk 1 size (In GB)", "CPU utilization percentage", "Memory utilization percentage"]
        + ["Network In throughput", "Boot type", "Server type", "Storage in use (In GB)", "Custom server ID"]
        + ["Business application name", "Virtual machine manager ID", "Disk 1 read ops (operations per second)"]
    ),
)

GOOGLE_MC = FormatSpec(
    "google_mc",
    "Google Migration Center",
    "assets",
    columns=_columns(
        {
            "MachineId": "external_id",
            "MachineName": "name",
            "PrimaryIPAddress": "ip_address",
            "PrimaryMACAddress": "mac_address",
            "PublicIPAddress": None,
            # All addresses; stands in for the primary one when a file has no PrimaryIPAddress.
            "IpAddressListSemiColonDelimited": KnownColumn("ip_address", confidence=SECONDARY),
            "TotalDiskAllocatedGiB": "storage_gb",
            "TotalDiskUsedGiB": "storage_used_gb",
            "MachineTypeLabel": None,
            "AllocatedProcessorCoreCount": "cpu_cores",
            "MemoryGiB": "memory_mb",
            "HostingLocation": "location",
            "OsType": "os_family",
            "OsPublisher": None,
            "OsName": "os_name",
            "OsVersion": "os_version",
            "MachineStatus": "power_state",
            "ProvisioningState": None,
            "CreateDate": None,
            "IsPhysical": KnownColumn("is_virtual", negate=True),
            "Source": None,
        }
    ),
    signature=_keys(
        ["MachineId", "MachineName", "PrimaryIPAddress", "PrimaryMACAddress", "IpAddressListSemiColonDelimited"]
        + ["TotalDiskAllocatedGiB", "TotalDiskUsedGiB", "MachineTypeLabel", "AllocatedProcessorCoreCount"]
        + ["MemoryGiB", "HostingLocation", "OsType", "IsPhysical", "ProvisioningState"]
    ),
)

_RVTOOLS_UNMAPPED = [
    "Template",
    "SRM Placeholder",
    "Config status",
    "Connection state",
    "Guest state",
    "Heartbeat",
    "Consolidation Needed",
    "PowerOn",
    "Suspended To Memory",
    "Suspend time",
    "Suspend Interval",
    "Creation date",
    "Change Version",
    "Overall Cpu Readiness",
    "NICs",
    "Fixed Passthru HotPlug",
    "min Required EVC Mode Key",
    "Latency Sensitivity",
    "Op Notification Timeout",
    "EnableUUID",
    "CBT",
    "Num Monitors",
    "Video Ram KiB",
    "Video Ram KB",
    "Resource pool",
    "Folder ID",
    "Folder",
    "vApp",
    "DAS protection",
    "FT State",
    "FT Role",
    "FT Latency",
    "FT Bandwidth",
    "FT Sec. Latency",
    "Unshared MiB",
    "Unshared MB",
    "HA Restart Priority",
    "HA Isolation Response",
    "HA VM Monitoring",
    "Cluster rule(s)",
    "Cluster rule name(s)",
    "Boot Required",
    "Boot delay",
    "Boot retry delay",
    "Boot retry enabled",
    "Boot BIOS setup",
    "Reboot PowerOff",
    "EFI Secure boot",
    "HW version",
    "HW upgrade status",
    "HW upgrade policy",
    "HW target",
    "Path",
    "Log directory",
    "Snapshot directory",
    "Suspend directory",
    "Customization Info",
    "Guest Detailed Data",
    "VM UUID",
    "VI SDK Server type",
    "VI SDK API Version",
    "VI SDK Server",
    "VI SDK UUID",
]

RVTOOLS = FormatSpec(
    "rvtools",
    "RVTools",
    "assets",
    columns=_columns(
        {
            "VM": "name",
            "Powerstate": "power_state",
            "DNS Name": "fqdn",
            "CPUs": "cpu_cores",
            # RVTools writes memory in MiB (4.x) or MB (3.x) without a unit in the header.
            "Memory": KnownColumn("memory_mb", unit="mib"),
            "Active Memory": KnownColumn("memory_used_avg_mb", unit="mib"),
            "Disks": "disk_count",
            "Provisioned MiB": "storage_gb",
            "Provisioned MB": "storage_gb",
            "Total disk capacity MiB": KnownColumn("storage_gb", confidence=SECONDARY),
            "Total disk capacity MB": KnownColumn("storage_gb", confidence=SECONDARY),
            "In Use MiB": "storage_used_gb",
            "In Use MB": "storage_used_gb",
            "Primary IP Address": "ip_address",
            "Firmware": "firmware",
            "Annotation": "description",
            "Datacenter": "datacenter",
            "Cluster": "cluster",
            "Host": "physical_host",
            "OS according to the VMware Tools": "os_name",
            # What the VM is configured as; stands in when the VMware Tools column is absent.
            "OS according to the configuration file": KnownColumn("os_name", confidence=SECONDARY),
            "VM ID": "external_id",
            "SMBIOS UUID": "bios_uuid",
            **dict.fromkeys(_RVTOOLS_UNMAPPED),
        }
    ),
    numbered=(Numbered(re.compile(r"network(\d+)"), KnownColumn(None)),),
    signature=_keys(
        ["VM", "Powerstate", "Template", "DNS Name", "CPUs", "NICs", "Provisioned MiB", "Provisioned MB"]
        + ["In Use MiB", "In Use MB", "OS according to the configuration file", "OS according to the VMware Tools"]
        + ["VI SDK Server", "VM ID", "VM UUID", "SRM Placeholder", "Config status", "Guest state"]
    ),
)

SERVICENOW = FormatSpec(
    "servicenow",
    "ServiceNow",
    "assets",
    # Field names, and the labels a list export shows instead where they differ once squashed
    # ("Serial number" is serial_number already).
    columns=_columns(
        {
            "name": "name",
            "sys_id": "external_id",
            "sys_class_name": "asset_type",
            "Class": "asset_type",
            "ip_address": "ip_address",
            "mac_address": "mac_address",
            "os": "os_name",
            "Operating System": "os_name",
            "os_version": "os_version",
            "os_service_pack": None,
            "os_address_width": "os_architecture",
            "OS Address Width (bits)": "os_architecture",
            "cpu_count": "cpu_sockets",
            # ServiceNow's core count is per CPU, not the total the cpu_cores field holds.
            "cpu_core_count": KnownColumn(None, note="cores per CPU; total cores = CPU count x CPU core count"),
            "cpu_core_thread": None,
            "cpu_speed": KnownColumn("cpu_speed_mhz", unit="mhz"),
            "CPU speed (MHz)": "cpu_speed_mhz",
            "cpu_type": None,
            "cpu_manufacturer": None,
            "ram": KnownColumn("memory_mb", unit="mb"),
            "RAM (MB)": "memory_mb",
            "disk_space": KnownColumn("storage_gb", unit="gb"),
            "Disk space (GB)": "storage_gb",
            "serial_number": "serial_number",
            "install_status": "status",
            "Status": "status",
            "operational_status": None,
            "used_for": KnownColumn("environment", confidence=0.96),
            "environment": "environment",
            "assigned_to": "technical_owner",
            "support_group": KnownColumn("technical_owner", confidence=0.96),
            "managed_by": None,
            "owned_by": "business_owner",
            "location": "location",
            "department": "department",
            "cost_center": "cost_center",
            "company": None,
            "fqdn": "fqdn",
            "Fully qualified domain name": "fqdn",
            "dns_domain": None,
            "host_name": "hostname",
            "short_description": "description",
            "Description": "description",
            "virtual": "is_virtual",
            "Is Virtual": "is_virtual",
            "manufacturer": None,
            "model_id": None,
            "asset_tag": None,
            "discovery_source": None,
            "sys_created_on": None,
            "Created": None,
            "sys_updated_on": None,
            "Updated": None,
            "classification": None,
            "last_discovered": None,
            "Most recent discovery": None,
        }
    ),
    signature=_keys(
        ["sys_id", "sys_class_name", "install_status", "operational_status", "used_for", "os_address_width"]
        + ["cpu_core_count", "disk_space", "support_group", "assigned_to", "cpu_speed", "short_description"]
        + ["Class", "RAM (MB)", "Disk space (GB)", "OS Address Width (bits)", "CPU speed (MHz)", "managed_by"]
        + ["owned_by", "Operating System", "cpu_count"]
    ),
)

_KONVEYOR_TAG = KnownColumn(None, note="tag category and tag pairs become tags at import")
_KONVEYOR_DEPENDENCY = KnownColumn(None, note="record type 2 rows become dependencies between applications")

KONVEYOR = FormatSpec(
    "konveyor",
    "Konveyor",
    "applications",
    columns=_columns(
        {
            "Record Type 1": KnownColumn(None, note="1 application, 2 dependency"),
            "Application Name": "name",
            "Description": "description",
            "Comments": None,
            "Business Service": "business_service",
            "Dependency": _KONVEYOR_DEPENDENCY,
            "Dependency Direction": _KONVEYOR_DEPENDENCY,
            "Binary Group": None,
            "Binary Artifact": None,
            "Binary Version": None,
            "Binary Packaging": None,
            "Repository Type": None,
            "Repository URL": None,
            "Repository Branch": None,
            "Repository Path": None,
            "Owner": "business_owner",
            "Contributors": None,
        }
    ),
    numbered=(Numbered(re.compile(r"tag(?:category|type)?(\d+)"), _KONVEYOR_TAG),),
    signature=_keys(
        ["Record Type 1", "Application Name", "Business Service", "Dependency Direction", "Binary Group"]
        + ["Binary Artifact", "Repository URL", "Repository Type", "Tag Category 1", "Tag Type 1", "Contributors"]
    ),
)

_SOURCE_HEADERS = ["source", "src", "source ip", "src ip", "source host", "source address", "source server", "from"]
_TARGET_HEADERS = ["destination", "dest", "dst", "destination ip", "dest ip", "dst ip", "destination host", "target"]
_TARGET_HEADERS += ["target host", "destination address", "destination server", "to"]
_PORT_HEADERS = ["port", "destination port", "dest port", "dst port", "target port", "port number", "dport"]
_PROTOCOL_HEADERS = ["protocol", "proto", "ip protocol", "transport"]
_COUNT_HEADERS = ["count", "connections", "connection count", "sessions", "hits"]

CONNECTIONS = FormatSpec(
    "connections",
    "connections file",
    "connections",
    columns=_columns(
        {
            **dict.fromkeys(_SOURCE_HEADERS, "source"),
            **dict.fromkeys(_TARGET_HEADERS, "target"),
            **dict.fromkeys(_PORT_HEADERS, "port"),
            **dict.fromkeys(_PROTOCOL_HEADERS, "protocol"),
            **dict.fromkeys(
                _COUNT_HEADERS,
                KnownColumn(None, note="the connection count is kept as an attribute"),
            ),
        }
    ),
    signature=_keys(_SOURCE_HEADERS + _TARGET_HEADERS + _PORT_HEADERS + _PROTOCOL_HEADERS),
    min_hits=3,
    required=(_keys(_SOURCE_HEADERS), _keys(_TARGET_HEADERS), _keys(_PORT_HEADERS + _PROTOCOL_HEADERS)),
)

GENERIC = FormatSpec("generic", "generic", "assets")

FORMATS: Final[tuple[FormatSpec, ...]] = (
    AWS_ADS,
    AZURE_MIGRATE,
    GOOGLE_MC,
    RVTOOLS,
    SERVICENOW,
    KONVEYOR,
    CONNECTIONS,
)
FORMAT_NAMES: Final = tuple(f.name for f in FORMATS) + (GENERIC.name,)
# RVTools' main tab: a sheet of this name settles the format even with few of its columns.
RVTOOLS_MAIN_SHEET: Final = "vinfo"


def detect_format(headers: Sequence[str], *, sheet: str | None = None) -> FormatSpec:
    """The format whose signature headers the file has most of; generic when none has enough."""
    keys = {squash(h) for h in headers}
    best: tuple[int, float, FormatSpec] | None = None
    for spec in FORMATS:
        hits = len(spec.signature & keys)
        needed = spec.min_hits
        if spec is RVTOOLS and sheet is not None and sheet.casefold() == RVTOOLS_MAIN_SHEET:
            needed = 1
        if hits < needed or not all(group & keys for group in spec.required):
            continue
        # Ties go to the format that knows more of the file's columns.
        coverage = sum(1 for h in headers if spec.known(h) is not None) / max(len(headers), 1)
        if best is None or (hits, coverage) > best[:2]:
            best = (hits, coverage, spec)
    return best[2] if best else GENERIC
