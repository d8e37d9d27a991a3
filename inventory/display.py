"""How fields look on the detail pages: groups, labels and values as text."""

from __future__ import annotations

from typing import Any

from django.db import models

from .fields import APPLICATION_FIELDS, ASSET_FIELDS

ASSET_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("Identity", ("name", "hostname", "fqdn", "external_id", "bios_uuid", "serial_number", "asset_type")),
    ("Network", ("ip_address", "mac_address")),
    ("Compute and storage", ("cpu_cores", "cpu_sockets", "cpu_logical", "cpu_speed_mhz", "memory_mb")),
    ("Disks", ("storage_gb", "storage_used_gb", "disk_count")),
    (
        "Utilisation",
        (
            "cpu_util_avg_pct",
            "cpu_util_max_pct",
            "memory_util_avg_pct",
            "memory_used_avg_mb",
            "memory_used_max_mb",
            "disk_read_iops",
            "disk_write_iops",
            "disk_read_kbps",
            "disk_write_kbps",
            "network_in_kbps",
            "network_out_kbps",
        ),
    ),
    ("Operating system", ("os_name", "os_version", "os_family", "os_architecture", "firmware")),
    ("Platform", ("is_virtual", "hypervisor", "power_state", "cluster", "physical_host", "datacenter", "location")),
    (
        "Business",
        (
            "environment",
            "criticality",
            "status",
            "application",
            "business_owner",
            "technical_owner",
            "department",
            "cost_center",
            "monthly_cost",
            "migration_wave",
            "tags",
            "dependencies",
            "description",
        ),
    ),
]
APPLICATION_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("Application", ("name", "description", "app_type", "business_service", "vendor", "license_model", "users")),
    ("Ownership", ("business_owner", "technical_owner", "business_criticality", "lifecycle", "data_classification")),
    ("Technology", ("languages", "frameworks", "databases", "middleware")),
    ("Resilience and cost", ("rto_hours", "rpo_minutes", "annual_cost", "compliance", "tags", "servers")),
]

UNITS = {"mb": "MB", "gb": "GB", "kbps": "KB/s", "mhz": "MHz", "pct": "%", "h": "h", "min": "min"}


def display_value(obj: models.Model, name: str) -> str:
    value: Any = getattr(obj, name)
    if value is None or value == []:
        return ""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    field = obj._meta.get_field(name)
    if getattr(field, "choices", None):
        return str(getattr(obj, f"get_{name}_display")())
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def field_row(obj: models.Model, name: str, *, kind: str) -> dict[str, Any]:
    canonical = (ASSET_FIELDS if kind == "asset" else APPLICATION_FIELDS)[name]
    raw = getattr(obj, f"{name}_raw", None)
    return {
        "name": name,
        "label": name.replace("_", " "),
        "display": display_value(obj, name),
        "unit": UNITS.get(canonical.unit or "", ""),
        "raw": raw if raw and raw != getattr(obj, name) else "",
        "editable": not canonical.derived and not (kind == "application" and name == "servers"),
        "meaning": canonical.meaning,
    }


def field_groups(obj: models.Model, *, kind: str) -> list[tuple[str, list[dict[str, Any]]]]:
    groups = ASSET_GROUPS if kind == "asset" else APPLICATION_GROUPS
    return [(title, [field_row(obj, name, kind=kind) for name in names]) for title, names in groups]
