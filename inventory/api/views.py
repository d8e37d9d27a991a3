from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response

from engagements.models import Engagement
from inventory import selectors, services
from inventory.models import Application, ApplicationDependency, Asset, AssetConnection
from inventory.views import export_response

from .pagination import CappedPageNumberPagination
from .serializers import (
    ApplicationSerializer,
    AssetSerializer,
    ConnectionSerializer,
    DependencySerializer,
    with_server_ids,
)

ENGAGEMENT = OpenApiParameter("engagement", int, description="the engagement's id (required for lists)")
Link = TypeVar("Link", ApplicationDependency, AssetConnection)
EXPORT_PARAMETERS = [
    ENGAGEMENT,
    OpenApiParameter("format", str, enum=["json", "csv", "xlsx"], description="default json"),
]


class ExportNegotiation(DefaultContentNegotiation):
    """`?format=` names the export's file format here, not a DRF renderer."""

    def select_renderer(self, request: Request, renderers: Any, format_suffix: str | None = None) -> Any:
        return (renderers[0], renderers[0].media_type)


def _export(request: Request, kind: str) -> HttpResponseBase:
    return export_response(request._request, _engagement(request), kind, request.query_params.get("format", "json"))


def as_drf_error(error: ValidationError) -> drf_serializers.ValidationError:
    return drf_serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


def _flag(request: Request, name: str) -> bool:
    return request.query_params.get(name, "").lower() in {"1", "true", "yes", "on"}


def _int(request: Request, name: str) -> int | None:
    value = request.query_params.get(name, "")
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise drf_serializers.ValidationError({name: f"'{value}' is not a whole number."}) from None


def _engagement(request: Request) -> Engagement:
    engagement_id = _int(request, "engagement")
    if engagement_id is None:
        raise drf_serializers.ValidationError({"engagement": "Give ?engagement=<id>."})
    return get_object_or_404(Engagement, pk=engagement_id)


class ExportMixin:
    """GET …/export/?engagement=<id>&format=json|csv|xlsx: the engagement's rows of this kind as a file."""

    export_kind: str

    @extend_schema(parameters=EXPORT_PARAMETERS, responses={(200, "application/octet-stream"): bytes})
    @action(detail=False, methods=["get"], content_negotiation_class=ExportNegotiation)
    def export(self, request: Request) -> HttpResponseBase:
        return _export(request, self.export_kind)


# An engagement's assets or applications (a comment, not a docstring, which the API schema would show): list,
# read, PATCH canonical fields (through `edit`, a service), DELETE marks the row deleted and POST …/restore/
# brings it back (analysts and above), export.
class RecordViewSet(
    ExportMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    http_method_names = ["get", "patch", "delete", "post", "head", "options"]

    def edit(self, record: Any, changes: dict[str, Any], user: Any) -> None:
        raise NotImplementedError

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        record = self.get_object()
        if not isinstance(request.data, dict):
            raise drf_serializers.ValidationError({"detail": "Send an object of canonical fields."})
        try:
            self.edit(record, dict(request.data), request.user)
        except ValidationError as error:
            raise as_drf_error(error) from error
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data)

    def destroy(self, request: Request, *args: object, **kwargs: object) -> Response:
        services.record_deleted_set(record=self.get_object(), deleted=True, user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        record = self.get_object()
        services.record_deleted_set(record=record, deleted=False, user=request.user)  # type: ignore[arg-type]
        return Response(self.get_serializer(record).data)


@extend_schema(parameters=[ENGAGEMENT])
class AssetViewSet(RecordViewSet):
    """Assets of an engagement: `?engagement=<id>` with the table's filters (search, asset_type, environment,
    os_family, application, quality_min, quality_max, deleted, ordering). PATCH edits canonical fields."""

    serializer_class = AssetSerializer
    pagination_class = CappedPageNumberPagination
    export_kind = "assets"

    def get_queryset(self) -> QuerySet[Asset]:
        if self.action == "list":
            return selectors.asset_list(
                engagement=_engagement(self.request),
                search=self.request.query_params.get("search", ""),
                asset_type=self.request.query_params.get("asset_type", ""),
                environment=self.request.query_params.get("environment", ""),
                os_family=self.request.query_params.get("os_family", ""),
                application_id=_int(self.request, "application"),
                quality_min=_int(self.request, "quality_min"),
                quality_max=_int(self.request, "quality_max"),
                include_deleted=_flag(self.request, "deleted"),
                sort=self.request.query_params.get("ordering", "name"),
            )
        return Asset.objects.prefetch_related("applications")

    def edit(self, record: Asset, changes: dict[str, Any], user: Any) -> None:
        services.asset_update(asset=record, changes=changes, user=user)


@extend_schema(parameters=[ENGAGEMENT])
class ApplicationViewSet(RecordViewSet):
    """Applications of an engagement (`?engagement=<id>`, search, app_type, business_criticality, lifecycle,
    deleted, ordering). PATCH edits canonical fields."""

    serializer_class = ApplicationSerializer
    export_kind = "applications"

    def get_queryset(self) -> QuerySet[Application]:
        if self.action == "list":
            queryset = selectors.application_list(
                engagement=_engagement(self.request),
                search=self.request.query_params.get("search", ""),
                app_type=self.request.query_params.get("app_type", ""),
                business_criticality=self.request.query_params.get("business_criticality", ""),
                lifecycle=self.request.query_params.get("lifecycle", ""),
                include_deleted=_flag(self.request, "deleted"),
                sort=self.request.query_params.get("ordering", "name"),
            )
            return with_server_ids(queryset)
        return with_server_ids(Application.objects.all())

    def edit(self, record: Application, changes: dict[str, Any], user: Any) -> None:
        services.application_update(application=record, changes=changes, user=user)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def graph(self, request: Request, pk: str | None = None) -> Response:
        return Response(selectors.application_graph(application=self.get_object()))


def _links(view: viewsets.GenericViewSet, select: Callable[..., QuerySet[Link]], end: str) -> QuerySet[Link]:  # type: ignore[type-arg]
    """Links between two rows, by `select`: a list is an engagement's (`?engagement=<id>`), kept to the links
    with one row at either end when `?<end>=<id>` names it; one link is found among all."""
    if view.action == "list":
        return select(engagement=_engagement(view.request), **{f"{end}_id": _int(view.request, end)})
    return select()


@extend_schema(parameters=[ENGAGEMENT, OpenApiParameter("application", int)])
class DependencyViewSet(ExportMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Dependencies between applications of an engagement (`?engagement=<id>`, `?application=<id>` either end)."""

    serializer_class = DependencySerializer
    export_kind = "dependencies"

    def get_queryset(self) -> QuerySet[ApplicationDependency]:
        return _links(self, selectors.dependency_list, "application")


@extend_schema(parameters=[ENGAGEMENT, OpenApiParameter("asset", int)])
class ConnectionViewSet(viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Network connections between assets of an engagement (`?engagement=<id>`, `?asset=<id>` either end)."""

    serializer_class = ConnectionSerializer

    def get_queryset(self) -> QuerySet[AssetConnection]:
        return _links(self, selectors.connection_list, "asset")
