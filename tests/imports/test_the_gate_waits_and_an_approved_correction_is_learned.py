"""Without --approve the import stops at the mapping gate (exit 3); approving with a correction carries on, and the
correction is learned: the next file with the same header gets it as its suggestion."""

from __future__ import annotations

from pathlib import Path

from django_tenants.utils import schema_context

from engagements.models import Engagement
from imports import services
from imports.models import ColumnMapping, DataImport, LearnedMapping
from inventory.models import Asset
from tests.factories import Team

from .conftest import import_file, write_csv

CSV = "Server,Site code,Memory (MB)\nsrv01,AMS-1,4096\nsrv02,FRA-2,8192\n"


def test_the_gate_stops_then_an_approval_with_a_correction_continues_and_is_learned(
    engagement: Engagement, schema: str, tenant: Team, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "servers.csv", CSV)
    with schema_context(schema):
        waiting = import_file(path, engagement)
        assert waiting.code == 3 and waiting.result["status"] == "waiting_for_input"
        assert waiting.result["phase"] == "field_mapping"
        assert not Asset.objects.filter(engagement=engagement).exists()
        data_import = DataImport.objects.get(engagement=engagement)
        site = ColumnMapping.objects.get(data_import=data_import, source="Site code")
        assert site.suggested_target != "datacenter"
        from flows.services import flow_run_inline, running_inline

        with running_inline():  # the phases run here, not on a worker another test may have started
            services.mapping_approve(data_import=data_import, user=tenant.analyst, mapping={"Site code": "datacenter"})
            flow_run_inline(flow=DataImport.objects.get(pk=data_import.pk).flow)  # type: ignore[arg-type]
        assert set(Asset.objects.filter(engagement=engagement).values_list("datacenter", flat=True)) == {
            "AMS-1",
            "FRA-2",
        }
        learned = LearnedMapping.objects.get(header="Site code")
        assert learned.target == "datacenter" and learned.approved_by_id == tenant.analyst.pk

        again = import_file(write_csv(tmp_path / "more.csv", CSV), engagement)
        assert again.code == 3
        second = DataImport.objects.filter(engagement=engagement).order_by("-pk").first()
        column = ColumnMapping.objects.get(data_import=second, source="Site code")
        assert column.suggested_target == "datacenter" and "learned" in column.reason
