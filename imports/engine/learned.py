"""Learned mappings: the corrections a client's people approved, applied on top of the engine's answer.

`suggest_mappings --tenant SLUG` reads them through `load_learned_mappings`; the engine itself never touches
the database, so the same file and the same learned mappings always give the same answer.
"""

from __future__ import annotations

from django.core.management.base import CommandError


def load_learned_mappings(tenant_slug: str) -> dict[str, str | None]:
    """{source header: field, or None for "leave unmapped"} approved by `tenant_slug`'s people.

    A hook for the imports models (FieldMapping approvals), which are not built yet.
    """
    raise CommandError("--tenant needs the database; learned mappings are not built yet", returncode=2)
