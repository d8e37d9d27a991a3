"""Writes for people: API tokens and the signed sign-in handover to a client host."""

from __future__ import annotations

import hashlib
import secrets

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import ApiToken, HandoverToken, User

HANDOVER_SALT = "accounts.handover"
HANDOVER_MAX_AGE_SECONDS = 60
TOKEN_PREFIX = "mpt_"


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token and return it with its key, which is never stored and shown only once."""
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip() or "token", prefix=key[:12], digest=token_digest(key))
    return token, key


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def handover_token_issue(*, user: User, schema_name: str) -> str:
    payload = {"u": user.pk, "s": schema_name, "n": secrets.token_hex(16)}
    return signing.dumps(payload, salt=HANDOVER_SALT)


def handover_token_redeem(*, token: str, schema_name: str) -> User | None:
    """The user a fresh, unused handover token for this client names, or None."""
    try:
        payload = signing.loads(token, salt=HANDOVER_SALT, max_age=HANDOVER_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if payload.get("s") != schema_name:
        return None
    try:
        with transaction.atomic():
            HandoverToken.objects.create(nonce=payload["n"])
    except IntegrityError:
        return None  # already used once
    return User.objects.filter(pk=payload["u"], is_active=True).first()
