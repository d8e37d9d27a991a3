"""Assessment and planning: readiness, tech debt, 6R decisions, sizing and cost, migration waves.

What the engine produces (ServerAssessment, TechDebtItem, SixRDecision, Wave, WaveAssignment) is replaced on
every run; what people decide (DecisionReview, WaveMove, ArchitectureStandard edits) is stored apart and applied
again on top (DESIGN.md Decisions). Every change a person makes is a ChangeRecord. Writes go through services.py.
"""

from __future__ import annotations

from django.db import models

from engagements.models import Engagement
from inventory.models import Application, Asset
from tenants.fields import public_user_reference


class Strategy(models.TextChoices):
    REHOST = "rehost", "Rehost"
    REPLATFORM = "replatform", "Replatform"
    REFACTOR = "refactor", "Refactor"
    REPURCHASE = "repurchase", "Repurchase"
    RETIRE = "retire", "Retire"
    RETAIN = "retain", "Retain"


class Readiness(models.TextChoices):
    READY = "ready", "Ready"
    READY_WITH_CONDITIONS = "ready_with_conditions", "Ready with conditions"
    NOT_READY = "not_ready", "Not ready"
    UNKNOWN = "unknown", "Unknown"


# Worst first: an application's readiness is the worst of its servers'.
READINESS_ORDER = (Readiness.NOT_READY, Readiness.UNKNOWN, Readiness.READY_WITH_CONDITIONS, Readiness.READY)


class Effort(models.TextChoices):
    XS = "xs", "XS"
    S = "s", "S"
    M = "m", "M"
    L = "l", "L"
    XL = "xl", "XL"


class SizingBasis(models.TextChoices):
    PERFORMANCE = "performance", "Performance (utilisation)"
    PROVISIONED = "provisioned", "As provisioned"
    NONE = "none", "Not sized"


class DebtCategory(models.TextChoices):
    OS = "os", "Operating system"
    DATABASE = "database", "Database"
    RUNTIME = "runtime", "Runtime"
    LANGUAGE = "language", "Language"
    FRAMEWORK = "framework", "Framework"
    MIDDLEWARE = "middleware", "Middleware"


class DebtStatus(models.TextChoices):
    END_OF_LIFE = "end_of_life", "End of life"
    END_OF_SUPPORT_SOON = "end_of_support_soon", "End of support within 12 months"
    BELOW_MINIMUM = "below_minimum", "Below the minimum standard"
    BELOW_RECOMMENDED = "below_recommended", "Below the recommended standard"


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class DecisionSource(models.TextChoices):
    ENGINE = "engine", "Scoring engine"
    LLM = "llm", "6R crew (LLM)"


class ReviewStatus(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    OVERRIDDEN = "overridden", "Overridden"


class AssignmentSource(models.TextChoices):
    ENGINE = "engine", "Planned"
    MANUAL = "manual", "Moved by hand"


class ArchitectureStandard(models.Model):
    """The engagement's minimum and recommended version of a component (Java, RHEL, PostgreSQL, ...)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="architecture_standards")
    component = models.CharField(max_length=60, help_text="the engine's product key, e.g. java, rhel")
    label = models.CharField(max_length=120)
    category = models.CharField(max_length=20, choices=DebtCategory.choices)
    minimum_version = models.CharField(max_length=40)
    recommended_version = models.CharField(max_length=40)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = public_user_reference()

    class Meta:
        ordering = ["category", "label"]
        constraints = [
            models.UniqueConstraint("engagement", "component", name="architecture_standard_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: minimum {self.minimum_version}, recommended {self.recommended_version}"


class Assessment(models.Model):
    """One run of the assessment flow on an engagement (all applications, or the chosen ones)."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="assessments")
    flow = models.ForeignKey("flows.Flow", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    application_ids = models.JSONField(null=True, blank=True, help_text="null: every application")
    created_by = public_user_reference()
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = public_user_reference()
    approved_at = models.DateTimeField(null=True, blank=True)
    approval_comment = models.TextField(blank=True, default="")
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["engagement", "-created_at"], name="assessment_recent")]

    def __str__(self) -> str:
        return f"Assessment #{self.pk}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


# What a run judges of a server, named once for the phase's COPY, the API and the admin.
SERVER_RESULT_FIELDS = (
    "readiness",
    "readiness_reasons",
    "target_instance",
    "target_vcpu",
    "target_memory_gb",
    "sizing_basis",
    "sizing_reason",
    "monthly_cost_now",
    "monthly_cost_target",
    "price_list_date",
)


class ServerAssessment(models.Model):
    """A server's readiness for the target cloud and its sizing (latest run wins)."""

    # The two big tables of engine output (50,000 servers, tens of thousands of debt items) are written by COPY from
    # ids loaded in the same transaction: their engagement and assessment references carry no database constraint
    # (each would be a deferred trigger check per row at commit, seconds at that size; deletes still cascade
    # through Django) and no index of their own (the composite indexes below start with the engagement; an
    # assessment is deleted rarely, with its engagement, and one scan then is cheaper than an index on every
    # write).
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="server_assessments", db_constraint=False, db_index=False
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="server_assessments", db_constraint=False, db_index=False
    )
    asset = models.OneToOneField(Asset, on_delete=models.CASCADE, related_name="server_assessment")
    readiness = models.CharField(max_length=24, choices=Readiness.choices)
    readiness_reasons = models.JSONField(default=list, blank=True)
    target_instance = models.CharField(max_length=60, blank=True, default="")
    target_vcpu = models.IntegerField(null=True, blank=True)
    target_memory_gb = models.FloatField(null=True, blank=True)
    sizing_basis = models.CharField(max_length=12, choices=SizingBasis.choices, default=SizingBasis.NONE)
    sizing_reason = models.TextField(blank=True, default="")
    monthly_cost_now = models.FloatField(null=True, blank=True)
    monthly_cost_target = models.FloatField(null=True, blank=True)
    price_list_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["asset_id"]
        indexes = [models.Index("engagement", "readiness", name="server_assessment_readiness")]

    def __str__(self) -> str:
        return f"{self.asset_id}: {self.readiness}"


class TechDebtItem(models.Model):
    """One piece of technical debt: an end-of-life product or a gap to the engagement's standards."""

    # No database constraint or index of their own on engagement and assessment (see ServerAssessment).
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="tech_debt_items", db_constraint=False, db_index=False
    )
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="tech_debt_items", db_constraint=False, db_index=False
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="tech_debt_items"
    )
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, null=True, blank=True, related_name="tech_debt_items")
    category = models.CharField(max_length=20, choices=DebtCategory.choices)
    component = models.CharField(max_length=120)
    version = models.CharField(max_length=60, blank=True, default="")
    status = models.CharField(max_length=24, choices=DebtStatus.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    eol_date = models.DateField(null=True, blank=True)
    reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index("engagement", "category", name="tech_debt_category"),
        ]

    def __str__(self) -> str:
        return f"{self.component} {self.version}: {self.status}"


# What a run decides of an application, named once for the phase's COPY and the API.
DECISION_RESULT_FIELDS = (
    "strategy",
    "source",
    "confidence",
    "evidence",
    "alternatives",
    "effort",
    "person_days",
    "risks",
    "target_services",
    "complexity_score",
    "complexity_factors",
    "readiness",
    "monthly_cost_now",
    "monthly_cost_target",
    "rationale",
)


class SixRDecision(models.Model):
    """The engine's (or the 6R crew's) recommendation for an application; replaced on every run."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="sixr_decisions")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="decisions")
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="sixr_decision")
    strategy = models.CharField(max_length=12, choices=Strategy.choices)
    confidence = models.FloatField()
    evidence = models.JSONField(default=list, blank=True)
    alternatives = models.JSONField(default=list, blank=True, help_text='[{"strategy", "score"}, ...]')
    effort = models.CharField(max_length=2, choices=Effort.choices)
    person_days = models.IntegerField(default=0)
    risks = models.JSONField(default=list, blank=True)
    target_services = models.JSONField(default=list, blank=True)
    complexity_score = models.PositiveSmallIntegerField(default=1)
    complexity_factors = models.JSONField(default=list, blank=True)
    readiness = models.CharField(max_length=24, choices=Readiness.choices, default=Readiness.UNKNOWN)
    monthly_cost_now = models.FloatField(null=True, blank=True)
    monthly_cost_target = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=8, choices=DecisionSource.choices, default=DecisionSource.ENGINE)
    rationale = models.TextField(blank=True, default="")
    assessed_at = models.DateTimeField()

    class Meta:
        ordering = ["application_id"]
        indexes = [
            models.Index("engagement", "strategy", name="sixr_strategy"),
            models.Index("engagement", "confidence", name="sixr_confidence"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.strategy}"


class DecisionReview(models.Model):
    """A person's acceptance or override of an application's 6R decision; kept through re-runs."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="decision_reviews")
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="decision_review")
    status = models.CharField(max_length=12, choices=ReviewStatus.choices)
    strategy = models.CharField(max_length=12, choices=Strategy.choices, null=True, blank=True)
    comment = models.TextField(blank=True, default="")
    reviewed_by = public_user_reference()
    reviewed_at = models.DateTimeField()

    class Meta:
        ordering = ["application_id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.status} {self.strategy or ''}".strip()


class WavePlanSettings(models.Model):
    """How an engagement's waves are packed."""

    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="wave_plan_settings")
    max_servers_per_wave = models.PositiveIntegerField(default=50)
    wave_weeks = models.PositiveSmallIntegerField(default=4)
    start_date = models.DateField(null=True, blank=True, help_text="empty: the engagement's start date, or today")
    pilot_max_apps = models.PositiveSmallIntegerField(default=5)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = public_user_reference()

    def __str__(self) -> str:
        return f"{self.max_servers_per_wave} servers per wave, {self.wave_weeks} weeks"


class Wave(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="waves")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=60)
    start = models.DateField()
    end = models.DateField()
    is_pilot = models.BooleanField(default=False)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint("engagement", "number", name="wave_number_unique")]

    def __str__(self) -> str:
        return self.name


class WaveAssignment(models.Model):
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="wave_assignments")
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="assignments")
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="wave_assignment")
    move_group = models.IntegerField(default=0)
    source = models.CharField(max_length=8, choices=AssignmentSource.choices, default=AssignmentSource.ENGINE)

    class Meta:
        ordering = ["wave__number", "application_id"]

    def __str__(self) -> str:
        return f"{self.application_id} in wave {self.wave_id}"


class WaveMove(models.Model):
    """A person moved an application to a wave: applied again as a pin after every re-planning."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="wave_moves")
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="wave_move")
    wave_number = models.PositiveIntegerField()
    moved_by = public_user_reference()
    moved_at = models.DateTimeField()
    comment = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"{self.application_id} pinned to wave {self.wave_number}"


class ChangeAction(models.TextChoices):
    DECISION_ACCEPTED = "decision_accepted", "Decision accepted"
    DECISION_OVERRIDDEN = "decision_overridden", "Decision overridden"
    PORTFOLIO_APPROVED = "portfolio_approved", "Portfolio approved"
    ASSESSMENT_STARTED = "assessment_started", "Assessment started"
    WAVE_MOVED = "wave_moved", "Application moved to a wave"
    WAVES_PLANNED = "waves_planned", "Waves planned"
    STANDARD_UPDATED = "standard_updated", "Architecture standard updated"
    PLAN_SETTINGS_UPDATED = "plan_settings_updated", "Wave plan settings updated"


class ChangeRecord(models.Model):
    """Who changed what in an engagement's assessment, and when."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="assessment_changes")
    user = public_user_reference()
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=32, choices=ChangeAction.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField(null=True, blank=True)
    object_repr = models.CharField(max_length=300, blank=True, default="")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["engagement", "-at"], name="change_record_recent"),
            models.Index(fields=["object_type", "object_id"], name="change_record_object"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.object_repr}"
