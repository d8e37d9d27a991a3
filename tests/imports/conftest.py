"""Import pipeline fixtures: an engagement of Acme, and the import commands run in this process."""

from __future__ import annotations

import io
import json
import secrets
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context

from engagements.models import Engagement
from tests.factories import Team

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def tenant(django_db_setup: None, django_db_blocker: Any) -> Iterator[Team]:
    """A client with committed rows (an import's phases run under a lease on a connection of their own), shared by
    this directory's tests; each test makes its own engagement."""
    from django.test import override_settings

    from accounts.models import User
    from tenants.db import use_public_schema
    from tenants.models import Client
    from tenants.services import client_create
    from tests.factories import make_team

    slug = "imports" + secrets.token_hex(3)
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        use_public_schema()
        client_create(name=f"Imports {slug}", slug=slug)
        team = make_team(slug, "globex", email_tag=slug)
    yield team
    with django_db_blocker.unblock():
        use_public_schema()
        Client.objects.get(schema_name=slug).delete(force_drop=True)
        User.objects.filter(email__contains=slug).delete()


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


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def result(self) -> dict[str, Any]:
        return json.loads(self.out)


def run_command(name: str, *args: str) -> Outcome:
    """Run an import command in this process: (exit code, stdout, stderr), never raising."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stderr
    sys.stderr = err
    try:
        call_command(name, *args, stdout=out)
        code = 0
    except SystemExit as exit:
        code = int(exit.code or 0)
    except CommandError as error:
        code = error.returncode
        err.write(str(error))
    finally:
        sys.stderr = saved
    return Outcome(code, out.getvalue(), err.getvalue())


def import_file(path: Path | str, engagement: Engagement, *options: str, command: str = "import_inventory") -> Outcome:
    """The command with --sync --json on the engagement (of the shared tenant, whose schema is current)."""
    from tenants.db import current_schema

    return run_command(
        command, str(path), "--tenant", current_schema(), "--engagement", engagement.name, "--sync", "--json", *options
    )


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
