from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from tenants.middleware import current_client

from . import services
from .forms import ApiTokenForm
from .selectors import api_tokens_of, request_user


def handover_view(request: HttpRequest) -> HttpResponse:
    """Sign in on a client host with a token the public site issued (cookies are host-only)."""
    client = current_client(request)
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    user = None
    if client is not None:
        user = services.handover_token_redeem(token=request.GET.get("token", ""), schema_name=client.schema_name)  # type: ignore[attr-defined]
    if user is None:
        messages.error(request, "That sign-in link has expired or was already used. Please sign in.")
        return redirect(settings.LOGIN_URL)
    login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
    return redirect(next_url)


@login_required
def api_tokens_view(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        token, new_key = services.api_token_create(user=request_user(request), name=form.cleaned_data["name"])
        messages.success(request, f"Token “{token.name}” created. Copy it now: it will not be shown again.")
        form = ApiTokenForm()
    tokens = api_tokens_of(user=request_user(request))
    return render(request, "accounts/api_tokens.html", {"form": form, "tokens": tokens, "new_key": new_key})


@require_POST
@login_required
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(api_tokens_of(user=request_user(request)), pk=pk)
    services.api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("api_tokens")
