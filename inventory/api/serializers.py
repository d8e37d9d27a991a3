from __future__ import annotations

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import OuterRef, QuerySet, Subquery
from rest_framework import serializers

from inventory.fields import APPLICATION_FIELDS, ASSET_FIELDS
from inventory.models import Application, ApplicationAsset, ApplicationDependency, Asset, AssetConnection

PROVENANCE = ["source_import_id", "source_row", "source_format"]
# What every asset and application ends with: where it came from, whether it is deleted, when it changed.
RECORD_TAIL = [*PROVENANCE, "deleted", "deleted_at", "created_at", "updated_at"]


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
            *RECORD_TAIL,
        ]
        read_only_fields = fields


def with_server_ids(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Each application's linked asset ids as one array the database builds for the page's rows only: never the
    linked assets' rows, nor a model instance per link (250 servers an application cost 300 ms a page)."""
    ids = (
        ApplicationAsset.objects.filter(application=OuterRef("pk"))
        .order_by()
        .values("application")
        .annotate(ids=ArrayAgg("asset_id", order_by="asset_id"))
        .values("ids")
    )
    return queryset.annotate(server_id_list=Subquery(ids))


class ApplicationSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    server_ids = serializers.SerializerMethodField()
    deleted = serializers.BooleanField(source="is_deleted", read_only=True)

    def get_server_ids(self, application: Application) -> list[int]:
        """The linked assets' ids (views annotate them with `with_server_ids`)."""
        annotated = getattr(application, "server_id_list", None)
        if annotated is not None or hasattr(application, "server_id_list"):
            return list(annotated or [])
        return list(application.asset_links.order_by("asset_id").values_list("asset_id", flat=True))

    class Meta:
        model = Application
        fields = [
            "id",
            "engagement",
            *APPLICATION_FIELDS,
            "custom_attributes",
            "server_ids",
            *RECORD_TAIL,
        ]
        read_only_fields = fields


# A link between two rows: its source and target, each with its name. Subclasses name the model and add the
# link's own fields to ENDS. (A comment, not a docstring: the API schema would show a docstring on both.)
class LinkSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    ENDS = ["id", "engagement", "source", "source_name", "target", "target_name"]

    source_name = serializers.CharField(source="source.name", read_only=True)
    target_name = serializers.CharField(source="target.name", read_only=True)


class DependencySerializer(LinkSerializer):
    class Meta:
        model = ApplicationDependency
        fields = [*LinkSerializer.ENDS, "direction", "kind", "description", *PROVENANCE]
        read_only_fields = fields


class ConnectionSerializer(LinkSerializer):
    class Meta:
        model = AssetConnection
        fields = [*LinkSerializer.ENDS, "port", "protocol", "connection_count", *PROVENANCE]
        read_only_fields = fields
