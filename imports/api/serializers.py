from __future__ import annotations

from typing import Any

from rest_framework import serializers

from imports import selectors
from imports.models import ColumnMapping, DataImport, ImportKind, OnDuplicate


class DataImportSerializer(serializers.ModelSerializer[DataImport]):
    status = serializers.SerializerMethodField()
    flow_status = serializers.SerializerMethodField()

    class Meta:
        model = DataImport
        fields = [
            "id",
            "engagement",
            "flow",
            "flow_status",
            "original_name",
            "size",
            "kind",
            "format",
            "sheet",
            "sheets",
            "header_row",
            "row_count",
            "status",
            "message",
            "counts",
            "quality_score",
            "on_duplicate",
            "skip_invalid",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_status(self, obj: DataImport) -> str:
        return selectors.import_status(obj)

    def get_flow_status(self, obj: DataImport) -> str | None:
        return obj.flow.status if obj.flow is not None else None


class UploadSerializer(serializers.Serializer[Any]):
    engagement = serializers.IntegerField()
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=ImportKind.choices, required=False, allow_blank=True, default="")
    sheet = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    on_duplicate = serializers.ChoiceField(choices=OnDuplicate.choices, required=False, default=OnDuplicate.UPDATE)
    skip_invalid = serializers.BooleanField(required=False, default=False)


class ColumnMappingSerializer(serializers.ModelSerializer[ColumnMapping]):
    class Meta:
        model = ColumnMapping
        fields = [
            "position",
            "source",
            "suggested_target",
            "confidence",
            "transform",
            "reason",
            "samples",
            "overridden",
            "override_target",
            "final_target",
            "final_transform",
        ]
        read_only_fields = fields


class MappingUpdateSerializer(serializers.Serializer[Any]):
    mapping = serializers.DictField(child=serializers.CharField(allow_null=True, allow_blank=True))
