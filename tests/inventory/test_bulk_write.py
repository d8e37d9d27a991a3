"""assets_bulk_write: COPY into a staging table, then set-based match, update or skip, insert; all or nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError

from engagements.models import Engagement
from inventory import services
from inventory.models import Application, Asset
from tests.inventory.conftest import server, write


def test_it_inserts_typed_rows_with_derived_values_and_provenance(engagement: Engagement) -> None:
    result = write(
        engagement,
        [
            server(
                "Web01",
                os_name="Microsoft Windows Server 2019",
                os_version="10.0",
                cpu_cores=4,
                memory_mb="8192",
                storage_gb=100.5,
                environment="Prod",
                ip_address=["10.0.0.1", "10.0.0.2"],
                application=["Billing", "CRM"],
                criticality="Tier 1",
                custom_attributes={"Rack": "A1"},
                source_row=2,
            ),
            {"fqdn": "db01.corp.example.com", "ip_address": "10.0.0.9", "source_row": 3},
        ],
        source_import_id=7,
        source_format="generic",
    )
    assert (result.created, result.updated, result.skipped) == (2, 0, 0)
    web = Asset.objects.get(pk=result.asset_ids[0])
    assert (web.os_family, web.environment, web.environment_raw, web.criticality) == (
        "windows",
        "production",
        "Prod",
        "critical",
    )
    assert (web.memory_mb, web.ip_address, web.custom_attributes) == (8192, ["10.0.0.1", "10.0.0.2"], {"Rack": "A1"})
    assert (web.source_import_id, web.source_row, web.source_format) == (7, 2, "generic")
    assert web.quality_score == 100
    assert "web01" in web.search_text and "10.0.0.1" in web.search_text and "billing" in web.search_text
    db = Asset.objects.get(pk=result.asset_ids[1])
    # asset-fields.md: hostname falls back to the first label of the FQDN, name to the hostname.
    assert (db.hostname, db.name) == ("db01", "db01")
    assert db.quality_score == 20  # name and IP of the ten fields the assessment needs
    assert sorted(Application.objects.values_list("name", flat=True)) == ["Billing", "CRM"]
    assert sorted(web.applications.values_list("name", flat=True)) == ["Billing", "CRM"]


def test_duplicates_update_by_the_natural_key_order_keeping_unknown_values(engagement: Engagement) -> None:
    first = write(
        engagement,
        [
            server("a", external_id="X-1", memory_mb=1024, os_name="Ubuntu 22.04"),
            server("b", serial_number="SN-2"),
            server("c", ip_address=["10.1.1.1"]),
        ],
    )
    second = write(
        engagement,
        [
            # external_id wins over the hostname of another asset
            {"external_id": "X-1", "hostname": "b", "cpu_cores": 8},
            {"serial_number": "sn-2", "memory_mb": 2048},  # serials match whatever their case
            {"ip_address": ["10.1.1.1", "10.9.9.9"], "environment": "dev"},
            server("d"),
        ],
        on_duplicate="update",
    )
    assert (second.created, second.updated, second.skipped) == (1, 3, 0)
    assert second.asset_ids[:3] == first.asset_ids
    a, b, c = (Asset.objects.get(pk=pk) for pk in first.asset_ids)
    assert (a.cpu_cores, a.memory_mb, a.os_family, a.name) == (8, 1024, "linux", "a")
    assert b.memory_mb == 2048
    assert (c.environment, c.ip_address) == ("development", ["10.1.1.1", "10.9.9.9"])
    assert Asset.objects.filter(engagement=engagement).count() == 4


def test_skip_leaves_matched_assets_untouched_and_reports_them(engagement: Engagement) -> None:
    first = write(engagement, [server("a", memory_mb=1024)])
    second = write(engagement, [server("A", memory_mb=4096), server("e")], on_duplicate="skip")
    assert (second.created, second.updated, second.skipped) == (1, 0, 1)
    assert second.asset_ids[0] == first.asset_ids[0]
    assert Asset.objects.get(pk=first.asset_ids[0]).memory_mb == 1024


def test_rows_of_the_same_asset_in_one_write_are_merged(engagement: Engagement) -> None:
    result = write(engagement, [server("a", memory_mb=1024), server("a", cpu_cores=2)])
    assert (result.created, result.updated) == (1, 1)
    assert result.asset_ids[0] == result.asset_ids[1]
    asset = Asset.objects.get(pk=result.asset_ids[0])
    assert (asset.memory_mb, asset.cpu_cores) == (1024, 2)


def test_a_bad_row_writes_nothing_and_names_row_and_field(engagement: Engagement) -> None:
    with pytest.raises(ValidationError) as raised:
        write(
            engagement,
            [
                server("ok", source_row=2),
                server("bad", memory_mb="lots", source_row=3),
                {"description": "no identity", "source_row": 4},
                server("x", cpu_util_avg_pct=140, colour="red", source_row=5),
            ],
        )
    messages = raised.value.messages
    assert any(m.startswith("Row 3, memory_mb: 'lots' is not a number") for m in messages)
    assert any(m.startswith("Row 4: no name") for m in messages)
    assert any("Row 5, cpu_util_avg_pct" in m for m in messages)
    assert any("Row 5: colour not a canonical field" in m for m in messages)
    assert not Asset.objects.filter(engagement=engagement).exists()


def test_a_failure_after_the_update_rolls_the_whole_write_back(
    engagement: Engagement, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = write(engagement, [server("a", memory_mb=1024)])

    def fail(*args: object, **kwargs: object) -> None:
        raise DatabaseError("disk full")

    monkeypatch.setattr(services, "_insert_new", fail)
    with pytest.raises(DatabaseError):
        write(engagement, [server("a", memory_mb=4096), server("new")])
    assert Asset.objects.get(pk=first.asset_ids[0]).memory_mb == 1024
    assert Asset.objects.filter(engagement=engagement).count() == 1


def test_a_nul_character_is_refused_with_its_row(engagement: Engagement) -> None:
    with pytest.raises(ValidationError, match="Row 1, description"):
        write(engagement, [server("nul", description="bad\x00byte")])


def test_soft_deleted_assets_match_and_stay_deleted(engagement: Engagement) -> None:
    first = write(engagement, [server("gone")])
    Asset.objects.filter(pk=first.asset_ids[0]).update(deleted_at="2026-01-01T00:00:00Z")
    second = write(engagement, [server("gone", memory_mb=512)])
    assert second.updated == 1 and second.asset_ids == first.asset_ids
    asset = Asset.objects.get(pk=first.asset_ids[0])
    assert asset.deleted_at is not None and asset.memory_mb == 512


@pytest.mark.parametrize("trusted", [False, True])
def test_list_values_with_quotes_backslashes_braces_and_null_come_back_as_written(
    engagement: Engagement, trusted: bool
) -> None:
    # Lists are staged as PostgreSQL array literals written by hand: quoting must survive every special character.
    tags = ['say "hi"', "back\\slash", "{brace}", "two words", "tab\there", "ünï"]
    if trusted:  # the validated path reads "NULL" as an empty cell; a typed row keeps it as a word
        tags.append("NULL")
    result = write(engagement, [server("Web01", tags=tags, application=['Billing \\ "North"'])], trusted=trusted)
    asset = Asset.objects.get(pk=result.asset_ids[0])
    assert asset.tags == tags
    assert asset.application == ['Billing \\ "North"']


def test_an_update_recomputes_the_quality_score_and_search_text_from_the_merged_values(
    engagement: Engagement,
) -> None:
    first = write(engagement, [server("db01", ip_address=["10.0.0.2"])])
    before = Asset.objects.get(pk=first.asset_ids[0])
    second = write(engagement, [server("db01", os_name="Ubuntu 22.04", cpu_cores=8, application=["Ledger"])])
    assert second.updated == 1 and second.asset_ids == first.asset_ids
    after = Asset.objects.get(pk=first.asset_ids[0])
    assert after.quality_score == before.quality_score + 30  # OS, cores and application now known
    # The IP it had stays searchable beside the new OS and application.
    assert all(word in after.search_text for word in ("db01", "10.0.0.2", "ubuntu 22.04", "ledger"))
