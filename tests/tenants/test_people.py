from __future__ import annotations

import re

from django.core import mail

from accounts.models import User
from tenants.models import Membership
from tests.conftest import http
from tests.factories import PASSWORD, Team


def invite(team: Team, email: str, role: str = "analyst") -> str:
    response = http(team.host, team.owner).post("/people/", {"email": email, "role": role})
    assert response.status_code == 302
    link = re.search(r"http://[^/]+(/invitations/\S+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    return link.group(1)


def test_a_client_admin_invites_a_new_person_who_sets_a_password_and_joins(team: Team) -> None:
    path = invite(team, "newbie@acme.test", "analyst")
    assert mail.outbox[-1].to == ["newbie@acme.test"]
    newcomer = http(team.host)
    page = newcomer.get(path)
    assert "Join Acme" in page.content.decode()
    response = newcomer.post(
        path, {"full_name": "New Bie", "password1": "s3cret-enough-pw", "password2": "s3cret-enough-pw"}
    )
    assert response.status_code == 302
    user = User.objects.get(email="newbie@acme.test")
    assert Membership.objects.get(user=user, client=team.client).role == "analyst"
    assert newcomer.get("/engagements/").status_code == 200


def test_an_invitation_link_works_once(team: Team) -> None:
    path = invite(team, "once@acme.test")
    http(team.host).post(path, {"password1": "s3cret-enough-pw", "password2": "s3cret-enough-pw"})
    assert http(team.host).get(path).status_code == 404


def test_an_existing_user_signs_in_then_accepts(team: Team) -> None:
    path = invite(team, team.outsider.email, "viewer")
    anonymous = http(team.host).get(path)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    signed_in = http(team.host)
    signed_in.login(username=team.outsider.email, password=PASSWORD)
    assert signed_in.post(path).status_code == 302
    assert Membership.objects.get(user=team.outsider, client=team.client).role == "viewer"


def test_mismatched_passwords_are_shown_on_the_field(team: Team) -> None:
    path = invite(team, "typo@acme.test")
    response = http(team.host).post(path, {"password1": "s3cret-enough-pw", "password2": "different-pw-99"})
    assert response.status_code == 422
    assert "The two passwords differ." in response.content.decode()
    assert not User.objects.filter(email="typo@acme.test").exists()


def test_inviting_a_member_again_is_refused_on_the_email_field(team: Team) -> None:
    response = http(team.host, team.owner).post("/people/", {"email": team.viewer.email, "role": "viewer"})
    assert response.status_code == 422
    assert "already a member" in response.content.decode()


def test_a_client_admin_changes_a_role_and_removes_a_person(team: Team) -> None:
    owner = http(team.host, team.owner)
    membership = Membership.objects.get(user=team.viewer, client=team.client)
    owner.post(f"/people/{membership.pk}/role/", {"role": "engagement_manager"})
    membership.refresh_from_db()
    assert membership.role == "engagement_manager"
    owner.post(f"/people/{membership.pk}/remove/")
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert http(team.host, team.viewer).get("/engagements/").status_code == 404


def test_the_last_client_admin_cannot_be_demoted_or_removed(team: Team) -> None:
    owner = http(team.host, team.owner)
    membership = Membership.objects.get(user=team.owner, client=team.client)
    page = owner.post(f"/people/{membership.pk}/role/", {"role": "viewer"}, follow=True).content.decode()
    assert "at least one client admin" in page
    owner.post(f"/people/{membership.pk}/remove/")
    membership.refresh_from_db()
    assert membership.role == "client_admin"


def test_an_admin_cannot_touch_memberships_of_another_client(team: Team) -> None:
    foreign = Membership.objects.get(user=team.outsider)
    response = http(team.host, team.owner).post(f"/people/{foreign.pk}/remove/")
    assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()
