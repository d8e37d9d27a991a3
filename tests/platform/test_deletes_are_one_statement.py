"""Deleting many rows is one DELETE, not a fetch of every row (Django does that for a model with a delete receiver:
django-tenants' schema drop was one for every model); deleting a client still drops its schema."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context, schema_exists

from engagements.models import Engagement
from imports.models import DataImport, RawRecord
from tenants.models import Client
from tenants.services import client_create
from tests.factories import Team


def test_an_imports_raw_rows_are_deleted_by_one_statement_without_reading_them(team: Team) -> None:
    with schema_context(team.client.schema_name):
        engagement = Engagement.objects.create(name="Deletes")
        data_import = DataImport.objects.create(engagement=engagement, file_path="x.csv", original_name="x.csv")
        RawRecord.objects.bulk_create(
            RawRecord(data_import=data_import, row_number=n, values=[f"srv{n}"]) for n in range(2, 3002)
        )
        with CaptureQueriesContext(connection) as queries:
            deleted, _ = RawRecord.objects.filter(data_import=data_import).delete()
        assert deleted == 3000
        statements = [query["sql"] for query in queries.captured_queries]
        assert [sql.split()[0] for sql in statements] == ["DELETE"], statements
        assert not RawRecord.objects.filter(data_import=data_import).exists()


def test_a_client_deleted_from_a_list_still_loses_its_schema(db: None) -> None:
    client_create(name="Vandelay", slug="vandelay")
    assert schema_exists("vandelay")
    Client.objects.filter(schema_name="vandelay").delete()  # the admin's bulk delete: no model delete() called
    assert not schema_exists("vandelay")
