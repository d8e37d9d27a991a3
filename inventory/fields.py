"""What the inventory keeps of the canonical fields, in one place: the lists come from the mapping engine's
`imports.engine.fields` (shared/spec/asset-fields.md, application-fields.md); this module adds what only the
inventory needs (which vocabulary keeps its raw value, what the quality score counts, natural keys).
"""

from __future__ import annotations

from imports.engine.fields import APPLICATION_FIELDS, ASSET_FIELDS, Field

__all__ = [
    "APPLICATION_EXPORT_FIELDS",
    "APPLICATION_FIELDS",
    "APPLICATION_VOCABULARY_FIELDS",
    "ASSET_EDITABLE_FIELDS",
    "ASSET_FIELDS",
    "ASSET_VOCABULARY_FIELDS",
    "DEPENDENCY_EXPORT_FIELDS",
    "NATURAL_KEYS",
    "QUALITY_FIELDS",
    "Field",
]

# The fields the assessment needs: an asset's quality score is the share of them that are known (0-100).
QUALITY_FIELDS: tuple[str, ...] = (
    "name",
    "os_name",
    "os_version",
    "cpu_cores",
    "memory_mb",
    "storage_gb",
    "environment",
    "ip_address",
    "application",
    "criticality",
)

# Duplicates are matched on these, first match wins, in this order (issue 4); `ip_address` compares the primary IP.
NATURAL_KEYS: tuple[str, ...] = ("external_id", "bios_uuid", "serial_number", "fqdn", "hostname", "ip_address")

# Vocabulary fields whose source value is kept beside the normalised one (`<field>_raw`).
ASSET_VOCABULARY_FIELDS: tuple[str, ...] = tuple(
    name for name, field in ASSET_FIELDS.items() if field.type == "vocabulary" and not field.derived
)
APPLICATION_VOCABULARY_FIELDS: tuple[str, ...] = tuple(
    name for name, field in APPLICATION_FIELDS.items() if field.type == "vocabulary"
)

# A person may edit every canonical field but the derived ones.
ASSET_EDITABLE_FIELDS: tuple[str, ...] = tuple(name for name, field in ASSET_FIELDS.items() if not field.derived)

# Export columns of applications: the canonical fields (`servers` is the linked assets' names).
APPLICATION_EXPORT_FIELDS: tuple[str, ...] = tuple(APPLICATION_FIELDS)
DEPENDENCY_EXPORT_FIELDS: tuple[str, ...] = ("source", "target", "direction", "kind", "description")
