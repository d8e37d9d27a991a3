"""Learned mappings: the corrections a client's people approved, applied on top of the engine's answer.

`suggest_mappings --tenant SLUG` reads them through `load_learned_mappings`; the engine itself never touches
the database, so the same file and the same learned mappings always give the same answer.
"""

from __future__ import annotations

from django.core.management.base import CommandError


def load_learned_mappings(tenant_slug: str, kind: str | None = None) -> dict[str, str | None]:
    """{source header: field, or None for "leave unmapped"} approved by `tenant_slug`'s people (of `kind`)."""
    from django.db import DatabaseError
    from django_tenants.utils import schema_context

    from imports.services import learned_mappings
    from migration_platform.commands import client_by_slug

    try:
        client = client_by_slug(tenant_slug)
        with schema_context(client.schema_name):
            return learned_mappings(kind=kind)
    except DatabaseError as error:
        raise CommandError(f"--tenant {tenant_slug}: the database cannot be read ({error})", returncode=2) from None
