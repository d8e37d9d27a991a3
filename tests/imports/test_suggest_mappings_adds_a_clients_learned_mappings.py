"""`suggest_mappings --tenant SLUG` adds the client's approved corrections; an unknown client exits 2."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from imports.models import LearnedMapping
from tests.factories import Team

from .conftest import FIXTURES


def test_a_learned_correction_wins_for_the_same_header(team: Team) -> None:
    with schema_context("acme"):
        LearnedMapping.objects.create(
            header_key="vmwarevcenterid", header="VMware.VCenterId", kind="assets", target="cluster"
        )
    out = io.StringIO()
    call_command("suggest_mappings", str(FIXTURES / "aws_ads.csv"), "--tenant", "acme", "--json", stdout=out)
    mappings = {m["source"]: m for m in json.loads(out.getvalue())["mappings"]}
    assert mappings["VMware.VCenterId"]["target"] == "cluster"
    assert mappings["VMware.VCenterId"]["confidence"] == 1.0


def test_an_unknown_client_exits_2(team: Team) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("suggest_mappings", str(FIXTURES / "aws_ads.csv"), "--tenant", "nosuchclient", "--json")
    assert raised.value.returncode == 2 and "--tenant" in str(raised.value)
