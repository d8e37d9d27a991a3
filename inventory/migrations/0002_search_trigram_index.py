"""Trigram index for the asset text search, only where the server provides pg_trgm.

The embedded PostgreSQL fallback may lack the extension: there the search stays a plain LIKE scan. This migration
runs once per client schema; the extension itself lives once in `public`, which every tenant's search_path holds.
"""

from django.db import migrations

INDEX = "inventory_asset_search_trgm"


def create_trigram_index(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        # Normally `public`; a database where someone installed it elsewhere keeps working.
        cursor.execute(
            "SELECT quote_ident(extnamespace::regnamespace::text) FROM pg_extension WHERE extname = 'pg_trgm'"
        )
        schema = cursor.fetchone()[0]
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON inventory_asset USING gin (search_text {schema}.gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
