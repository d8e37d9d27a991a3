from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import permissions
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.request import Request
from rest_framework.settings import api_settings

from tenants.middleware import current_client
from tenants.roles import Role, role_at_least
from tenants.selectors import role_for


class TenantRolePermission(permissions.BasePermission):
    """Members of the host's client only; reads need `read_role` (viewer), writes `write_role` (analyst).

    Outsiders get 404 so an id of another client is never confirmed to exist.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        client = current_client(request)
        if client is None:
            raise Http404("Not found")
        if not request.user or not request.user.is_authenticated:
            raise NotAuthenticated()
        # Token-authenticated requests bypass the session middleware's role, so look it up here.
        role = role_for(user=request.user, client=client)  # type: ignore[arg-type]
        if role is None:
            raise Http404("Not found")
        request.role = role  # type: ignore[attr-defined]
        _check_route_arguments(view)
        needed = getattr(view, "read_role", Role.VIEWER)
        if request.method not in permissions.SAFE_METHODS:
            needed = getattr(view, "write_role", Role.ANALYST)
        if not role_at_least(role, needed):
            raise PermissionDenied(f"This needs the {Role(needed).label.lower()} role or higher.")
        return True


def _check_route_arguments(view: Any) -> None:
    """What DRF routers let through that our views do not expect, answered before a view can trip on it (a 500).

    Routers also route `<path>.json`: the suffix is already read (view.format_kwarg) and @action methods take no
    `format` argument, so it is dropped. Router ids match `[^/.]+`, but every id of ours is an integer: `/null/`
    is simply not found.
    """
    kwargs = getattr(view, "kwargs", None)
    if not isinstance(kwargs, dict):
        return
    kwargs.pop(api_settings.FORMAT_SUFFIX_KWARG, None)
    lookup_field = getattr(view, "lookup_field", "pk")
    value = kwargs.get(getattr(view, "lookup_url_kwarg", None) or lookup_field)
    if value is not None and lookup_field in {"pk", "id"} and not str(value).isdigit():
        raise Http404("Not found")
