"""The upload page and the API: a broken file gets a clear message (no 500, no data), a viewer cannot upload or
approve, an outsider gets 404 with foreign ids, and the errors file has the error column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from engagements.models import Engagement
from imports.models import DataImport
from tests.conftest import api, http
from tests.factories import Team

from .conftest import FIXTURES, import_file, write_csv


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_a_broken_upload_gets_a_clear_message_and_leaves_no_import(
    engagement: Engagement, schema: str, tenant: Team
) -> None:
    page = http(tenant.host, tenant.analyst)
    url = f"/engagements/{engagement.pk}/imports/upload/"
    for name in ("empty.csv", "binary.csv", "header_only.csv", "ragged_rows.csv"):
        response = page.post(url, {"file": upload(name, (FIXTURES / name).read_bytes()), "on_duplicate": "update"})
        assert response.status_code == 422, name
        assert b'data-testid="upload-error"' in response.content
    with schema_context(schema):
        assert not DataImport.objects.filter(engagement=engagement).exists()


def test_a_viewer_cannot_upload_or_approve_and_an_outsider_sees_nothing(
    engagement: Engagement, schema: str, tenant: Team, tmp_path: Path
) -> None:
    with schema_context(schema):
        assert import_file(write_csv(tmp_path / "s.csv", "Server,IP\nsrv01,10.0.0.1\n"), engagement).code == 3
        data_import = DataImport.objects.get(engagement=engagement)
    base = f"/engagements/{engagement.pk}/imports/"
    viewer = http(tenant.host, tenant.viewer)
    assert viewer.get(base).status_code == 200
    assert viewer.get(f"{base}{data_import.pk}/mapping/").status_code == 200
    assert viewer.post(f"{base}upload/", {"file": upload("a.csv", b"Server\nx\n")}).status_code == 403
    assert viewer.post(f"{base}{data_import.pk}/mapping/", {"action": "approve"}).status_code == 403
    viewer_api = api(tenant.host, tenant.viewer)
    assert viewer_api.post(f"/api/v1/imports/{data_import.pk}/approve/").status_code == 403
    assert viewer_api.get(f"/api/v1/imports/{data_import.pk}/mappings/").status_code == 200
    outsider = http(tenant.host, tenant.outsider)
    assert outsider.get(base).status_code == 404
    assert outsider.get(f"{base}{data_import.pk}/").status_code == 404
    assert api(tenant.other_host, tenant.outsider).get(f"/api/v1/imports/{data_import.pk}/").status_code == 404
    analyst_api = api(tenant.host, tenant.analyst)
    approved = analyst_api.post(f"/api/v1/imports/{data_import.pk}/approve/", {}, format="json")
    assert approved.status_code == 200, approved.content


def test_the_api_uploads_and_the_errors_file_has_the_error_column(
    engagement: Engagement, schema: str, tenant: Team
) -> None:
    from flows.services import flow_run_inline, gate_approve, running_inline

    client = api(tenant.host, tenant.analyst)
    content = b"Server name,IP address\nsrv01,10.0.0.1\nsrv02,not-an-ip\n"
    with running_inline():  # this test runs the phases itself: no worker another test started may take them
        response = client.post(
            "/api/v1/imports/", {"engagement": engagement.pk, "file": upload("s.csv", content)}, format="multipart"
        )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]

    with schema_context(schema), running_inline():  # the approval too: its next phase must not go to a worker
        data_import = DataImport.objects.get(pk=pk)
        assert data_import.flow is not None
        flow = flow_run_inline(flow=data_import.flow)
        gate_approve(flow=flow, user=tenant.analyst)
        flow_run_inline(flow=flow)
    status = client.get(f"/api/v1/imports/{pk}/").json()
    assert status["status"] == "failed" and status["counts"]["invalid"] == 1
    errors = client.get(f"/api/v1/imports/{pk}/errors/").json()["results"]
    assert errors[0]["row"] == 3 and errors[0]["column"] == "IP address"
    file = client.get(f"/api/v1/imports/{pk}/errors-file/?format=csv")
    rows = list(csv.reader(io.StringIO(b"".join(file.streaming_content).decode())))  # type: ignore[attr-defined]
    assert rows[0][-1] == "Import errors" and rows[2][-1].startswith("error: IP address:") and rows[1][-1] == ""
    page = http(tenant.host, tenant.viewer).get(f"/engagements/{engagement.pk}/imports/{pk}/errors/")
    assert page.status_code == 200 and b"not-an-ip" in page.content
