from __future__ import annotations

import re

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django_tenants.models import DomainMixin, TenantMixin

from .roles import Role

SLUG_PATTERN = r"^[a-z][a-z0-9]{1,30}$"
SLUG_RE = re.compile(SLUG_PATTERN)
slug_validator = RegexValidator(
    SLUG_PATTERN, "A slug is 2-31 lower-case letters or digits, starting with a letter (no hyphen, no underscore)."
)


class Client(TenantMixin):
    """A consultancy's client; its data lives in the PostgreSQL schema named by its slug."""

    name: models.CharField[str, str] = models.CharField(max_length=200)
    is_template: models.BooleanField[bool, bool] = models.BooleanField(
        default=False, help_text="The migrated schema new clients are cloned from."
    )
    created_at: models.DateTimeField[object, object] = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = True

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def slug(self) -> str:
        return self.schema_name

    @property
    def host(self) -> str:
        return f"{self.schema_name}.{settings.BASE_DOMAIN}"

    @property
    def base_url(self) -> str:
        port = settings.SITE_PORT
        default = {"http": "80", "https": "443"}[settings.SITE_SCHEME]
        suffix = f":{port}" if port and port != default else ""
        return f"{settings.SITE_SCHEME}://{self.host}{suffix}"


class Domain(DomainMixin):
    pass


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "client"], name="membership_unique_user_client")]
        ordering = ["client__name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} in {self.client}: {self.get_role_display()}"


class Invitation(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.VIEWER)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.client}"
