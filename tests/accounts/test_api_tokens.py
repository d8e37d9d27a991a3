from __future__ import annotations

import re

from rest_framework.test import APIClient

from tests.conftest import http
from tests.factories import Team


def create_token(team: Team) -> str:
    page = http(team.host, team.analyst).post("/accounts/tokens/", {"name": "CMDB sync"}).content.decode()
    match = re.search(r'data-testid="new-token">(mpt_[^<]+)<', page)
    assert match, "the new key is shown once"
    return match.group(1)


def test_a_created_token_authenticates_api_calls_on_the_users_client(team: Team) -> None:
    key = create_token(team)
    client = APIClient(HTTP_HOST=team.host)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["email"] == team.analyst.email
    assert me.json()["role"] == "analyst"


def test_a_token_gets_404_on_a_client_its_user_is_not_in(team: Team) -> None:
    key = create_token(team)
    client = APIClient(HTTP_HOST=team.other_host)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/engagements/").status_code == 404


def test_a_revoked_token_is_refused(team: Team) -> None:
    key = create_token(team)
    token = team.analyst.api_tokens.get()
    http(team.host, team.analyst).post(f"/accounts/tokens/{token.pk}/revoke/")
    client = APIClient(HTTP_HOST=team.host)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_the_key_is_stored_only_as_a_digest(team: Team) -> None:
    key = create_token(team)
    token = team.analyst.api_tokens.get()
    assert key not in (token.digest, token.prefix) and key.startswith(token.prefix)


def test_nobody_revokes_someone_elses_token(team: Team) -> None:
    create_token(team)
    token = team.analyst.api_tokens.get()
    assert http(team.host, team.owner).post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
