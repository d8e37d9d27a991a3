"""Cleansing compares each row's natural keys with the earlier rows': external ids as written, the others in any
case; the first key in NATURAL_KEYS order that an earlier row has is the one reported, with that row."""

from __future__ import annotations

from pathlib import Path

from django_tenants.utils import schema_context

from engagements.models import Engagement
from imports import services
from imports.models import DataImport

from .conftest import import_file, write_csv

CSV = (
    "External ID,Hostname,IP address\n"
    "A1,web01,10.0.0.1\n"  # row 2
    "a1,web02,10.0.0.2\n"  # row 3: another external id (case counts), host and address
    "B2,WEB02,10.0.0.1\n"  # row 4: the host of row 3 (before the address of row 2 in key order)
    "C3,web09,10.0.0.2\n"  # row 5: the address of row 3
    "A1,web10,10.0.0.10\n"  # row 6: the external id of row 2
)


def test_each_duplicate_names_its_first_matching_key_and_row(
    engagement: Engagement, schema: str, tmp_path: Path
) -> None:
    with schema_context(schema):
        outcome = import_file(write_csv(tmp_path / "keys.csv", CSV), engagement, "--approve")
        assert outcome.code == 0, outcome.out
        duplicates = sorted((w["row"], w["message"]) for w in outcome.result["warnings"] if "as row" in w["message"])
        assert duplicates == [
            (4, "same hostname 'web02' as row 3: merged into it"),
            (5, "same ip_address '10.0.0.2' as row 3: merged into it"),
            (6, "same external_id 'A1' as row 2: merged into it"),
        ]


def test_cleansing_again_from_the_stored_rows_finds_the_same_duplicates(
    engagement: Engagement, schema: str, tmp_path: Path
) -> None:
    with schema_context(schema):
        outcome = import_file(write_csv(tmp_path / "keys.csv", CSV), engagement, "--approve")
        assert outcome.code == 0, outcome.out
        data_import = DataImport.objects.get(engagement=engagement)
        again = services.rows_cleanse(data_import=data_import)  # validation's keys were used up by the inventory
        assert again["counts"] == {"duplicates": 3}
        assert [(w["row"], w["message"]) for w in again["warnings"]] == [
            (4, "same hostname 'web02' as row 3: merged into it"),
            (5, "same ip_address '10.0.0.2' as row 3: merged into it"),
            (6, "same external_id 'A1' as row 2: merged into it"),
        ]
