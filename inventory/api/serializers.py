from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from rest_framework import serializers

from inventory.fields import APPLICATION_FIELDS, ASSET_FIELDS
from inventory.models import Application, ApplicationAsset, ApplicationDependency, Asset, AssetConnection

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


def with_server_ids(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Prefetch the application-asset links as bare ids: never the linked assets' full rows (an application
    of 250 servers would load 250 asset rows only to print their ids)."""
    links = ApplicationAsset.objects.only("application_id", "asset_id").order_by("asset_id")
    return queryset.prefetch_related(Prefetch("asset_links", queryset=links))


class ApplicationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    server_ids = serializers.SerializerMethodField()
    deleted = serializers.BooleanField(source="is_deleted", read_only=True)

    def get_server_ids(self, application: Application) -> list[int]:
        """The linked assets' ids, from the link rows alone (views prefetch them with `with_server_ids`)."""
        return [link.asset_id for link in application.asset_links.all()]

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
