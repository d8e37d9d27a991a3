from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from django_tenants.utils import schema_context

from engagements.models import Engagement
from tests.conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "engagement_create", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_it_creates_an_engagement_with_the_defaults_and_prints_json(django_db_blocker: Any) -> None:
    result = run("--tenant", "acme", "--name", "CLI project", "--json")
    with django_db_blocker.unblock(), schema_context("acme"):
        try:
            assert result.returncode == 0, result.stderr
            payload = json.loads(result.stdout)
            assert (payload["target_cloud"], payload["region"], payload["currency"]) == ("aws", "us-east-1", "USD")
            assert Engagement.objects.filter(name="CLI project").exists()
        finally:
            Engagement.objects.filter(name="CLI project").delete()


def test_an_unknown_client_exits_2_naming_the_argument(db: None) -> None:
    result = run("--tenant", "nosuch", "--name", "X")
    assert result.returncode == 2
    assert "--tenant" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_cloud_or_currency_exits_2(db: None) -> None:
    assert run("--tenant", "acme", "--name", "X", "--target-cloud", "ibm").returncode == 2
    result = run("--tenant", "acme", "--name", "X", "--currency", "euros")
    assert result.returncode == 2 and "--currency" in result.stderr
