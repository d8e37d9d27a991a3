from __future__ import annotations

import re

from django.core import mail

from accounts.services import handover_token_issue
from tests.conftest import http
from tests.factories import PASSWORD, Team


def test_it_signs_in_on_a_client_host_and_lands_on_engagements(team: Team) -> None:
    client = http(team.host)
    response = client.post("/accounts/login/", {"username": team.viewer.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/engagements/"
    assert "Engagements" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message(team: Team) -> None:
    response = http(team.host).post("/accounts/login/", {"username": team.viewer.email, "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct email address and password" in response.content.decode()


def test_sign_out_ends_the_session(team: Team) -> None:
    client = http(team.host, team.viewer)
    client.post("/accounts/logout/")
    assert client.get("/engagements/").status_code == 302


def test_the_password_change_takes_effect(team: Team) -> None:
    client = http(team.host, team.viewer)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": "a-new-long-pass-42", "new_password2": "a-new-long-pass-42"},
    )
    assert response.status_code == 302
    team.viewer.refresh_from_db()
    assert team.viewer.check_password("a-new-long-pass-42")


def test_the_password_reset_mails_a_link_that_sets_a_new_password(team: Team) -> None:
    client = http(team.host)
    client.post("/accounts/password/reset/", {"email": team.analyst.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mail.outbox[0].body)
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": "fresh-pass-word-77", "new_password2": "fresh-pass-word-77"})
    assert response.status_code == 302
    team.analyst.refresh_from_db()
    assert team.analyst.check_password("fresh-pass-word-77")


def test_the_public_site_hands_a_member_over_to_the_client_host(team: Team) -> None:
    public = http("localhost", team.viewer)
    response = public.get(f"/clients/{team.client.schema_name}/open/")
    assert response.status_code == 302
    assert response["Location"].startswith(f"http://{team.host}:8000/accounts/handover/?token=")
    path = response["Location"].split(":8000", 1)[1]
    client_host = http(team.host)
    assert client_host.get(path).status_code == 302
    assert client_host.get("/engagements/").status_code == 200


def test_a_handover_token_works_only_once_and_only_for_its_client(team: Team) -> None:
    token = handover_token_issue(user=team.viewer, schema_name=team.client.schema_name)
    assert http(team.other_host).get(f"/accounts/handover/?token={token}").url.startswith("/accounts/login/")  # type: ignore[attr-defined]
    first = http(team.host)
    first.get(f"/accounts/handover/?token={token}")
    assert first.get("/engagements/").status_code == 200
    second = http(team.host)
    assert second.get(f"/accounts/handover/?token={token}").url.startswith("/accounts/login/")  # type: ignore[attr-defined]
    assert second.get("/engagements/").status_code == 302


def test_the_public_site_refuses_to_hand_over_to_a_client_the_user_is_not_in(team: Team) -> None:
    assert http("localhost", team.viewer).get(f"/clients/{team.other.schema_name}/open/").status_code == 404
