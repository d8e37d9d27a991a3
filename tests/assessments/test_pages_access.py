"""Every assessment page, tried by anonymous, each role, and a user of another client (404 with foreign ids)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django_tenants.utils import schema_context

from engagements.models import Engagement
from tenants.roles import Role
from tests.assessments.pages_data import assessed_engagement
from tests.conftest import http
from tests.factories import Team

RANKED = [Role.VIEWER, Role.ANALYST, Role.ENGAGEMENT_MANAGER, Role.CLIENT_ADMIN]


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    role: str  # the lowest role that may do it
    data: dict[str, str] | None = None


def cases(team: Team) -> list[Case]:
    with schema_context(team.client.schema_name):
        assessed = assessed_engagement(apps=4)
        engagement = assessed.engagement
        app = assessed.apps["app01"]
        from assessments.services import standards_ensure

        standard = standards_ensure(engagement=engagement)[0]
    base = f"/engagements/{engagement.pk}/assessment"
    return [
        Case("get", f"{base}/", Role.VIEWER),
        Case("get", f"{base}/?strategy=rehost&sort=-confidence", Role.VIEWER),
        Case("get", f"{base}/applications/{app.pk}/", Role.VIEWER),
        Case("get", f"{base}/standards/", Role.VIEWER),
        Case("get", f"{base}/waves/", Role.VIEWER),
        Case("get", f"{base}/report/", Role.VIEWER),
        Case("get", f"{base}/approval/?running=1", Role.VIEWER),
        Case("get", f"{base}/report.xlsx", Role.VIEWER),
        Case("get", f"/engagements/{engagement.pk}/", Role.VIEWER),
        Case("get", f"{base}/start/", Role.ANALYST),
        Case("post", f"{base}/applications/{app.pk}/review/", Role.ANALYST, {"status": "accepted"}),
        Case(
            "post",
            f"{base}/standards/{standard.pk}/",
            Role.ANALYST,
            {"minimum_version": "11", "recommended_version": "21"},
        ),
        Case("post", f"{base}/waves/move/", Role.ANALYST, {"application": str(app.pk), "wave_number": "2"}),
        Case(
            "post",
            f"{base}/waves/plan/",
            Role.ANALYST,
            {"max_servers_per_wave": "x"},  # refused by the form (422): the role check comes first
        ),
        Case("post", f"{base}/approve/", Role.ENGAGEMENT_MANAGER, {"comment": "ok"}),
    ]


def call(case: Case, host: str, user: object = None) -> int:
    client = http(host, user)
    return int(getattr(client, case.method)(case.path, case.data or {}).status_code)


def test_anonymous_users_are_sent_to_sign_in(team: Team) -> None:
    for case in cases(team):
        assert call(case, team.host) == 302, case


def test_each_role_gets_exactly_what_it_may(team: Team) -> None:
    for case in cases(team):
        for role in RANKED:
            status = call(case, team.host, team.by_role(role))
            if RANKED.index(role) >= RANKED.index(Role(case.role)):
                assert status < 500 and status != 403 and status != 404, (case, role, status)
            else:
                assert status == 403, (case, role, status)


@pytest.mark.parametrize("where", ["their own host", "the victim's host"])
def test_a_user_of_another_client_gets_404_with_foreign_ids(team: Team, where: str) -> None:
    with schema_context(team.other.schema_name):
        Engagement.objects.create(name="Globex own")
    for case in cases(team):
        host = team.host if where == "the victim's host" else team.other_host
        status = call(case, host, team.outsider)
        assert re.search(r"/\d+/", case.path)
        assert status == 404, (case, status)


def test_an_application_of_another_engagement_is_not_found_under_this_one(team: Team) -> None:
    with schema_context(team.client.schema_name):
        first = assessed_engagement(name="First", apps=2)
        second = assessed_engagement(name="Second", apps=2)
    client = http(team.host, team.analyst)
    foreign = second.apps["app00"].pk
    base = f"/engagements/{first.engagement.pk}/assessment"
    assert client.get(f"{base}/applications/{foreign}/").status_code == 404
    assert client.post(f"{base}/applications/{foreign}/review/", {"status": "accepted"}).status_code == 404
    response = client.post(f"{base}/waves/move/", {"application": str(foreign), "wave_number": "1"})
    assert response.status_code == 404
