"""The first import into an engagement writes its rows in batches and matches them to each other by natural key
in Python (the engagement had no assets to match in SQL): a row repeating a host of an earlier batch updates or
skips that asset, as within one batch, and every asset keeps its source row."""

from __future__ import annotations

from pathlib import Path

import pytest
from django_tenants.utils import schema_context

from engagements.models import Engagement
from imports import services
from inventory.models import Asset

from .conftest import import_file, write_csv

ROWS = (
    "Hostname,IP Address,Memory (MB),Owner\n"
    "web01,10.0.0.1,4096,Ann\n"
    "db01,10.0.0.2,16384,Bob\n"
    "app01,10.0.0.3,8192,\n"
    "WEB01,,8192,\n"  # the first batch's web01, by hostname
    "other,10.0.0.2,,Cy\n"  # the first batch's db01, by IP address
)


@pytest.fixture(autouse=True)
def batches_of_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "WRITE_BATCH", 2)


def test_a_host_repeated_in_a_later_batch_updates_the_asset(
    engagement: Engagement, schema: str, tmp_path: Path
) -> None:
    with schema_context(schema):
        outcome = import_file(write_csv(tmp_path / "hosts.csv", ROWS), engagement, "--approve")
        assert outcome.code == 0, outcome.out
        counts = outcome.result["counts"]
        assert (counts["assets_created"], counts["assets_updated"]) == (3, 2)
        assets = {a.ip_address[0]: a for a in Asset.objects.filter(engagement=engagement)}
        assert sorted(assets) == ["10.0.0.1", "10.0.0.2", "10.0.0.3"]
        assert (assets["10.0.0.1"].hostname, assets["10.0.0.1"].memory_mb) == ("web01", 8192)
        # The later row's known values win, the unknown ones leave the asset's alone.
        assert (assets["10.0.0.2"].hostname, assets["10.0.0.2"].memory_mb) == ("other", 16384)


def test_a_host_repeated_in_a_later_batch_is_skipped_on_skip(
    engagement: Engagement, schema: str, tmp_path: Path
) -> None:
    with schema_context(schema):
        outcome = import_file(
            write_csv(tmp_path / "hosts.csv", ROWS), engagement, "--approve", "--on-duplicate", "skip"
        )
        assert outcome.code == 0, outcome.out
        counts = outcome.result["counts"]
        assert (counts["assets_created"], counts["assets_skipped"]) == (3, 2)
        web = Asset.objects.get(engagement=engagement, hostname="web01")
        assert (web.memory_mb, web.source_row) == (4096, 2)
