from __future__ import annotations

import secrets
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django.core.validators import validate_email

from migration_platform.commands import bad_argument, print_json
from tenants import services


class Command(BaseCommand):
    help = "Create a client: its schema, its domain SLUG.<base domain> and a client-admin membership."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--password", default=None)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            validate_email(options["admin_email"])
        except ValidationError as error:
            raise bad_argument(f"--admin-email: '{options['admin_email']}' is not an email address.") from error
        password = options["password"]
        generated = None
        user, created = services.user_get_or_create(email=options["admin_email"])
        if created:
            generated = None if password else secrets.token_urlsafe(12)
            user.set_password(password or generated)
            user.save(update_fields=["password"])
        elif password:
            user.set_password(password)
            user.save(update_fields=["password"])
        try:
            client = services.client_create(name=options["name"], slug=options["slug"], admin=user)
        except ValidationError as error:
            field, messages = (
                next(iter(error.message_dict.items())) if hasattr(error, "error_dict") else ("", error.messages)
            )
            raise bad_argument(f"--{field or 'slug'}: {' '.join(messages)}") from error
        result = {"client": client.slug, "name": client.name, "url": client.base_url + "/", "admin": user.email}
        if generated:
            result["password"] = generated
        if options["json"]:
            print_json(result)
            return
        sys.stderr.write(f"Created client {client.name} at {client.base_url}/\n")
        self.stdout.write(f"{client.base_url}/ admin {user.email}" + (f" password {generated}" if generated else ""))
