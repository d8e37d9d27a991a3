"""Writes for engagements."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User

from .models import DEFAULT_REGION, EDITABLE_FIELDS, Engagement, TargetCloud
from .selectors import engagement_name_taken, name_taken_message


def _check(engagement: Engagement) -> None:
    engagement.name = engagement.name.strip()
    engagement.currency = (engagement.currency or "USD").strip().upper()
    if not engagement.region:
        engagement.region = DEFAULT_REGION[TargetCloud(engagement.target_cloud)]
    errors: dict[str, str] = {}
    if engagement_name_taken(name=engagement.name, exclude_pk=engagement.pk):
        errors["name"] = name_taken_message(engagement.name)
    start: date | None = engagement.start_date
    target: date | None = engagement.target_date
    if start and target and target < start:
        errors["target_date"] = "The target date cannot be before the start date."
    if errors:
        raise ValidationError(errors)
    engagement.full_clean(validate_unique=False, validate_constraints=False)


def engagement_create(*, created_by: User | None, **fields: Any) -> Engagement:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in unknown})
    engagement = Engagement(created_by=created_by, **fields)
    _check(engagement)
    with transaction.atomic():
        engagement.save()
    return engagement


def engagement_update(*, engagement: Engagement, **fields: Any) -> Engagement:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown field." for name in unknown})
    cloud_changed = "target_cloud" in fields and fields["target_cloud"] != engagement.target_cloud
    for name, value in fields.items():
        setattr(engagement, name, value)
    if cloud_changed and "region" not in fields:
        engagement.region = ""  # the new cloud's default region
    _check(engagement)
    engagement.save()
    return engagement


def engagement_archive(*, engagement: Engagement) -> Engagement:
    if engagement.archived_at is None:
        engagement.archived_at = timezone.now()
        engagement.save(update_fields=["archived_at", "updated_at"])
    return engagement


def engagement_restore(*, engagement: Engagement) -> Engagement:
    engagement.archived_at = None
    engagement.save(update_fields=["archived_at", "updated_at"])
    return engagement
