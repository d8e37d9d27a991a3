from __future__ import annotations

from typing import Any

from rest_framework import serializers

from engagements.models import Engagement
from flows import registry
from flows.models import Flow, FlowEvent, FlowType, PhaseRun


class PhaseRunSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    label = serializers.SerializerMethodField()  # type: ignore[assignment]
    decided_by = serializers.SerializerMethodField()
    error_traceback = serializers.SerializerMethodField(help_text="Only for platform operators (staff).")

    class Meta:
        model = PhaseRun
        fields = [
            "name",
            "label",
            "order",
            "status",
            "attempt",
            "progress",
            "message",
            "started_at",
            "finished_at",
            "output",
            "error_message",
            "error_traceback",
            "decision",
            "decided_by",
            "decided_at",
            "worker_id",
            "heartbeat_at",
            "lease_expires_at",
        ]
        read_only_fields = fields

    def get_label(self, phase: PhaseRun) -> str:
        return registry.phase_label(self.context["flow_type"], phase.name)

    def get_decided_by(self, phase: PhaseRun) -> str | None:
        return (phase.decision or {}).get("by") if phase.decided_at else None

    def get_error_traceback(self, phase: PhaseRun) -> str | None:
        request = self.context.get("request")
        staff = bool(request and request.user and request.user.is_staff)
        return phase.error_traceback if staff else None


class FlowEventSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = FlowEvent
        fields = ["phase", "actor", "created_at", "from_status", "to_status", "detail"]
        read_only_fields = fields


class FlowSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    engagement_name = serializers.CharField(source="engagement.name", read_only=True)
    created_by = serializers.EmailField(source="created_by.email", read_only=True, allow_null=True)

    class Meta:
        model = Flow
        fields = [
            "id",
            "type",
            "engagement",
            "engagement_name",
            "status",
            "current_phase",
            "progress",
            "message",
            "input",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class FlowDetailSerializer(FlowSerializer):
    phases = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta(FlowSerializer.Meta):
        fields = [*FlowSerializer.Meta.fields, "phases", "events"]
        read_only_fields = fields

    def get_phases(self, flow: Flow) -> list[dict[str, Any]]:
        phases = self.context.get("phases")
        if phases is None:
            phases = list(flow.phases.order_by("order"))
        context = {**self.context, "flow_type": flow.type}
        return list(PhaseRunSerializer(phases, many=True, context=context).data)

    def get_events(self, flow: Flow) -> list[dict[str, Any]]:
        events = self.context.get("events")
        if events is None:
            events = list(flow.events.order_by("created_at", "pk"))
        return list(FlowEventSerializer(events, many=True).data)


class FlowStartSerializer(serializers.Serializer):  # type: ignore[type-arg]
    type = serializers.ChoiceField(choices=FlowType.choices)
    engagement = serializers.PrimaryKeyRelatedField(queryset=Engagement.objects.all())
    input = serializers.JSONField(required=False, default=dict)

    def validate_input(self, value: Any) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise serializers.ValidationError("An object, if given.")
        return value


class PhaseRetrySerializer(serializers.Serializer):  # type: ignore[type-arg]
    phase = serializers.CharField(required=False, allow_blank=True, default="")


class GateApproveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    decision = serializers.JSONField(
        required=False, default=None, help_text="The answer; the gate's suggestion when omitted."
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)

    def validate_decision(self, value: Any) -> dict[str, Any] | None:
        if value is not None and not isinstance(value, dict):
            raise serializers.ValidationError("An object, if given.")
        return value
