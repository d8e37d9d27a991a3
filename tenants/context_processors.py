from __future__ import annotations

from django.http import HttpRequest

from .middleware import current_client
from .roles import Role, role_at_least


def tenancy(request: HttpRequest) -> dict[str, object]:
    role = getattr(request, "role", None)
    return {
        "client": current_client(request),
        "role": role,
        "role_label": Role(role).label if role else "",
        "can_edit": role_at_least(role, Role.ANALYST),
        "can_manage": role_at_least(role, Role.ENGAGEMENT_MANAGER),
        "is_client_admin": role_at_least(role, Role.CLIENT_ADMIN),
    }
