"""Oversized requests are refused before they are read, with a message; small forms are unaffected."""

from __future__ import annotations

from django.conf import settings
from django_tenants.utils import schema_context

from engagements.models import Engagement
from imports.models import DataImport
from tests.conftest import http
from tests.factories import Team


def test_a_body_over_the_limit_gets_413_with_a_message(team: Team) -> None:
    with schema_context(team.client.schema_name):
        engagement = Engagement.objects.create(name="Uploads")
    declared = settings.MAX_REQUEST_BYTES + 1
    response = http(team.host, team.analyst).post(
        f"/engagements/{engagement.pk}/imports/upload/", {"kind": ""}, CONTENT_LENGTH=str(declared)
    )
    assert response.status_code == 413
    assert f"over the limit of {settings.MAX_REQUEST_BYTES // (1024 * 1024)} MB" in response.content.decode()
    with schema_context(team.client.schema_name):
        assert not DataImport.objects.exists()


def test_a_json_body_over_the_form_limit_is_refused_not_a_500(team: Team) -> None:
    body = '{"name": "' + "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + '"}'
    response = http(team.host, team.manager).post("/api/v1/engagements/", body, content_type="application/json")
    assert response.status_code in {400, 413}, response.status_code
