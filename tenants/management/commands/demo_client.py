from __future__ import annotations

import secrets
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from engagements.models import Engagement
from engagements.services import engagement_create
from tenants import services
from tenants.models import Client

DEMO_SLUG = "demo"
DEMO_EMAIL = "demo@example.com"
ADMIN_EMAIL = "admin@example.com"


class Command(BaseCommand):
    help = "Make the demo client, its client admin and a platform admin (once), and print how to sign in."

    def handle(self, *args: Any, **options: Any) -> None:
        login_file = Path(settings.BASE_DIR) / ".data" / "demo-login.txt"
        login_file.parent.mkdir(parents=True, exist_ok=True)
        password = login_file.read_text().strip() if login_file.exists() else secrets.token_urlsafe(9)
        demo, created = services.user_get_or_create(email=DEMO_EMAIL, full_name="Demo Consultant")
        admin, admin_created = services.user_get_or_create(email=ADMIN_EMAIL, full_name="Platform Admin")
        for user, fresh in ((demo, created), (admin, admin_created)):
            if fresh or not login_file.exists():
                user.set_password(password)
                user.save(update_fields=["password"])
        if not admin.is_superuser:
            admin.is_staff = admin.is_superuser = True
            admin.save(update_fields=["is_staff", "is_superuser"])
        login_file.write_text(password)
        client = Client.objects.filter(schema_name=DEMO_SLUG).first()
        if client is None:
            client = services.client_create(name="Demo Client", slug=DEMO_SLUG, admin=demo)
        with schema_context(client.schema_name):
            if not Engagement.objects.exists():
                engagement_create(
                    created_by=demo,
                    name="Data centre exit 2027",
                    description="Move the Frankfurt data centre to AWS before the lease ends.",
                    target_cloud="aws",
                )
        sys.stderr.write(
            "\n"
            f"  Demo client:  {client.base_url}/\n"
            f"  Sign in as    {DEMO_EMAIL}  password {password}\n"
            f"  Platform admin (Django admin at /admin/): {ADMIN_EMAIL}  same password\n\n"
        )
