from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from engagements.api.params import engagement_from_query
from engagements.models import Engagement
from imports import selectors, services
from imports.models import DataImport
from imports.views import errors_file_response
from tenants.roles import Role, role_at_least

from .serializers import ColumnMappingSerializer, DataImportSerializer, MappingUpdateSerializer, UploadSerializer

ENGAGEMENT = OpenApiParameter("engagement", int, description="the engagement's id (required for lists)")


def _drf_error(error: ValidationError) -> drf_serializers.ValidationError:
    return drf_serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class FileNegotiation(DefaultContentNegotiation):
    """`?format=` names the errors file's format here, not a DRF renderer."""

    def select_renderer(self, request: Request, renderers: Any, format_suffix: str | None = None) -> Any:
        return (renderers[0], renderers[0].media_type)


@extend_schema(parameters=[ENGAGEMENT])
class ImportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Imports of an engagement: list (`?engagement=<id>`), upload (multipart POST), status, mappings (GET, PATCH
    `{"mapping": {"SOURCE HEADER": "field" or null}}`), approve, errors (JSON) and errors-file (CSV or XLSX)."""

    serializer_class = DataImportSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self) -> QuerySet[DataImport]:
        if self.action == "list":
            return selectors.import_list(engagement=engagement_from_query(self.request))
        return DataImport.objects.select_related("flow", "engagement")

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: DataImportSerializer})
    def create(self, request: Request) -> Response:
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        engagement = get_object_or_404(Engagement, pk=data["engagement"])
        user: User = request.user  # type: ignore[assignment]
        try:
            data_import = services.import_start(
                engagement=engagement,
                source=data["file"],
                original_name=data["file"].name,
                user=user,
                kind=data["kind"],
                sheet=data["sheet"],
                on_duplicate=data["on_duplicate"],
                skip_invalid=data["skip_invalid"],
            )
        except ValidationError as error:
            raise _drf_error(error) from error
        return Response(DataImportSerializer(data_import).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MappingUpdateSerializer, responses={200: ColumnMappingSerializer(many=True)})
    @action(detail=True, methods=["get", "patch"])
    def mappings(self, request: Request, pk: str | None = None) -> Response:
        data_import = self.get_object()
        if request.method == "PATCH":
            body = MappingUpdateSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            mapping = {k: (v or None) for k, v in body.validated_data["mapping"].items()}
            try:
                services.mapping_save(data_import=data_import, user=request.user, mapping=mapping)  # type: ignore[arg-type]
            except ValidationError as error:
                raise _drf_error(error) from error
        columns = selectors.import_columns(data_import=data_import)
        return Response(ColumnMappingSerializer(columns, many=True).data)

    @extend_schema(request=MappingUpdateSerializer, responses={200: DataImportSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        data_import = self.get_object()
        if not role_at_least(getattr(request, "role", None), Role.ANALYST):
            raise drf_serializers.ValidationError("Approving a mapping needs the analyst role or higher.")
        mapping = None
        if request.data:
            body = MappingUpdateSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            mapping = {k: (v or None) for k, v in body.validated_data["mapping"].items()}
        try:
            data_import = services.mapping_approve(data_import=data_import, user=request.user, mapping=mapping)  # type: ignore[arg-type]
        except ValidationError as error:
            raise _drf_error(error) from error
        return Response(DataImportSerializer(data_import).data)

    @action(detail=True, methods=["get"])
    def errors(self, request: Request, pk: str | None = None) -> Response:
        data_import = self.get_object()
        rows = selectors.import_issues(
            data_import=data_import,
            level=request.query_params.get("level", ""),
            query=request.query_params.get("q", ""),
        )
        page = self.paginate_queryset(rows)  # type: ignore[arg-type]
        items = [
            {"row": r.row_number, "column": i.get("column"), "message": i.get("message"), "level": level}
            for r in (page if page is not None else rows)
            for level, issues in (("error", r.errors), ("warning", r.warnings))
            for i in issues or []
        ]
        return self.get_paginated_response(items)

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["csv", "xlsx"])],
        responses={(200, "application/octet-stream"): bytes},
    )
    @action(detail=True, methods=["get"], url_path="errors-file", content_negotiation_class=FileNegotiation)
    def errors_file(self, request: Request, pk: str | None = None) -> HttpResponseBase:
        return errors_file_response(self.get_object(), request.query_params.get("format", ""))
