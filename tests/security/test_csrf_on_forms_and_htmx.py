"""CSRF: a form post or an htmx request without the token is refused; pages give htmx the token."""

from __future__ import annotations

import json
import re

from django.test import Client as HttpClient
from django_tenants.utils import schema_context

from engagements.models import Engagement
from tests.factories import PASSWORD, Team


def strict(host: str) -> HttpClient:
    return HttpClient(HTTP_HOST=host, enforce_csrf_checks=True)


def test_a_form_post_without_the_token_is_refused(team: Team) -> None:
    client = strict(team.host)
    client.force_login(team.manager)
    response = client.post("/engagements/new/", {"name": "Forged", "target_cloud": "aws"})
    assert response.status_code == 403
    with schema_context(team.client.schema_name):
        assert not Engagement.objects.filter(name="Forged").exists()


def test_sign_in_without_the_token_is_refused(team: Team) -> None:
    response = strict(team.host).post("/accounts/login/", {"username": team.viewer.email, "password": PASSWORD})
    assert response.status_code == 403


def test_an_htmx_request_sends_the_token_the_page_gave_it(team: Team) -> None:
    client = strict(team.host)
    client.force_login(team.manager)
    page = client.get("/engagements/")
    headers = re.search(r"hx-headers='([^']+)'", page.content.decode())
    assert headers is not None, "base.html must give htmx the CSRF token"
    token = json.loads(headers.group(1))["X-CSRFToken"]
    with schema_context(team.client.schema_name):
        engagement = Engagement.objects.create(name="Target")
    url = f"/engagements/{engagement.pk}/archive/"
    refused = client.post(url, HTTP_HX_REQUEST="true")
    assert refused.status_code == 403
    accepted = client.post(url, HTTP_HX_REQUEST="true", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code < 400, accepted.status_code
    with schema_context(team.client.schema_name):
        engagement.refresh_from_db()
    assert engagement.is_archived


def test_the_api_refuses_a_session_write_without_the_token(team: Team) -> None:
    client = strict(team.host)
    client.force_login(team.manager)
    response = client.post("/api/v1/engagements/", {"name": "Forged via API"}, content_type="application/json")
    assert response.status_code == 403
    with schema_context(team.client.schema_name):
        assert not Engagement.objects.filter(name="Forged via API").exists()
