from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandParser
from django_tenants.utils import schema_context

from engagements import services
from engagements.api.serializers import EngagementSerializer
from engagements.models import TargetCloud
from migration_platform.commands import bad_argument, client_by_slug, print_json


class Command(BaseCommand):
    help = "Create an engagement in a client (defaults: aws, the cloud's default region, USD)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tenant", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--target-cloud", default=TargetCloud.AWS, choices=[c.value for c in TargetCloud])
        parser.add_argument("--region", default="")
        parser.add_argument("--currency", default="USD")
        parser.add_argument("--description", default="")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        client = client_by_slug(options["tenant"])
        currency = options["currency"].strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise bad_argument(f"--currency: '{options['currency']}' is not a three-letter currency code.")
        with schema_context(client.schema_name):
            try:
                engagement = services.engagement_create(
                    created_by=None,
                    name=options["name"],
                    description=options["description"],
                    target_cloud=options["target_cloud"],
                    region=options["region"],
                    currency=currency,
                )
            except ValidationError as error:
                details = "; ".join(f"--{k.replace('_', '-')}: {' '.join(v)}" for k, v in error.message_dict.items())
                raise bad_argument(details) from error
            data = EngagementSerializer(engagement).data
        if options["json"]:
            print_json(dict(data))
            return
        sys.stderr.write(f"Created engagement {engagement.name} in {client.name}\n")
        self.stdout.write(
            f"{engagement.pk}\t{engagement.name}\t{engagement.target_cloud}\t{engagement.region}\t{engagement.currency}"
        )
