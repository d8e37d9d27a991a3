from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from tenants.fields import public_user_reference


class TargetCloud(models.TextChoices):
    AWS = "aws", "AWS"
    AZURE = "azure", "Azure"
    GCP = "gcp", "Google Cloud"


DEFAULT_REGION = {TargetCloud.AWS: "us-east-1", TargetCloud.AZURE: "eastus", TargetCloud.GCP: "us-central1"}


class EngagementStatus(models.TextChoices):
    PLANNING = "planning", "Planning"
    DISCOVERY = "discovery", "Discovery"
    ASSESSMENT = "assessment", "Assessment"
    MIGRATION = "migration", "Migration"
    COMPLETED = "completed", "Completed"


def goal_field(label: str) -> models.PositiveSmallIntegerField:  # type: ignore[type-arg]
    return models.PositiveSmallIntegerField(
        label, default=3, validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 (low) to 5 (high)"
    )


GOAL_FIELDS = ("goal_speed", "goal_cost", "goal_modernisation", "goal_operations")
# The fields people set (the form, the API and the services take these and no other).
EDITABLE_FIELDS = (
    "name",
    "description",
    "target_cloud",
    "region",
    "currency",
    "status",
    "start_date",
    "target_date",
    *GOAL_FIELDS,
)


class Engagement(models.Model):
    """One migration project of a client; the hub that imports, flows and assessments hang from."""

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    target_cloud = models.CharField(max_length=8, choices=TargetCloud.choices, default=TargetCloud.AWS)
    region = models.CharField(max_length=40, blank=True)
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=16, choices=EngagementStatus.choices, default=EngagementStatus.PLANNING)
    start_date = models.DateField(null=True, blank=True)
    target_date = models.DateField(null=True, blank=True)
    goal_speed = goal_field("speed of migration")
    goal_cost = goal_field("cost reduction")
    goal_modernisation = goal_field("modernisation")
    goal_operations = goal_field("operational overhead reduction")
    created_by = public_user_reference()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="engagement_name_unique_ci")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("engagements:detail", kwargs={"pk": self.pk})

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None
