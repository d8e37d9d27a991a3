"""Every response carries a Content-Security-Policy without inline script, and the other protective headers."""

from __future__ import annotations

from django.test import override_settings

from tests.conftest import http
from tests.factories import Team


def directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_pages_forbid_inline_script_and_framing(team: Team) -> None:
    for host, path, user in [
        ("localhost", "/accounts/login/", None),
        (team.host, "/engagements/", team.viewer),
        (team.host, "/api/docs/", team.viewer),
        (team.host, "/api/v1/engagements/", team.viewer),
    ]:
        response = http(host, user).get(path)
        assert response.status_code == 200, (path, response.status_code)
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], path
        assert "'unsafe-inline'" not in policy.get("style-src", []) and "'unsafe-eval'" not in policy["script-src"]
        assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_an_inline_script_style_or_event_handler() -> None:
    """What the policy would block in a browser, found at the source (the browser tests check the pages too)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|\shx-on[:-]|javascript:", re.I)
    found = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in root.glob("**/templates/**/*.html")
        if ".venv" not in path.parts
        for match in inline.finditer(path.read_text())
    ]
    assert not found, found


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_https_is_enforced_when_configured(team: Team) -> None:
    plain = http(team.host, team.viewer).get("/engagements/")
    assert plain.status_code == 301 and plain["Location"] == f"https://{team.host}/engagements/"
    secure = http(team.host, team.viewer).get("/engagements/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert http("localhost").get("/health").status_code != 301, "health checks call plain HTTP inside the container"
