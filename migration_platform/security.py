"""Content-Security-Policy header (Django 5.2 has none built in): our own files only, no inline script or style."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def content_security_policy() -> str:
    """The header's value from settings.CONTENT_SECURITY_POLICY ({directive: [sources]})."""
    directives: dict[str, list[str]] = settings.CONTENT_SECURITY_POLICY
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Sends the policy on every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response


class RequestSizeLimitMiddleware:
    """Refuses a request whose declared body exceeds MAX_REQUEST_BYTES before any of it is read (413).

    Django streams large uploads to temporary files; without this a multi-gigabyte body would be written to disk
    before the upload form could say it is over the import limit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = int(settings.MAX_REQUEST_BYTES)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            message = (
                f"The request is {declared / (1024 * 1024):.1f} MB, over the limit of {limit // (1024 * 1024)} MB: "
                "split the file and import the parts."
            )
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
