"""Flows: durable runs of ordered phases (DESIGN.md "Flows"); the state lives here, never in a worker."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse

from tenants.fields import public_user_reference


class FlowType(models.TextChoices):
    DISCOVERY = "discovery", "Discovery"
    ASSESSMENT = "assessment", "Assessment"
    PLANNING = "planning", "Planning"


class FlowStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    WAITING_FOR_INPUT = "waiting_for_input", "Waiting for input"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


ACTIVE_FLOW_STATUSES = (FlowStatus.PENDING, FlowStatus.RUNNING, FlowStatus.WAITING_FOR_INPUT, FlowStatus.PAUSED)
FINISHED_FLOW_STATUSES = (FlowStatus.COMPLETED, FlowStatus.FAILED, FlowStatus.CANCELLED)


class PhaseStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    WAITING_FOR_INPUT = "waiting_for_input", "Waiting for input"
    COMPLETED = "completed", "Completed"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"
    CANCELLED = "cancelled", "Cancelled"


DONE_PHASE_STATUSES = (PhaseStatus.COMPLETED, PhaseStatus.SKIPPED)


class Flow(models.Model):
    """One run of a flow type on an engagement: its phases run in order on the workers."""

    # Not limited to FlowType's choices in the database: tests and later apps may register more types.
    type = models.CharField(max_length=20, choices=FlowType.choices)
    engagement = models.ForeignKey("engagements.Engagement", on_delete=models.CASCADE, related_name="flows")
    status = models.CharField(max_length=20, choices=FlowStatus.choices, default=FlowStatus.PENDING)
    current_phase = models.CharField(max_length=64, blank=True)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    message = models.CharField(max_length=500, blank=True)
    input = models.JSONField(default=dict, blank=True)
    created_by = public_user_reference()
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    phases: models.Manager[PhaseRun]
    events: models.Manager[FlowEvent]

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["engagement", "-created_at"], name="flow_engagement_recent"),
            models.Index(fields=["status", "-created_at"], name="flow_status_recent"),
            models.Index(fields=["type", "status"], name="flow_type_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} flow #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("flows:detail", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_FLOW_STATUSES


class PhaseRun(models.Model):
    """One phase of a flow: its latest attempt's status, progress, output or error, and the lease it runs under."""

    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=64)
    order = models.PositiveSmallIntegerField()
    attempt = models.PositiveSmallIntegerField(default=0, help_text="Times this phase has started, in all.")
    auto_attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Starts since a person last retried or resumed it; the watchdog's retry budget."
    )
    status = models.CharField(max_length=20, choices=PhaseStatus.choices, default=PhaseStatus.PENDING)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    message = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    output = models.JSONField(default=dict, blank=True)
    error_message = models.TextField(blank=True)
    error_traceback = models.TextField(blank=True)
    # What a person decided at a gate, and who.
    decision = models.JSONField(null=True, blank=True)
    decided_by = public_user_reference()
    decided_at = models.DateTimeField(null=True, blank=True)
    # The lease (DESIGN.md Decisions, durability): whoever holds an unexpired lease is the only one running it.
    worker_id = models.CharField(max_length=200, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True, help_text="When a task was last sent to run it.")
    retry_at = models.DateTimeField(null=True, blank=True, help_text="Not to be started before (retry backoff).")

    class Meta:
        ordering = ["flow_id", "order"]  # by the column: ordering by "flow" would join the flow for its ordering
        constraints = [
            models.UniqueConstraint(fields=["flow", "name"], name="phaserun_unique_name"),
            models.UniqueConstraint(fields=["flow", "order"], name="phaserun_unique_order"),
        ]
        indexes = [
            # The watchdog's two questions: running with an expired lease; pending and perhaps never queued.
            models.Index(
                fields=["lease_expires_at"],
                name="phaserun_running_lease",
                condition=models.Q(status="running"),
            ),
            models.Index(fields=["enqueued_at"], name="phaserun_pending", condition=models.Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_status_display()})"

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        if self.finished_at is None:
            return None
        return max(0.0, (self.finished_at - self.started_at).total_seconds())


class FlowEvent(models.Model):
    """One transition of a flow or a phase: who or what did it, when, from which status to which."""

    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="events")
    phase = models.CharField(max_length=64, blank=True)
    actor = models.CharField(max_length=254, help_text='A person\'s email, "system", "worker <id>" or "watchdog".')
    created_at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["flow", "created_at"], name="flowevent_flow_time")]

    def __str__(self) -> str:
        return f"{self.actor}: {self.from_status} → {self.to_status} {self.detail}".strip()
