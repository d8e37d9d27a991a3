"""Password guessing: after N failures per email (or per address) sign-in waits, even with the right password."""

from __future__ import annotations

from django.conf import settings
from django.test import override_settings

from accounts.throttle import sign_in_counts_clear
from tests.conftest import http
from tests.factories import PASSWORD, Team


def sign_in(host: str, email: str, password: str, address: str = "203.0.113.7") -> str:
    response = http(host).post("/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address)
    return "signed in" if response.status_code == 302 else response.content.decode()


@override_settings(SIGN_IN_FAILURES_PER_EMAIL=3, SIGN_IN_FAILURES_PER_ADDRESS=100, SIGN_IN_LOCKOUT_SECONDS=600)
def test_an_email_is_locked_after_repeated_failures_on_any_host(team: Team) -> None:
    hosts = [team.host, team.other_host, "localhost"]  # counted across hosts: changing host does not reset it
    answers = [sign_in(hosts[i], team.viewer.email, f"guess-{i}") for i in range(3)]
    assert "enter a correct email address and password" in answers[0]
    assert "Too many failed sign-in attempts. Try again in 10 minutes." in answers[2]
    assert "Too many failed sign-in attempts" in sign_in(team.host, team.viewer.email, PASSWORD)
    # Another person, from another address, is not affected.
    assert sign_in(team.host, team.analyst.email, PASSWORD, address="198.51.100.9") == "signed in"
    sign_in_counts_clear()  # the window ends
    assert sign_in(team.host, team.viewer.email, PASSWORD) == "signed in"


@override_settings(SIGN_IN_FAILURES_PER_EMAIL=100, SIGN_IN_FAILURES_PER_ADDRESS=4, SIGN_IN_LOCKOUT_SECONDS=120)
def test_an_address_guessing_many_emails_is_locked(team: Team) -> None:
    for email in [team.viewer.email, team.analyst.email, team.manager.email, "nobody@x.test"]:
        answer = sign_in(team.host, email, "guess")
    assert "Too many failed sign-in attempts. Try again in 2 minutes." in answer
    assert "Too many failed sign-in attempts" in sign_in(team.host, team.owner.email, PASSWORD)
    assert sign_in(team.host, team.owner.email, PASSWORD, address="198.51.100.10") == "signed in"


@override_settings(SIGN_IN_FAILURES_PER_EMAIL=3, SIGN_IN_FAILURES_PER_ADDRESS=100)
def test_a_success_clears_the_count_of_that_email(team: Team) -> None:
    for _ in range(2):
        sign_in(team.host, team.viewer.email, "guess")
    assert sign_in(team.host, team.viewer.email, PASSWORD) == "signed in"
    for _ in range(2):
        answer = sign_in(team.host, team.viewer.email, "guess")
    assert "enter a correct email address and password" in answer


@override_settings(SIGN_IN_FAILURES_PER_EMAIL=2, SIGN_IN_FAILURES_PER_ADDRESS=100, SIGN_IN_LOCKOUT_SECONDS=60)
def test_the_admin_sign_in_is_throttled_too(team: Team) -> None:
    from accounts.models import User

    User.objects.create_superuser(email="root@platform.test", password=PASSWORD)
    client = http("localhost")
    for _ in range(2):
        client.post("/admin/login/", {"username": "root@platform.test", "password": "guess"}, REMOTE_ADDR="192.0.2.1")
    response = client.post("/admin/login/", {"username": "root@platform.test", "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed sign-in attempts. Try again in 1 minute." in response.content.decode()


def test_sign_in_still_works_while_the_cache_is_unreachable(team: Team) -> None:
    from django.core.cache import caches

    unreachable = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2},
    }
    with override_settings(CACHES={**settings.CACHES, "platform": unreachable}):  # the handler is reset on change
        assert sign_in(team.host, team.viewer.email, "guess").count("enter a correct email address and password")
        assert sign_in(team.host, team.viewer.email, PASSWORD) == "signed in"
        assert caches["platform"]._cache._servers == ["redis://127.0.0.1:1/0"]  # the test used the dead cache
