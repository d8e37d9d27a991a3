from __future__ import annotations

from typing import cast

from django.db.models import QuerySet
from django.http import HttpRequest

from .models import ApiToken, User


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a request that a login or role check has already let through."""
    return cast(User, request.user)


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)
