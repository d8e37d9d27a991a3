from __future__ import annotations

from rest_framework import serializers

from engagements.models import EDITABLE_FIELDS, Engagement


class EngagementSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    created_by = serializers.EmailField(source="created_by.email", read_only=True, allow_null=True)
    archived = serializers.BooleanField(source="is_archived", read_only=True)

    class Meta:
        model = Engagement
        fields = [
            "id",
            *EDITABLE_FIELDS,
            "archived",
            "archived_at",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "archived_at", "created_at", "updated_at"]
        validators: list[object] = []  # uniqueness is checked by the service, with a message naming the field
