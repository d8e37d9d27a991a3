"""Every inventory page and endpoint, tried by anonymous, each role, and an outsider of another client (404)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django_tenants.utils import schema_context

from engagements.models import Engagement
from inventory import services
from inventory.models import Application, Asset
from tenants.roles import Role
from tests.conftest import api, http
from tests.factories import Team


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    role: str  # the lowest role that may do it
    data: dict[str, str] | None = None
    is_api: bool = False


def cases(team: Team) -> list[Case]:
    with schema_context(team.client.schema_name):
        engagement = Engagement.objects.create(name="Inventory matrix")
        services.assets_bulk_write(engagement=engagement, rows=[{"name": "web01", "application": ["CRM"]}])
        asset = Asset.objects.get(engagement=engagement)
        app = Application.objects.get(engagement=engagement)
    e, a, p = engagement.pk, asset.pk, app.pk
    base = f"/engagements/{e}/inventory"
    return [
        Case("get", f"{base}/", Role.VIEWER),
        Case("get", f"{base}/export/?format=json", Role.VIEWER),
        Case("get", f"{base}/assets/{a}/", Role.VIEWER),
        Case("get", f"{base}/assets/{a}/fields/memory_mb/", Role.VIEWER),
        Case("get", f"{base}/assets/{a}/fields/memory_mb/?edit=1", Role.ANALYST),
        Case("post", f"{base}/assets/{a}/fields/memory_mb/", Role.ANALYST, {"value": "1024"}),
        Case("post", f"{base}/assets/{a}/delete/", Role.ANALYST),
        Case("get", f"{base}/applications/", Role.VIEWER),
        Case("get", f"{base}/applications/{p}/", Role.VIEWER),
        Case("get", f"{base}/applications/{p}/fields/users/?edit=1", Role.ANALYST),
        Case("post", f"{base}/applications/{p}/fields/users/", Role.ANALYST, {"value": "10"}),
        Case("post", f"{base}/applications/{p}/delete/", Role.ANALYST),
        Case("get", f"{base}/applications/{p}/graph/", Role.VIEWER),
        Case("get", f"{base}/applications/{p}/graph.json", Role.VIEWER),
        Case("get", f"/api/v1/assets/?engagement={e}", Role.VIEWER, is_api=True),
        Case("get", f"/api/v1/assets/{a}/", Role.VIEWER, is_api=True),
        Case("patch", f"/api/v1/assets/{a}/", Role.ANALYST, {"memory_mb": "2048"}, is_api=True),
        Case("delete", f"/api/v1/assets/{a}/", Role.ANALYST, is_api=True),
        Case("post", f"/api/v1/assets/{a}/restore/", Role.ANALYST, is_api=True),
        Case("get", f"/api/v1/assets/export/?engagement={e}&format=csv", Role.VIEWER, is_api=True),
        Case("get", f"/api/v1/applications/?engagement={e}", Role.VIEWER, is_api=True),
        Case("get", f"/api/v1/applications/{p}/", Role.VIEWER, is_api=True),
        Case("get", f"/api/v1/applications/{p}/graph/", Role.VIEWER, is_api=True),
        Case("patch", f"/api/v1/applications/{p}/", Role.ANALYST, {"users": "5"}, is_api=True),
        Case("delete", f"/api/v1/applications/{p}/", Role.ANALYST, is_api=True),
        Case("post", f"/api/v1/applications/{p}/restore/", Role.ANALYST, is_api=True),
        Case("get", f"/api/v1/applications/export/?engagement={e}", Role.VIEWER, is_api=True),
        Case("get", f"/api/v1/dependencies/?engagement={e}", Role.VIEWER, is_api=True),
        Case("get", f"/api/v1/dependencies/export/?engagement={e}", Role.VIEWER, is_api=True),
        Case("get", f"/api/v1/connections/?engagement={e}", Role.VIEWER, is_api=True),
    ]


RANKED = [Role.VIEWER, Role.ANALYST, Role.ENGAGEMENT_MANAGER, Role.CLIENT_ADMIN]


def call(case: Case, host: str, user: object = None) -> int:
    client = api(host, user) if case.is_api else http(host, user)
    kwargs = {"format": "json"} if case.is_api else {}
    return int(getattr(client, case.method)(case.path, case.data or {}, **kwargs).status_code)


def test_anonymous_users_are_sent_to_sign_in_or_refused(team: Team) -> None:
    for case in cases(team):
        status = call(case, team.host)
        assert status in ({401, 403} if case.is_api else {302}), (case, status)


def test_each_role_gets_exactly_what_it_may(team: Team) -> None:
    for case in cases(team):
        for role in RANKED:
            status = call(case, team.host, team.by_role(role))
            if RANKED.index(role) >= RANKED.index(Role(case.role)):
                assert status < 400, (case, role, status)
            else:
                assert status == 403, (case, role, status)


@pytest.mark.parametrize("where", ["their own host", "the victim's host"])
def test_a_user_of_another_client_gets_404_with_foreign_ids(team: Team, where: str) -> None:
    with schema_context(team.other.schema_name):
        # The outsider's client has an engagement of its own, so a foreign engagement id may even exist there.
        Engagement.objects.create(name="Globex own")
    for case in cases(team):
        host = team.host if where == "the victim's host" else team.other_host
        status = call(case, host, team.outsider)
        if where == "the victim's host" or re.search(r"/\d+/", case.path):
            assert status == 404, (case, status)
        else:
            # Lists filtered by a foreign ?engagement= id: that id is not Globex's (or is its own, empty one).
            assert status in {200, 404}, (case, status)
