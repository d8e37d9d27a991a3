"""Roles in a client, lowest first; a role grants everything the roles below it grant."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    ANALYST = "analyst", "Analyst"
    ENGAGEMENT_MANAGER = "engagement_manager", "Engagement manager"
    CLIENT_ADMIN = "client_admin", "Client admin"


RANK = {Role.VIEWER: 1, Role.ANALYST: 2, Role.ENGAGEMENT_MANAGER: 3, Role.CLIENT_ADMIN: 4}


def role_at_least(role: str | None, needed: str) -> bool:
    if role is None:
        return False
    return RANK[Role(role)] >= RANK[Role(needed)]
