"""`manage.py demo_seed` gives a newcomer a living engagement, built through the platform's own flows."""

from __future__ import annotations

import time
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from assessments.models import Assessment, SixRDecision, Wave, WaveAssignment
from engagements.demo import DEMO_ENGAGEMENT, RVTOOLS_VMS, estate_generate, file_import, rvtools_write
from engagements.models import Engagement
from engagements.services import engagement_create
from flows.models import Flow
from imports.models import DataImport
from inventory.models import Application, ApplicationAsset, ApplicationDependency, Asset, AssetConnection
from tests.factories import Team


def seed(team: Team, *args: str) -> str:
    out = StringIO()
    call_command("demo_seed", "--tenant", team.client.schema_name, *args, stdout=out)
    return out.getvalue()


def test_the_demo_engagement_has_servers_applications_an_assessment_and_waves(live_tenant: Team, live_db: None) -> None:
    team = live_tenant
    started = time.monotonic()
    output = seed(team)
    took = time.monotonic() - started
    assert f"Seeded '{DEMO_ENGAGEMENT}'" in output, output
    with schema_context(team.client.schema_name):
        engagement = Engagement.objects.get(name=DEMO_ENGAGEMENT)
        # Every file went through a discovery flow that finished, each read as its own format.
        imports = DataImport.objects.filter(engagement=engagement)
        assert sorted(imports.values_list("format", flat=True)) == sorted(
            ["rvtools", "aws_ads", "servicenow", "generic", "connections"]
        )
        discovery = Flow.objects.filter(engagement=engagement, type="discovery")
        assert discovery.count() == 5
        assert set(discovery.values_list("status", flat=True)) == {"completed"}
        # A few hundred servers, from three inventory formats.
        assets = Asset.objects.filter(engagement=engagement, deleted_at__isnull=True)
        assert assets.count() == 300
        by_format = Counter(assets.values_list("source_format", flat=True))
        assert by_format == {"rvtools": 150, "aws_ads": 100, "servicenow": 50}, by_format
        disks = assets.filter(name="infra-dns001").values_list("storage_gb", flat=True)
        assert all(size is None or size > 0 for size in disks)
        # Applications with their business facts, running on servers.
        apps = Application.objects.filter(engagement=engagement, deleted_at__isnull=True)
        assert apps.count() == 30
        banking = apps.get(name="Online Banking")
        assert banking.app_type == "custom" and banking.lifecycle == "invest"
        assert banking.business_criticality in ("high", "critical")
        assert "Java 8" in banking.languages and "Struts 1" in banking.frameworks
        assert apps.get(name="Sales CRM").app_type == "saas_replaceable"
        assert apps.get(name="Fax Gateway").users == 0
        linked = ApplicationAsset.objects.filter(application__engagement=engagement)
        assert linked.values("application").distinct().count() == 30
        assert linked.count() >= 150
        # Dependencies: server connections, and through them applications that call each other.
        assert AssetConnection.objects.filter(engagement=engagement).count() >= 50
        assert ApplicationDependency.objects.filter(engagement=engagement).count() >= 25
        # A finished, approved assessment whose decisions vary.
        assessment = Assessment.objects.get(engagement=engagement)
        assert assessment.approved_at is not None
        assert Flow.objects.get(pk=assessment.flow_id).status == "completed"
        strategies = Counter(SixRDecision.objects.filter(engagement=engagement).values_list("strategy", flat=True))
        assert sum(strategies.values()) == 30
        # The estate is drawn so that every strategy but retain comes out (at least four, the brief asks).
        assert set(strategies) == {"retire", "repurchase", "rehost", "replatform", "refactor"}, strategies
        # Waves with applications in them.
        waves = Wave.objects.filter(engagement=engagement).count()
        assert waves >= 4
        assert Wave.objects.get(engagement=engagement, number=1).is_pilot
        assigned = WaveAssignment.objects.filter(engagement=engagement)
        assert assigned.values("wave").distinct().count() == waves
        # Everything but the retired applications is planned.
        assert assigned.count() == 30 - strategies["retire"]
    print(f"demo_seed took {took:.1f} s; strategies {dict(strategies)}; waves {waves}")

    # A second run changes nothing and says so.
    again = seed(team)
    assert "already has the demo engagement" in again
    with schema_context(team.client.schema_name):
        assert Engagement.objects.filter(name=DEMO_ENGAGEMENT).count() == 1
        assert Asset.objects.filter(engagement__name=DEMO_ENGAGEMENT).count() == 300
        assert Flow.objects.filter(engagement__name=DEMO_ENGAGEMENT).count() == 6


def stored_files(media_root: Path) -> list[Path]:
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def test_reset_builds_the_same_estate_again(live_tenant: Team, live_db: None, media_root: Path) -> None:
    team = live_tenant
    seed(team)
    with schema_context(team.client.schema_name):
        first = sorted(Asset.objects.values_list("name", "os_name", "cpu_cores"))
        decisions = sorted(SixRDecision.objects.values_list("application__name", "strategy"))
    files = stored_files(media_root)
    assert len(files) >= 5
    assert "Seeded" in seed(team, "--reset")
    # The first seed's uploads went with its engagement.
    assert len(stored_files(media_root)) == len(files)
    with schema_context(team.client.schema_name):
        assert Engagement.objects.filter(name=DEMO_ENGAGEMENT).count() == 1
        assert sorted(Asset.objects.values_list("name", "os_name", "cpu_cores")) == first
        assert sorted(SixRDecision.objects.values_list("application__name", "strategy")) == decisions


def test_the_generated_estate_is_the_same_for_the_same_seed() -> None:
    one, two = estate_generate(), estate_generate()
    assert [s.name for s in one.servers] == [s.name for s in two.servers]
    assert one.applications == two.applications and one.connections == two.connections
    assert len({s.name for s in one.servers}) == 300
    assert estate_generate(seed=1).servers != one.servers


@pytest.mark.parametrize("args", [("--tenant", "nosuchclient"), ("--tenant", "acme", "--user", "x@nowhere.test")])
def test_bad_arguments_exit_2_naming_what_is_wrong(team: Team, args: tuple[str, ...]) -> None:
    with pytest.raises(CommandError) as refused:
        call_command("demo_seed", *args)
    assert refused.value.returncode == 2
    assert args[-1] in str(refused.value)
    with schema_context("acme"):
        assert not Engagement.objects.filter(name=DEMO_ENGAGEMENT).exists()


def test_after_demo_client_the_default_run_fills_its_engagement(live_db: None, settings: Any, tmp_path: Path) -> None:
    """What `make run` does: demo_client makes the client and an empty engagement; demo_seed (no arguments)
    fills that engagement of the `demo` client."""
    from tenants.db import use_public_schema
    from tenants.models import Client

    settings.BASE_DIR = tmp_path  # demo_client keeps the password in BASE_DIR/.data
    call_command("demo_client", stderr=StringIO())
    try:
        with schema_context("demo"):
            empty = Engagement.objects.get(name=DEMO_ENGAGEMENT)
            assert not Asset.objects.exists()
        out = StringIO()
        call_command("demo_seed", stdout=out)
        assert "Seeded 'Data centre exit 2027' for Demo Client" in out.getvalue()
        with schema_context("demo"):
            assert list(Engagement.objects.values_list("pk", flat=True)) == [empty.pk]
            assert Asset.objects.filter(engagement=empty).count() == 300
            assert SixRDecision.objects.filter(engagement=empty).count() == 30
    finally:
        use_public_schema()
        Client.objects.get(schema_name="demo").delete(force_drop=True)


def test_an_engagement_of_that_name_holding_other_data_is_left_alone(
    live_tenant: Team, live_db: None, tmp_path: Path
) -> None:
    """A seed that stopped half way (here: only the RVTools workbook imported) is not mistaken for a finished
    demo, nor silently overwritten: exit 1 says to use --reset, which rebuilds it."""
    team = live_tenant
    with schema_context(team.client.schema_name):
        engagement = engagement_create(created_by=team.owner, name=DEMO_ENGAGEMENT, target_cloud="aws")
        estate = estate_generate()
        path = rvtools_write(tmp_path / "RVTools.xlsx", estate.servers[:RVTOOLS_VMS])
        file_import(engagement=engagement, path=path, kind="", user=team.owner, log=StringIO())
        assert Asset.objects.filter(engagement=engagement).count() == RVTOOLS_VMS
    err = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("demo_seed", "--tenant", team.client.schema_name, stderr=err)
    assert exit_info.value.code == 1
    assert "already holds data but no approved assessment" in err.getvalue()
    assert "--reset" in err.getvalue()
    with schema_context(team.client.schema_name):
        assert Asset.objects.filter(engagement=engagement).count() == RVTOOLS_VMS
        assert not Assessment.objects.exists()
    assert "Seeded" in seed(team, "--reset")
    with schema_context(team.client.schema_name):
        assert Asset.objects.count() == 300
        assert Assessment.objects.get().approved_at is not None
