"""assets_bulk_write(trusted=True): rows the import pipeline already typed skip the re-check, same results."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from engagements.models import Engagement
from imports.rows import PlannedColumn, RowConverter
from inventory.models import Asset
from tests.inventory.conftest import write

HEADERS = ["Name", "Host", "IP", "MAC", "OS", "Env", "RAM GB", "Cores", "Rack"]
PLANNED = [
    PlannedColumn("Name", "name", None),
    PlannedColumn("Host", "hostname", None),
    PlannedColumn("IP", "ip_address", "split_list"),
    PlannedColumn("MAC", "mac_address", "split_list"),
    PlannedColumn("OS", "os_name", None),
    PlannedColumn("Env", "environment", "vocabulary"),
    PlannedColumn("RAM GB", "memory_mb", "gb_to_mb"),
    PlannedColumn("Cores", "cpu_cores", None),
]
CELLS = [
    ["Web01", "WEB01", "10.0.0.1; 10.0.0.2", "00-15-5D-00-00-01, 00:15:5d:00:00:01", "Ubuntu", "Prod", "8", "4", "A1"],
    ["", "db01", "10.0.0.9", "", "Windows Server 2019", "dev", "16.5", "", ""],
    ["Web01 again", "web01", "", "", "", "", "", "8", "B2"],
]  # fmt: skip
COMPARED = (
    "name", "hostname", "ip_address", "mac_address", "os_name", "os_family", "environment", "environment_raw",
    "memory_mb", "cpu_cores", "custom_attributes", "source_row", "quality_score", "search_text", "deleted_at",
)  # fmt: skip


def typed_rows() -> list[dict[str, Any]]:
    convert = RowConverter.build(kind="assets", format="generic", headers=HEADERS, planned=PLANNED)
    rows = []
    for number, cells in enumerate(CELLS, start=2):
        result = convert.convert(dict(zip(HEADERS, cells, strict=True)))
        assert not result.errors
        rows.append({**result.values, "source_row": number})
    return rows


def snapshot(engagement: Engagement) -> list[tuple[Any, ...]]:
    return list(Asset.objects.filter(engagement=engagement).order_by("source_row").values_list(*COMPARED))


def test_trusted_rows_write_what_the_validated_path_writes(engagement: Engagement) -> None:
    other = Engagement.objects.create(name="Validated twin")
    for on_duplicate in ("update", "skip"):
        trusted = write(engagement, typed_rows(), trusted=True, on_duplicate=on_duplicate)
        checked = write(other, typed_rows(), on_duplicate=on_duplicate)
        counts = (trusted.created, trusted.updated, trusted.skipped)
        assert counts == (checked.created, checked.updated, checked.skipped)
        assert snapshot(engagement) == snapshot(other)
    rows = snapshot(engagement)
    assert len(rows) == 2
    web = next(dict(zip(COMPARED, row, strict=True)) for row in rows if row[1] == "web01")
    assert web["mac_address"] == ["00:15:5d:00:00:01"]  # two spellings of one MAC count once
    assert (web["environment"], web["environment_raw"], web["cpu_cores"]) == ("production", "Prod", 8)


def test_trusted_still_refuses_a_row_without_identity(engagement: Engagement) -> None:
    with pytest.raises(ValidationError):
        write(engagement, [{"os_name": "Ubuntu", "source_row": 2}], trusted=True)
    assert not Asset.objects.filter(engagement=engagement).exists()
