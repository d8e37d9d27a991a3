"""The canonical fields every import is mapped onto (shared/spec/asset-fields.md, application-fields.md).

This is the one place the field names, types and units live: models, exports, validation and the mapping
engine import them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["text", "integer", "number", "list", "vocabulary", "boolean"]
# The unit a numeric field is stored in; the mapping converts a source's unit into it.
Unit = Literal["mb", "gb", "kbps", "mhz", "pct", "h", "min"]
# How the items of a list field are normalised.
ItemKind = Literal["ip", "mac", "tag"]
Kind = Literal["assets", "applications", "connections"]

KINDS: tuple[Kind, ...] = ("assets", "applications", "connections")


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    type: FieldType
    meaning: str
    unit: Unit | None = None
    # The vocabulary a `vocabulary` field is normalised with (see vocabularies.py).
    vocabulary: str | None = None
    item: ItemKind | None = None
    # Derived fields are computed from others and never take a source column.
    derived: bool = False


def _index(*fields: Field) -> dict[str, Field]:
    return {f.name: f for f in fields}


ASSET_FIELDS: dict[str, Field] = _index(
    Field("name", "text", "display name of the asset"),
    Field("hostname", "text", "short host name, lower-cased, no domain"),
    Field("fqdn", "text", "fully qualified domain name"),
    Field("external_id", "text", "the asset's id in the source system"),
    Field("bios_uuid", "text", "SMBIOS / BIOS UUID"),
    Field("serial_number", "text", "hardware serial"),
    Field("asset_type", "vocabulary", "server, database, network_device, ...", vocabulary="asset_type"),
    Field("ip_address", "list", "IP addresses, primary first", item="ip"),
    Field("mac_address", "list", "MAC addresses, aa:bb:cc:dd:ee:ff", item="mac"),
    Field("cpu_cores", "integer", "total cores / vCPUs allocated"),
    Field("cpu_sockets", "integer", "physical processors / sockets"),
    Field("cpu_logical", "integer", "logical processors / threads"),
    Field("cpu_speed_mhz", "integer", "clock speed", unit="mhz"),
    Field("memory_mb", "integer", "installed / allocated memory", unit="mb"),
    Field("storage_gb", "number", "total allocated / provisioned storage", unit="gb"),
    Field("storage_used_gb", "number", "storage in use", unit="gb"),
    Field("disk_count", "integer", "number of disks"),
    Field("cpu_util_avg_pct", "number", "average CPU utilisation", unit="pct"),
    Field("cpu_util_max_pct", "number", "peak CPU utilisation", unit="pct"),
    Field("memory_util_avg_pct", "number", "average memory utilisation", unit="pct"),
    Field("memory_used_avg_mb", "integer", "average memory in use", unit="mb"),
    Field("memory_used_max_mb", "integer", "peak memory in use", unit="mb"),
    Field("disk_read_iops", "number", "average read operations per second"),
    Field("disk_write_iops", "number", "average write operations per second"),
    Field("disk_read_kbps", "number", "average read throughput, KB/s", unit="kbps"),
    Field("disk_write_kbps", "number", "average write throughput, KB/s", unit="kbps"),
    Field("network_in_kbps", "number", "average inbound network throughput, KB/s", unit="kbps"),
    Field("network_out_kbps", "number", "average outbound network throughput, KB/s", unit="kbps"),
    Field("os_name", "text", "operating system as given"),
    Field("os_version", "text", "operating system version as given"),
    Field("os_family", "vocabulary", "windows, linux, unix, other", vocabulary="os_family", derived=True),
    Field("os_architecture", "text", "x64, x86, arm64"),
    Field("is_virtual", "boolean", "virtual machine or physical"),
    Field("hypervisor", "text", "VMware, Hyper-V, KVM, ..."),
    Field("power_state", "text", "poweredOn, poweredOff, ..."),
    Field("cluster", "text", "virtualisation cluster"),
    Field("physical_host", "text", "hypervisor host"),
    Field("firmware", "text", "BIOS or UEFI"),
    Field("datacenter", "text", "data centre"),
    Field("location", "text", "site, city or region"),
    Field("environment", "vocabulary", "production, staging, test, ...", vocabulary="environment"),
    Field("application", "list", "names of the applications the asset serves"),
    Field("business_owner", "text", "business owner"),
    Field("technical_owner", "text", "technical owner / support group"),
    Field("department", "text", "department or business unit"),
    Field("criticality", "vocabulary", "critical, high, medium, low", vocabulary="criticality"),
    Field("cost_center", "text", "cost centre"),
    Field("monthly_cost", "number", "current monthly run cost"),
    Field("tags", "list", "free tags, key:value", item="tag"),
    Field("migration_wave", "text", "wave already assigned in the source"),
    Field("description", "text", "free description"),
    Field("status", "vocabulary", "active, inactive, retiring, ...", vocabulary="status"),
    Field("dependencies", "list", "names of assets this asset depends on"),
)

APPLICATION_FIELDS: dict[str, Field] = _index(
    Field("name", "text", "the application's name, unique in an engagement"),
    Field("description", "text", "free description"),
    Field("app_type", "vocabulary", "custom, cots, saas_replaceable", vocabulary="app_type"),
    Field("business_criticality", "vocabulary", "critical, high, medium, low", vocabulary="criticality"),
    Field("lifecycle", "vocabulary", "invest, maintain, sunset, retire", vocabulary="lifecycle"),
    Field("business_owner", "text", "business owner"),
    Field("technical_owner", "text", "technical owner"),
    Field("business_service", "text", "the business service or capability it supports"),
    Field("users", "integer", "number of active users"),
    Field("languages", "list", "programming languages"),
    Field("frameworks", "list", "frameworks"),
    Field("databases", "list", "databases"),
    Field("middleware", "list", "middleware"),
    Field("vendor", "text", "vendor, for COTS"),
    Field("license_model", "text", "license model"),
    Field(
        "data_classification",
        "vocabulary",
        "public, internal, confidential, restricted",
        vocabulary="data_classification",
    ),
    Field("compliance", "list", "e.g. PCI-DSS, GDPR"),
    Field("rto_hours", "number", "recovery time objective", unit="h"),
    Field("rpo_minutes", "number", "recovery point objective", unit="min"),
    Field("annual_cost", "number", "current yearly run cost"),
    Field("servers", "list", "names of the assets it runs on"),
    Field("tags", "list", "free tags, key:value", item="tag"),
)

CONNECTION_FIELDS: dict[str, Field] = _index(
    Field("source", "text", "source host or IP"),
    Field("target", "text", "destination host or IP"),
    Field("port", "integer", "destination port"),
    Field("protocol", "text", "tcp, udp, ..."),
)

FIELDS_BY_KIND: dict[Kind, dict[str, Field]] = {
    "assets": ASSET_FIELDS,
    "applications": APPLICATION_FIELDS,
    "connections": CONNECTION_FIELDS,
}


def field_for(kind: Kind, name: str) -> Field:
    """The field `name` of `kind`; KeyError names both when it does not exist."""
    try:
        return FIELDS_BY_KIND[kind][name]
    except KeyError:
        raise KeyError(f"{name!r} is not a field of {kind}") from None
