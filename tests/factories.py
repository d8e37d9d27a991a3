"""People for tests: an owner and a teammate of every lower role in one client, an outsider in another."""

from __future__ import annotations

import io
import json
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any

from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import User
from tenants.models import Client, Membership
from tenants.roles import Role

PASSWORD = "correct-horse-battery-9"


@dataclass
class Team:
    client: Client
    other: Client
    owner: User
    manager: User
    analyst: User
    viewer: User
    outsider: User

    @property
    def host(self) -> str:
        return f"{self.client.schema_name}.localhost"

    @property
    def other_host(self) -> str:
        return f"{self.other.schema_name}.localhost"

    def by_role(self, role: str) -> User:
        return {
            Role.CLIENT_ADMIN: self.owner,
            Role.ENGAGEMENT_MANAGER: self.manager,
            Role.ANALYST: self.analyst,
            Role.VIEWER: self.viewer,
        }[Role(role)]


def make_user(email: str, full_name: str = "") -> User:
    return User.objects.create_user(email=email, password=PASSWORD, full_name=full_name)


def make_team(slug: str, other_slug: str, email_tag: str = "") -> Team:
    client = Client.objects.get(schema_name=slug)
    other = Client.objects.get(schema_name=other_slug)
    tag = f"-{email_tag}" if email_tag else ""
    people = {}
    for role in Role:
        user = make_user(f"{role.value.replace('_', '-')}{tag}@{slug}.test", f"{client.name} {role.label}")
        Membership.objects.create(user=user, client=client, role=role)
        people[role] = user
    outsider = make_user(f"outsider{tag}@{other_slug}.test", f"{other.name} outsider")
    Membership.objects.create(user=outsider, client=other, role=Role.CLIENT_ADMIN)
    return Team(
        client=client,
        other=other,
        owner=people[Role.CLIENT_ADMIN],
        manager=people[Role.ENGAGEMENT_MANAGER],
        analyst=people[Role.ANALYST],
        viewer=people[Role.VIEWER],
        outsider=outsider,
    )


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@contextmanager
def committed_team(prefix: str, django_db_blocker: Any, *, fast_passwords: bool = False) -> Iterator[Team]:
    """A client of its own with committed rows (its schema and people), for tests whose work runs on other
    connections (a worker, daphne, a lease); dropped afterwards with its people. `fast_passwords` hashes them
    with MD5, for tests that never sign in through another process."""
    from tenants.db import use_public_schema
    from tenants.services import client_create

    slug = prefix + secrets.token_hex(4)
    hashers = override_settings(PASSWORD_HASHERS=FAST_HASHERS) if fast_passwords else nullcontext()
    with django_db_blocker.unblock(), hashers:
        use_public_schema()
        client_create(name=f"{prefix.title()} {slug}", slug=slug)
        team = make_team(slug, "globex", email_tag=slug)
    try:
        yield team
    finally:
        with django_db_blocker.unblock():
            use_public_schema()
            Client.objects.get(schema_name=slug).delete(force_drop=True)
            User.objects.filter(email__contains=slug).delete()


@dataclass
class Outcome:
    """What a management command did: its exit code, stdout and stderr."""

    code: int
    out: str
    err: str

    @property
    def result(self) -> Any:
        return json.loads(self.out)


def run_command(name: str, *args: str) -> Outcome:
    """Run a management command in this process and return what it did, never raising."""
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
