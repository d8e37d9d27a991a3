from __future__ import annotations

import json
import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context, schema_exists

from engagements.models import Engagement
from tenants.models import Client, Domain, Membership
from tenants.roles import Role
from tenants.services import client_create, user_get_or_create
from tests.conftest import ROOT, http


def test_it_creates_the_schema_the_domain_and_the_admin_membership(db: None) -> None:
    admin, _ = user_get_or_create(email="boss@initech.test", password="x-secret-pass-1")
    client = client_create(name="Initech", slug="initech", admin=admin)
    assert schema_exists("initech")
    assert Domain.objects.get(tenant=client).domain == "initech.localhost"
    assert Membership.objects.get(client=client, user=admin).role == Role.CLIENT_ADMIN
    with schema_context("initech"):
        assert Engagement.objects.count() == 0  # the tables exist, cloned from the template


@pytest.mark.parametrize("slug", ["a", "Acme", "ac-me", "ac_me", "1acme", "public"])
def test_it_refuses_a_slug_that_cannot_be_a_schema_and_a_subdomain(db: None, slug: str) -> None:
    with pytest.raises(ValidationError) as error:
        client_create(name="X", slug=slug)
    assert "slug" in error.value.message_dict
    assert not Client.objects.filter(name="X").exists()


def test_it_refuses_a_slug_already_taken(db: None) -> None:
    with pytest.raises(ValidationError, match="already exists"):
        client_create(name="Acme again", slug="acme")


def test_each_client_host_reaches_its_own_schema(team) -> None:  # type: ignore[no-untyped-def]
    with schema_context("acme"):
        Engagement.objects.create(name="Only in Acme")
    acme = http("acme.localhost", team.viewer).get("/engagements/")
    assert "Only in Acme" in acme.content.decode()
    globex = http("globex.localhost", team.outsider).get("/engagements/")
    assert globex.status_code == 200
    assert "Only in Acme" not in globex.content.decode()


def test_an_unknown_host_gets_404(db: None) -> None:
    assert http("nosuch.localhost").get("/").status_code == 404


def test_the_public_site_lists_only_the_users_clients(team) -> None:  # type: ignore[no-untyped-def]
    page = http("localhost", team.viewer).get("/").content.decode()
    assert "Acme" in page and "Globex" not in page


def run_command(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_the_command_refuses_a_bad_slug_with_exit_code_2(db: None) -> None:
    result = run_command("client_create", "--name", "Bad", "--slug", "Bad-Slug", "--admin-email", "a@b.test")
    assert result.returncode == 2
    assert "--slug" in result.stderr and "Traceback" not in result.stderr


def test_the_command_refuses_an_invalid_email_with_exit_code_2(db: None) -> None:
    result = run_command("client_create", "--name", "Bad", "--slug", "badmail", "--admin-email", "not-an-email")
    assert result.returncode == 2
    assert "--admin-email" in result.stderr


def test_the_command_creates_a_client_and_prints_a_generated_password_once(django_db_blocker) -> None:  # type: ignore[no-untyped-def]
    from accounts.models import User

    result = run_command(
        "client_create", "--name", "Umbrella", "--slug", "umbrella", "--admin-email", "ceo@umbrella.test", "--json"
    )
    with django_db_blocker.unblock():
        try:
            assert result.returncode == 0, result.stderr
            payload = json.loads(result.stdout)
            assert payload["url"] == "http://umbrella.localhost:8000/"
            assert payload["admin"] == "ceo@umbrella.test"
            assert len(payload["password"]) >= 12
            response = http("umbrella.localhost").post(
                "/accounts/login/", {"username": "ceo@umbrella.test", "password": payload["password"]}
            )
            assert response.status_code == 302
        finally:
            Client.objects.get(schema_name="umbrella").delete(force_drop=True)
            User.objects.filter(email="ceo@umbrella.test").delete()
