from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.services import handover_token_issue
from migration_platform.forms import add_service_errors
from tenants.middleware import current_client

from . import selectors, services
from .access import role_required
from .forms import AcceptNewUserForm, InvitationForm, RoleForm
from .models import Client, Invitation, Membership
from .roles import Role


@login_required
def client_list_view(request: HttpRequest) -> HttpResponse:
    """The public site's home: the clients this user belongs to."""
    clients = selectors.clients_for_user(user=request.user)  # type: ignore[arg-type]
    memberships = {m.client_id: m for m in request.user.memberships.all()}  # type: ignore[union-attr]
    rows = [(client, memberships.get(client.pk)) for client in clients]
    return render(request, "tenants/client_list.html", {"rows": rows})


@login_required
def client_open_view(request: HttpRequest, slug: str) -> HttpResponse:
    """Hand the signed-in user over to a client host with a signed, single-use, short-lived token."""
    client = selectors.clients_for_user(user=request.user).filter(schema_name=slug).first()  # type: ignore[arg-type]
    if client is None:
        raise Http404("Not found")
    token = handover_token_issue(user=request.user, schema_name=client.schema_name)  # type: ignore[arg-type]
    return redirect(f"{client.base_url}{reverse('handover')}?token={token}")


def _client(request: HttpRequest) -> Client:
    client = current_client(request)
    if client is None:
        raise Http404("Not found")
    return client  # type: ignore[return-value]


@role_required(Role.CLIENT_ADMIN)
def people_view(request: HttpRequest) -> HttpResponse:
    client = _client(request)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                client=client,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,  # type: ignore[arg-type]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Invitation sent to {invitation.email}.")
            return redirect("people")
    context = {
        "form": form,
        "memberships": selectors.memberships_for_client(client=client),
        "invitations": selectors.open_invitations(client=client),
        "roles": Role.choices,
        "section": "people",
    }
    return render(request, "tenants/people.html", context, status=422 if form.errors else 200)


@require_POST
@role_required(Role.CLIENT_ADMIN)
def membership_role_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=pk, client=_client(request))
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{membership.user.email} is now {membership.get_role_display()}.")
    else:
        messages.error(request, "Choose a valid role.")
    return redirect("people")


@require_POST
@role_required(Role.CLIENT_ADMIN)
def membership_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(Membership, pk=pk, client=_client(request))
    try:
        services.membership_remove(membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.email} no longer has access.")
    return redirect("people")


@require_POST
@role_required(Role.CLIENT_ADMIN)
def invitation_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation, pk=pk, client=_client(request))
    services.invitation_revoke(invitation=invitation)
    messages.success(request, f"Invitation of {invitation.email} revoked.")
    return redirect("people")


def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    client = _client(request)
    invitation = Invitation.objects.filter(token=token, client=client).first()
    if invitation is None or not services.invitation_is_open(invitation):
        return render(request, "tenants/invitation_invalid.html", status=404)
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if existing is not None and existing.has_usable_password():
        if not request.user.is_authenticated:
            messages.info(request, f"Sign in as {invitation.email} to accept the invitation to {client.name}.")
            return redirect_to_login(request.get_full_path())
        if request.method == "POST":
            try:
                services.invitation_accept(invitation=invitation, user=request.user)  # type: ignore[arg-type]
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Welcome to {client.name}.")
                return redirect("home")
        return render(request, "tenants/invitation_accept.html", {"invitation": invitation, "form": None})
    form = AcceptNewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, _ = services.user_get_or_create(email=invitation.email, full_name=form.cleaned_data["full_name"])
        user.set_password(form.cleaned_data["password1"])
        user.full_name = form.cleaned_data["full_name"]
        user.save(update_fields=["password", "full_name"])
        services.invitation_accept(invitation=invitation, user=user)
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(request, f"Welcome to {client.name}.")
        return redirect("home")
    status = 422 if form.errors else 200
    return render(request, "tenants/invitation_accept.html", {"invitation": invitation, "form": form}, status=status)
