"""Validation re-reads an unchanged CSV upload for speed, but what it validates and writes are always the rows the
data_import phase stored: an upload changed on disk since (another size) is left alone for the raw records."""

from __future__ import annotations

from pathlib import Path

from django_tenants.utils import schema_context

from engagements.models import Engagement
from imports import services
from imports.models import DataImport
from inventory.models import Asset
from tests.factories import Team

from .conftest import import_file, write_csv

CSV = "Server,Memory (MB)\nsrv01,4096\nsrv02,8192\n"


def test_an_upload_changed_after_its_rows_were_stored_is_not_what_gets_imported(
    engagement: Engagement, schema: str, tenant: Team, tmp_path: Path
) -> None:
    with schema_context(schema):
        waiting = import_file(write_csv(tmp_path / "servers.csv", CSV), engagement)
        assert waiting.code == 3, waiting.out  # the raw rows are stored; the mapping gate waits
        data_import = DataImport.objects.get(engagement=engagement)
        services.media_path(data_import).write_text(CSV + "srv03,lots\nsrv04,1024\n", encoding="utf-8")
        from flows.services import flow_run_inline, running_inline

        with running_inline():
            services.mapping_approve(data_import=data_import, user=tenant.analyst)
            flow_run_inline(flow=DataImport.objects.get(pk=data_import.pk).flow)  # type: ignore[arg-type]
        assets = Asset.objects.filter(engagement=engagement).order_by("name")
        assert [(a.name, a.memory_mb, a.source_row) for a in assets] == [("srv01", 4096, 2), ("srv02", 8192, 3)]
