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


def test_a_file_of_another_type_is_refused_by_name_on_the_page_and_the_api(team: Team) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import api

    with schema_context(team.client.schema_name):
        engagement = Engagement.objects.create(name="Uploads")
    page = http(team.host, team.analyst).post(
        f"/engagements/{engagement.pk}/imports/upload/",
        {"file": SimpleUploadedFile("payload.exe", b"MZ\x90\x00"), "on_duplicate": "update"},
    )
    assert page.status_code == 422
    assert "&#x27;payload.exe&#x27; is not a CSV, XLSX or JSON file." in page.content.decode()
    through_api = api(team.host, team.analyst).post(
        "/api/v1/imports/",
        {"engagement": engagement.pk, "file": SimpleUploadedFile("payload.exe", b"MZ\x90\x00")},
        format="multipart",
    )
    assert through_api.status_code == 400 and "is not a CSV, XLSX or JSON file" in through_api.content.decode()
    with schema_context(team.client.schema_name):
        assert not DataImport.objects.exists()
