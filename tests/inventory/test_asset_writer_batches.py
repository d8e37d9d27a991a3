"""AssetWriter: many batches in one transaction. While PostgreSQL writes a batch (its statements sent in pipeline
mode), Python prepares the next; rows still match across batches, and an error anywhere writes nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from engagements.models import Engagement
from inventory import services
from inventory.models import Asset

from .conftest import server, write


def write_batches(engagement: Engagement, *batches: list[dict[str, object]], **options: object) -> services.AssetWriter:
    with services.AssetWriter(engagement=engagement, **options) as writer:  # type: ignore[arg-type]
        for rows in batches:
            writer.add(rows)
    return writer


def test_a_later_batch_updates_an_asset_an_earlier_batch_created(engagement: Engagement) -> None:
    write(engagement, [server("old", ip_address=["10.0.0.9"])])  # not a first import: matched in SQL
    writer = write_batches(
        engagement,
        [server("web01", ip_address=["10.0.0.1"], memory_mb=1024), server("db01", ip_address=["10.0.0.2"])],
        [server("app01"), {"ip_address": ["10.0.0.1"], "memory_mb": 2048, "source_row": 7}],
        [server("OLD", cpu_cores=8)],
    )
    assert not writer.fresh
    result = writer.result
    assert (result.created, result.updated, result.skipped) == (3, 2, 0)
    web, db, app, later_web, old = result.asset_ids
    assert later_web == web and len({web, db, app, old}) == 4
    assert Asset.objects.get(pk=web).memory_mb == 2048
    assert Asset.objects.get(pk=old).cpu_cores == 8
    assert Asset.objects.filter(engagement=engagement).count() == 4


def test_the_first_import_matches_across_batches_in_python(engagement: Engagement) -> None:
    writer = write_batches(
        engagement,
        [server("web01", ip_address=["10.0.0.1"])],
        [server("db01"), {"ip_address": ["10.0.0.1"], "memory_mb": 512}],
        [{"hostname": "DB01", "cpu_cores": 2}],
        on_duplicate="skip",
    )
    assert writer.fresh
    result = writer.result
    assert (result.created, result.updated, result.skipped) == (2, 0, 2)
    web, db, skipped_web, skipped_db = result.asset_ids
    assert (skipped_web, skipped_db) == (web, db)
    assert Asset.objects.get(pk=web).memory_mb is None  # skipped: the asset keeps its values
    assert Asset.objects.get(pk=db).cpu_cores is None


@pytest.mark.parametrize("first_import", [True, False])
def test_a_bad_row_in_a_later_batch_writes_no_batch(engagement: Engagement, first_import: bool) -> None:
    if not first_import:
        write(engagement, [server("old")])
    before = Asset.objects.filter(engagement=engagement).count()
    with pytest.raises(ValidationError) as raised:
        write_batches(
            engagement,
            [server("web01"), server("db01")],
            [server("app01"), server("bad", memory_mb="lots", source_row=9)],
        )
    assert raised.value.messages == ["Row 9, memory_mb: 'lots' is not a number"]
    assert Asset.objects.filter(engagement=engagement).count() == before


@pytest.fixture
def asset_ids_restarted(engagement: Engagement) -> Iterator[None]:
    """The asset id sequence set back, so the next insert collides with an existing asset's id; then repaired."""
    sequence = "pg_get_serial_sequence('inventory_asset', 'id')"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval({sequence}, (SELECT min(id) FROM inventory_asset), false)")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT setval({sequence}, (SELECT max(id) FROM inventory_asset))")


def test_a_database_error_in_a_sent_batch_raises_and_writes_nothing(
    engagement: Engagement, request: pytest.FixtureRequest
) -> None:
    first = write(engagement, [server("kept", memory_mb=1024)])
    request.getfixturevalue("asset_ids_restarted")
    with pytest.raises(IntegrityError, match="inventory_asset_pkey"):
        write_batches(engagement, [server("kept", memory_mb=4096)], [server("new")])
    # The first batch's update is rolled back with the failing insert; the connection still works.
    assert Asset.objects.get(pk=first.asset_ids[0]).memory_mb == 1024
    assert Asset.objects.filter(engagement=engagement).count() == 1


def test_batches_write_under_the_debug_cursor_that_logs_each_statement(engagement: Engagement) -> None:
    """`make run` runs with DEBUG on: Django's debug cursor logs every statement, pipelined ones included."""
    connection.force_debug_cursor = True
    try:
        writer = write_batches(engagement, [server("web01")], [server("web01", cpu_cores=4), server("db01")])
    finally:
        connection.force_debug_cursor = False
    assert (writer.result.created, writer.result.updated) == (2, 1)
    assert any("INSERT INTO inventory_asset " in query["sql"] for query in connection.queries)
