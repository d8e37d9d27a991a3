"""Sign-in throttling against password guessing: failures counted per email and per client address.

Fixed windows in the "platform" cache (Redis, shared by every host and process): the first failure opens a window
of SIGN_IN_LOCKOUT_SECONDS; once a count reaches its limit, sign-in is refused until that window ends, even with
the right password. A successful sign-in clears the email's count (not the address's, so one valid account cannot
be used to reset the count of an address that guesses others' passwords).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
Result = TypeVar("Result")


def _fail_open(default: Any) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    """While Redis is unreachable, sign-in is not throttled (logged) rather than failing with a 500."""

    def decorator(function: Callable[..., Result]) -> Callable[..., Result]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Result:
            try:
                return function(*args, **kwargs)
            except RedisError as error:
                logger.warning("Sign-in throttling skipped, the cache is unreachable: %s", error)
                return default  # type: ignore[no-any-return]

        return wrapper

    return decorator


EMAIL = "email"
ADDRESS = "address"


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    if settings.SECURE_PROXY_SSL_HEADER:  # behind our proxy: the address it appended last is the real peer
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _keys(kind: str, value: str) -> tuple[str, str]:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"sign-in:{kind}:{digest}:count", f"sign-in:{kind}:{digest}:ends"


def _limit(kind: str) -> int:
    return int(settings.SIGN_IN_FAILURES_PER_EMAIL if kind == EMAIL else settings.SIGN_IN_FAILURES_PER_ADDRESS)


def _subjects(email: str, address: str) -> list[tuple[str, str]]:
    return [(kind, value) for kind, value in ((EMAIL, email), (ADDRESS, address)) if value]


@_fail_open(0)
def sign_in_wait_seconds(*, email: str, address: str) -> int:
    """Seconds until sign-in is allowed again for this email or address; 0 when it is allowed now."""
    cache = caches["platform"]
    wait = 0.0
    for kind, value in _subjects(email, address):
        count_key, ends_key = _keys(kind, value)
        found = cache.get_many([count_key, ends_key])
        if int(found.get(count_key) or 0) >= _limit(kind):
            wait = max(wait, float(found.get(ends_key) or 0) - time.time())
    return max(0, math.ceil(wait))


@_fail_open(None)
def sign_in_failure_record(*, email: str, address: str) -> None:
    cache = caches["platform"]
    window = int(settings.SIGN_IN_LOCKOUT_SECONDS)
    for kind, value in _subjects(email, address):
        count_key, ends_key = _keys(kind, value)
        if cache.add(ends_key, time.time() + window, timeout=window):
            cache.set(count_key, 0, timeout=window)
        try:
            cache.incr(count_key)
        except ValueError:  # the window ended between the two calls
            cache.set(count_key, 1, timeout=window)


@_fail_open(None)
def sign_in_success_record(*, email: str) -> None:
    caches["platform"].delete_many(list(_keys(EMAIL, email)))


def sign_in_wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return f"Too many failed sign-in attempts. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


def sign_in_counts_clear() -> int:
    """Forget every sign-in failure (an operator's unlock; tests start each case from none). Returns keys removed."""
    cache = caches["platform"]
    client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
    keys = list(client.scan_iter(match=cache.make_key("sign-in:*"), count=1000))
    return int(client.delete(*keys)) if keys else 0
