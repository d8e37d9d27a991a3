"""What every `manage.py` command of the platform shares: the exit codes of cli.md and tenant lookup."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import CommandError

EXIT_FAILED = 1
EXIT_BAD_ARGUMENTS = 2
EXIT_WAITING = 3


def bad_argument(message: str) -> CommandError:
    return CommandError(message, returncode=EXIT_BAD_ARGUMENTS)


def client_by_slug(slug: str) -> Any:
    from tenants.models import Client

    client = (
        Client.objects.filter(schema_name=slug.strip().lower(), is_template=False).exclude(schema_name="public").first()
    )
    if client is None:
        raise bad_argument(f"--tenant: no client with the slug '{slug}'.")
    return client


def print_json(payload: object) -> None:
    sys.stdout.write(json.dumps(payload, default=str) + "\n")
