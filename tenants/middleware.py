from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .selectors import role_for


def current_client(request: HttpRequest) -> object | None:
    """The client this request's host names, or None on the public site."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.schema_name == "public":
        return None
    return tenant


class MembershipMiddleware:
    """Puts the signed-in user's role in the host's client on `request.role` (None for outsiders)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        client = current_client(request)
        role = None
        if client is not None and request.user.is_authenticated:
            role = role_for(user=request.user, client=client)  # type: ignore[arg-type]
        request.role = role  # type: ignore[attr-defined]
        return self.get_response(request)
