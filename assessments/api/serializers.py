from __future__ import annotations

from typing import Any

from rest_framework import serializers

from assessments.models import (
    DECISION_RESULT_FIELDS,
    SERVER_RESULT_FIELDS,
    ArchitectureStandard,
    Assessment,
    ChangeRecord,
    ReviewStatus,
    ServerAssessment,
    SixRDecision,
    Strategy,
    TechDebtItem,
)


class AssessmentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    flow_status = serializers.CharField(source="flow.status", default=None, read_only=True)
    flow_phase = serializers.CharField(source="flow.current_phase", default=None, read_only=True)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "engagement",
            "flow",
            "flow_status",
            "flow_phase",
            "application_ids",
            "created_by",
            "created_at",
            "approved_by",
            "approved_at",
            "approval_comment",
            "summary",
        ]
        read_only_fields = fields


class AssessmentStartSerializer(serializers.Serializer):  # type: ignore[type-arg]
    engagement = serializers.IntegerField()
    application_ids = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True)


class ApproveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DecisionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """A 6R decision with the engine's strategy, the effective one (a person's override wins) and the review."""

    application_name = serializers.CharField(source="application.name", read_only=True)
    effective_strategy = serializers.CharField(read_only=True)
    export_source = serializers.CharField(read_only=True)
    review = serializers.SerializerMethodField()

    class Meta:
        model = SixRDecision
        fields = [
            "id",
            "engagement",
            "assessment",
            "application",
            "application_name",
            *DECISION_RESULT_FIELDS,
            "effective_strategy",
            "export_source",
            "assessed_at",
            "review",
        ]
        read_only_fields = fields

    def get_review(self, decision: SixRDecision) -> dict[str, Any] | None:
        review = getattr(decision.application, "decision_review", None)
        if review is None:
            return None
        return {
            "status": review.status,
            "strategy": review.strategy,
            "comment": review.comment,
            "reviewed_by": review.reviewed_by_id,
            "reviewed_at": review.reviewed_at,
        }


class ReviewSerializer(serializers.Serializer):  # type: ignore[type-arg]
    status = serializers.ChoiceField(choices=ReviewStatus.choices)
    strategy = serializers.ChoiceField(choices=Strategy.choices, required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class StandardSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ArchitectureStandard
        fields = [
            "id",
            "engagement",
            "component",
            "label",
            "category",
            "minimum_version",
            "recommended_version",
            "updated_at",
            "updated_by",
        ]
        read_only_fields = ["id", "engagement", "component", "label", "category", "updated_at", "updated_by"]


class StandardUpdateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    minimum_version = serializers.CharField(max_length=200)
    recommended_version = serializers.CharField(max_length=200)


class ServerAssessmentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    asset_name = serializers.CharField(source="asset.name", read_only=True)

    class Meta:
        model = ServerAssessment
        fields = [
            "id",
            "engagement",
            "assessment",
            "asset",
            "asset_name",
            *SERVER_RESULT_FIELDS,
        ]
        read_only_fields = fields


class TechDebtSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    application_name = serializers.CharField(source="application.name", default=None, read_only=True)
    asset_name = serializers.CharField(source="asset.name", default=None, read_only=True)

    class Meta:
        model = TechDebtItem
        fields = [
            "id",
            "engagement",
            "assessment",
            "application",
            "application_name",
            "asset",
            "asset_name",
            "category",
            "component",
            "version",
            "status",
            "severity",
            "eol_date",
            "reason",
        ]
        read_only_fields = fields


class WavePlanSerializer(serializers.Serializer):  # type: ignore[type-arg]
    engagement = serializers.IntegerField()
    max_servers_per_wave = serializers.IntegerField(required=False, min_value=1, max_value=10000)
    wave_weeks = serializers.IntegerField(required=False, min_value=1, max_value=52)
    start_date = serializers.DateField(required=False)
    pilot_max_apps = serializers.IntegerField(required=False, min_value=0, max_value=1000)


class WaveMoveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    application = serializers.IntegerField()
    wave_number = serializers.IntegerField(min_value=1)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ChangeRecordSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    user_email = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRecord
        fields = [
            "id",
            "engagement",
            "user",
            "user_email",
            "at",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "detail",
        ]
        read_only_fields = fields

    def get_user_email(self, record: ChangeRecord) -> str | None:
        emails: dict[int, str] = self.context.get("emails", {})
        return emails.get(record.user_id) if record.user_id else None
