"""The trigram index exists where the server has pg_trgm, in every client schema (cloned from the template)."""

from __future__ import annotations

from django.db import connection

from tests.factories import Team


def test_each_client_schema_has_the_trigram_index_when_pg_trgm_is_available(team: Team) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        available = cursor.fetchone() is not None
        cursor.execute(
            "SELECT schemaname FROM pg_indexes WHERE indexname = 'inventory_asset_search_trgm' ORDER BY schemaname"
        )
        schemas = [row[0] for row in cursor.fetchall()]
    if available:
        assert {"acme", "globex"} <= set(schemas)
    else:
        assert schemas == []
