"""Every page and endpoint of issue 2, tried by anonymous, each role, and an outsider of another client.

Declared as data (NetBox's habit): a new view is covered by adding one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django_tenants.utils import schema_context

from engagements.models import Engagement
from tenants.models import Invitation, Membership
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
        engagement = Engagement.objects.create(name="Matrix")
    membership = Membership.objects.get(user=team.viewer, client=team.client)
    invitation = Invitation.objects.create(
        client=team.client, email="x@x.test", token="tok-matrix", expires_at="2099-01-01T00:00:00Z"
    )
    e = engagement.pk
    return [
        Case("get", "/engagements/", Role.VIEWER),
        Case("get", f"/engagements/{e}/", Role.VIEWER),
        Case("get", "/engagements/new/", Role.ENGAGEMENT_MANAGER),
        Case("get", f"/engagements/{e}/edit/", Role.ENGAGEMENT_MANAGER),
        Case("post", f"/engagements/{e}/archive/", Role.ENGAGEMENT_MANAGER),
        Case("get", "/people/", Role.CLIENT_ADMIN),
        Case("post", f"/people/{membership.pk}/role/", Role.CLIENT_ADMIN, {"role": "analyst"}),
        Case("post", f"/people/invitations/{invitation.pk}/revoke/", Role.CLIENT_ADMIN),
        Case("get", "/api/v1/engagements/", Role.VIEWER, is_api=True),
        Case("get", f"/api/v1/engagements/{e}/", Role.VIEWER, is_api=True),
        Case("post", "/api/v1/engagements/", Role.ENGAGEMENT_MANAGER, {"name": "Via API as {who}"}, is_api=True),
        Case("patch", f"/api/v1/engagements/{e}/", Role.ENGAGEMENT_MANAGER, {"description": "x"}, is_api=True),
        Case("get", "/api/v1/me/", Role.VIEWER, is_api=True),
        Case("get", "/api/v1/memberships/", Role.VIEWER, is_api=True),
        Case("patch", f"/api/v1/memberships/{membership.pk}/", Role.CLIENT_ADMIN, {"role": "viewer"}, is_api=True),
    ]


RANKED = [Role.VIEWER, Role.ANALYST, Role.ENGAGEMENT_MANAGER, Role.CLIENT_ADMIN]


def call(case: Case, host: str, user: object = None) -> int:
    client = api(host, user) if case.is_api else http(host, user)
    kwargs = {"format": "json"} if case.is_api else {}
    data = {key: value.format(who=user) for key, value in (case.data or {}).items()}  # unique names per caller
    return int(getattr(client, case.method)(case.path, data, **kwargs).status_code)


def test_anonymous_users_are_sent_to_sign_in_or_refused(team: Team) -> None:
    for case in cases(team):
        status = call(case, team.host)
        expected = {401, 403} if case.is_api else {302}
        assert status in expected, (case, status)


def test_each_role_gets_exactly_what_it_may(team: Team) -> None:
    for case in cases(team):
        for role in RANKED:
            status = call(case, team.host, team.by_role(role))
            allowed = RANKED.index(role) >= RANKED.index(Role(case.role))
            if allowed:
                assert status < 400, (case, role, status)
            else:
                assert status == 403, (case, role, status)


@pytest.mark.parametrize("where", ["their own host", "the victim's host"])
def test_a_user_of_another_client_gets_404_everywhere(team: Team, where: str) -> None:
    for case in cases(team):
        host = team.host if where == "the victim's host" else team.other_host
        status = call(case, host, team.outsider)
        # On their own host, ids of Acme's rows do not exist; list pages answer with Globex's own (empty) data.
        if where == "the victim's host":
            assert status == 404, (case, status)
        elif re.search(r"/\d+/", case.path):
            assert status == 404, (case, status)
