"""Model fields that client schemas share."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


def public_user_reference(**options: Any) -> models.ForeignKey:  # type: ignore[type-arg]
    """A nullable reference from a client-schema table to a user.

    Users live in the public schema: the reference has no database constraint, and deleting a user (from the
    public schema, where the client tables do not exist) must not cascade into client schemas.
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        **options,
    )
