"""`manage.py check --deploy` passes with no warning under production environment variables."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "q7Vt2-production-like-secret-9xK4mWz0pLr8sYe1uHb6nJc3dFg5aTi7oQv2wXk9yZ",
    "DJANGO_ALLOWED_HOSTS": ".migrate.example.com",
    "BASE_DOMAIN": "migrate.example.com",
    "SITE_SCHEME": "https",
    "SITE_PORT": "",
}
OVERRIDES = {"SECURE_COOKIES", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT", "DJANGO_TESTING"}


def deploy_check(**changes: str | None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in OVERRIDES and key not in PRODUCTION}
    env.update(PRODUCTION)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_with_no_warning() -> None:
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_a_missing_secret_key_is_reported() -> None:
    result = deploy_check(DJANGO_SECRET_KEY=None)
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_turning_the_https_redirect_off_for_a_proxy_is_reported() -> None:
    result = deploy_check(SECURE_SSL_REDIRECT="false", BEHIND_TLS_PROXY="true")
    assert "security.W008" in result.stderr + result.stdout


def test_an_env_file_copied_from_the_example_keeps_the_https_defaults() -> None:
    """Operators copy .env.example to .env (docker compose): its values must not switch HTTPS protections off."""
    import re

    example = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        match = re.match(r"^([A-Z][A-Z0-9_]*)=(\S*)", line)
        if match:
            example[match.group(1)] = match.group(2)
    example = {key: value for key, value in example.items() if key not in PRODUCTION}
    result = deploy_check(**example)
    assert result.returncode == 0, result.stdout + result.stderr
