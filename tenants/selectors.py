from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User

from .models import Client, Invitation, Membership
from .roles import Role


def clients_for_user(*, user: User) -> QuerySet[Client]:
    clients = Client.objects.exclude(schema_name="public").filter(is_template=False)
    if user.is_superuser:
        return clients.order_by("name")
    return clients.filter(memberships__user=user).order_by("name")


def role_for(*, user: User, client: Client) -> str | None:
    """The user's role in the client; platform admins act as client admins; None for outsiders."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.CLIENT_ADMIN
    membership = Membership.objects.filter(user=user, client=client).only("role").first()
    return membership.role if membership else None


def memberships_for_client(*, client: Client) -> QuerySet[Membership]:
    return Membership.objects.filter(client=client).select_related("user").order_by("user__email")


def open_invitations(*, client: Client) -> QuerySet[Invitation]:
    return Invitation.objects.filter(client=client, accepted_at__isnull=True, revoked_at__isnull=True).select_related(
        "invited_by"
    )
