from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import ApiToken
from accounts.services import token_digest


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` with a key from the API tokens page."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in {b"token", b"bearer"}:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header: give `Token <key>`.")
        key = header[1].decode(errors="replace")
        token = (
            ApiToken.objects.select_related("user").filter(digest=token_digest(key), revoked_at__isnull=True).first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("Invalid or revoked token.")
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
