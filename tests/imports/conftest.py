"""Import pipeline fixtures: an engagement of Acme, and the import commands run in this process."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import schema_context

from engagements.models import Engagement
from tests.factories import Outcome, Team, committed_team, run_command

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(scope="session")
def tenant(django_db_setup: None, django_db_blocker: Any) -> Iterator[Team]:
    """A client with committed rows (an import's phases run under a lease on a connection of their own), shared by
    this directory's tests; each test makes its own engagement."""
    with committed_team("imports", django_db_blocker, fast_passwords=True) as team:
        yield team


@pytest.fixture
def live_db(django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def engagement(tenant: Team, live_db: None, request: pytest.FixtureRequest) -> Iterator[Engagement]:
    with schema_context(tenant.client.schema_name):
        yield Engagement.objects.create(name=f"{request.node.name[:150]} {secrets.token_hex(2)}")


@pytest.fixture
def schema(tenant: Team) -> str:
    return tenant.client.schema_name


def import_file(path: Path | str, engagement: Engagement, *options: str, command: str = "import_inventory") -> Outcome:
    """The command with --sync --json on the engagement (of the shared tenant, whose schema is current)."""
    from tenants.db import current_schema

    return run_command(
        command, str(path), "--tenant", current_schema(), "--engagement", engagement.name, "--sync", "--json", *options
    )


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
