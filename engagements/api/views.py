from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from engagements import selectors, services
from engagements.models import Engagement
from tenants.roles import Role

from .serializers import EngagementSerializer


def as_drf_error(error: ValidationError) -> drf_serializers.ValidationError:
    return drf_serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class EngagementViewSet(viewsets.ModelViewSet):  # type: ignore[type-arg]
    """Engagements of the host's client. Archived ones are listed with `?archived=true`."""

    serializer_class = EngagementSerializer
    write_role = Role.ENGAGEMENT_MANAGER

    def get_queryset(self) -> QuerySet[Engagement]:
        if self.action == "list":
            archived = self.request.query_params.get("archived", "").lower() in {"1", "true", "yes"}
            return selectors.engagement_list(
                archived=archived,
                search=self.request.query_params.get("search", ""),
                status=self.request.query_params.get("status", ""),
                sort=self.request.query_params.get("ordering", "name"),
            ).select_related("created_by")
        return Engagement.objects.select_related("created_by").all()

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        try:
            serializer.instance = services.engagement_create(created_by=self.request.user, **serializer.validated_data)  # type: ignore[arg-type]
        except ValidationError as error:
            raise as_drf_error(error) from error

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        try:
            services.engagement_update(engagement=serializer.instance, **serializer.validated_data)  # type: ignore[arg-type]
        except ValidationError as error:
            raise as_drf_error(error) from error

    def destroy(self, request: Request, *args: object, **kwargs: object) -> Response:
        """Engagements are archived, not deleted: DELETE archives."""
        services.engagement_archive(engagement=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str | None = None) -> Response:
        engagement = services.engagement_restore(engagement=self.get_object())
        return Response(EngagementSerializer(engagement).data)
