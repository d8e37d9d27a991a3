"""Writes for clients, memberships and invitations."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_exists

from accounts.models import User

from .db import use_public_schema
from .models import SLUG_RE, Client, Domain, Invitation, Membership
from .roles import Role

INVITATION_DAYS = 7


def platform_setup() -> Client:
    """Make the public client, its domains and the template schema new clients are cloned from."""
    public, _ = Client.objects.get_or_create(schema_name="public", defaults={"name": "Platform"})
    for host in {settings.BASE_DOMAIN, "localhost", "127.0.0.1"}:
        Domain.objects.get_or_create(
            domain=host, defaults={"tenant": public, "is_primary": host == settings.BASE_DOMAIN}
        )
    template = Client.objects.filter(schema_name=settings.TENANT_BASE_SCHEMA).first()
    if template is None or not schema_exists(settings.TENANT_BASE_SCHEMA):
        if template is not None:
            template.delete(force_drop=True)
        Client(schema_name=settings.TENANT_BASE_SCHEMA, name="Template", is_template=True).save(verbosity=0)
    return public


RESERVED_SLUGS = {"public", "www", "admin", "api", "static", "media"}


def slug_problem(slug: str) -> str | None:
    """Why a slug cannot name a new client (schema and sub-domain), or None."""
    if not SLUG_RE.match(slug):
        return "A slug is 2-31 lower-case letters or digits, starting with a letter."
    if slug in RESERVED_SLUGS:
        return f"'{slug}' is reserved."
    if Client.objects.filter(schema_name=slug).exists():
        return f"A client with the slug '{slug}' already exists."
    return None


def client_create(*, name: str, slug: str, admin: User | None = None) -> Client:
    """Create a client, its schema (cloned from the template) and domain; make `admin` its client admin."""
    slug = slug.strip().lower()
    problem = slug_problem(slug)
    if problem:
        raise ValidationError({"slug": problem})
    if not name.strip():
        raise ValidationError({"name": "A client needs a name."})
    # Clients are rows of the public schema, whatever client the caller was working in.
    use_public_schema()
    # The schema is created by Client.save (DDL is transactional in PostgreSQL, so a failure leaves nothing).
    with transaction.atomic():
        client = Client(schema_name=slug, name=name.strip())
        client.save(verbosity=0)  # the schema's migrate run would otherwise print to stdout
        Domain.objects.create(domain=f"{slug}.{settings.BASE_DOMAIN}", tenant=client, is_primary=True)
        if admin is not None:
            Membership.objects.create(user=admin, client=client, role=Role.CLIENT_ADMIN)
    use_public_schema()
    return client


def client_delete(*, client: Client) -> None:
    client.delete(force_drop=True)


def user_get_or_create(*, email: str, password: str | None = None, full_name: str = "") -> tuple[User, bool]:
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        return user, False
    user = User.objects.create_user(email=email, password=password, full_name=full_name)
    if password is None:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user, True


def membership_set(*, client: Client, user: User, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(client=client, user=user, defaults={"role": Role(role)})
    return membership


def _other_admins(membership: Membership) -> bool:
    return (
        Membership.objects.filter(client=membership.client, role=Role.CLIENT_ADMIN).exclude(pk=membership.pk).exists()
    )


def membership_change_role(*, membership: Membership, role: str) -> Membership:
    if membership.role == Role.CLIENT_ADMIN and role != Role.CLIENT_ADMIN and not _other_admins(membership):
        raise ValidationError({"role": "A client keeps at least one client admin."})
    membership.role = Role(role)
    membership.save(update_fields=["role"])
    return membership


def membership_remove(*, membership: Membership) -> None:
    if membership.role == Role.CLIENT_ADMIN and not _other_admins(membership):
        raise ValidationError("A client keeps at least one client admin: make someone else admin first.")
    membership.delete()


def invitation_create(*, client: Client, email: str, role: str, invited_by: User) -> Invitation:
    email = email.strip().lower()
    if Membership.objects.filter(client=client, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of {client.name}."})
    Invitation.objects.filter(client=client, email__iexact=email, accepted_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    invitation = Invitation.objects.create(
        client=client,
        email=email,
        role=Role(role),
        token=secrets.token_urlsafe(32),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    link = client.base_url + reverse("invitation_accept", kwargs={"token": invitation.token})
    send_mail(
        subject=f"You are invited to {client.name} on the migration platform",
        message=(
            f"{invited_by.display_name} invited you to {client.name} as {invitation.get_role_display()}.\n\n"
            f"Accept the invitation: {link}\n\nThe link expires in {INVITATION_DAYS} days."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[email],
    )
    return invitation


def invitation_revoke(*, invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def invitation_is_open(invitation: Invitation) -> bool:
    return invitation.accepted_at is None and invitation.revoked_at is None and invitation.expires_at > timezone.now()


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    if not invitation_is_open(invitation):
        raise ValidationError("This invitation has expired, was revoked or was already used.")
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(f"This invitation is for {invitation.email}; you are signed in as {user.email}.")
    with transaction.atomic():
        membership = membership_set(client=invitation.client, user=user, role=invitation.role)
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return membership
