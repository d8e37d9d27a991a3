"""Access checks shared by every view: membership of the host's client and a minimum role."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from .middleware import current_client
from .roles import Role, role_at_least

View = TypeVar("View", bound=Callable[..., HttpResponse])


def check_role(request: HttpRequest, needed: str) -> None:
    """404 for the public site and for outsiders (never confirm a client exists), 403 for a low role."""
    if current_client(request) is None:
        raise Http404("Not found")
    role = getattr(request, "role", None)
    if role is None:
        raise Http404("Not found")
    if not role_at_least(role, needed):
        raise PermissionDenied(f"This needs the {Role(needed).label.lower()} role or higher.")


def role_required(needed: str = Role.VIEWER) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if current_client(request) is None:
                raise Http404("Not found")
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check_role(request, needed)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
