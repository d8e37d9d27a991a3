from __future__ import annotations

from typing import Any

from rest_framework import serializers

from inventory.fields import APPLICATION_FIELDS, ASSET_FIELDS
from inventory.models import Application, ApplicationDependency, Asset, AssetConnection

PROVENANCE = ["source_import_id", "source_row", "source_format"]


class ApplicationRefSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Application
        fields = ["id", "name"]


class AssetSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """An asset with every canonical field; writes (PATCH) go through services.asset_update, not this class."""

    applications = ApplicationRefSerializer(many=True, read_only=True)
    deleted = serializers.BooleanField(source="is_deleted", read_only=True)

    class Meta:
        model = Asset
        fields = [
            "id",
            "engagement",
            *ASSET_FIELDS,
            "environment_raw",
            "criticality_raw",
            "status_raw",
            "asset_type_raw",
            "custom_attributes",
            "quality_score",
            "applications",
            *PROVENANCE,
            "deleted",
            "deleted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    server_ids: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        source="assets", many=True, read_only=True
    )
    deleted = serializers.BooleanField(source="is_deleted", read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "engagement",
            *APPLICATION_FIELDS,
            "custom_attributes",
            "server_ids",
            *PROVENANCE,
            "deleted",
            "deleted_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DependencySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    source_name = serializers.CharField(source="source.name", read_only=True)
    target_name = serializers.CharField(source="target.name", read_only=True)

    class Meta:
        model = ApplicationDependency
        fields = [
            "id",
            "engagement",
            "source",
            "source_name",
            "target",
            "target_name",
            "direction",
            "kind",
            "description",
            *PROVENANCE,
        ]
        read_only_fields = fields


class ConnectionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    source_name = serializers.CharField(source="source.name", read_only=True)
    target_name = serializers.CharField(source="target.name", read_only=True)

    class Meta:
        model = AssetConnection
        fields = [
            "id",
            "engagement",
            "source",
            "source_name",
            "target",
            "target_name",
            "port",
            "protocol",
            "connection_count",
            *PROVENANCE,
        ]
        read_only_fields = fields
