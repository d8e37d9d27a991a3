"""The assessment's REST API (/api/v1/): assessments, decisions and reviews, standards, server assessments, tech
debt, waves, the export and the change history. Viewers read; analysts start assessments, review decisions, edit
standards and plan or move waves; the engagement manager (or a client admin) approves the portfolio. Another
client's ids answer 404 (they do not exist in this client's schema; outsiders are refused by the permission)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments import selectors, services
from assessments.exporters import XLSX_CONTENT_TYPE, filename_for
from assessments.models import ArchitectureStandard, Assessment, ServerAssessment, SixRDecision, TechDebtItem
from engagements.api.params import engagement_from_query
from engagements.models import Engagement
from inventory.models import Application
from tenants.roles import Role, role_at_least

from .serializers import (
    ApproveSerializer,
    AssessmentSerializer,
    AssessmentStartSerializer,
    ChangeRecordSerializer,
    DecisionSerializer,
    ReviewSerializer,
    ServerAssessmentSerializer,
    StandardSerializer,
    StandardUpdateSerializer,
    TechDebtSerializer,
    WaveMoveSerializer,
    WavePlanSerializer,
)

ENGAGEMENT = OpenApiParameter("engagement", int, description="the engagement's id (required for lists)")


def _drf_error(error: ValidationError) -> drf_serializers.ValidationError:
    return drf_serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


def _engagement(request: Request, engagement_id: int | None = None) -> Engagement:
    if engagement_id is None:
        return engagement_from_query(request)
    return get_object_or_404(Engagement, pk=engagement_id)


def _require(request: Request, role: str, what: str) -> None:
    if not role_at_least(getattr(request, "role", None), role):
        raise PermissionDenied(f"{what} needs the {Role(role).label.lower()} role or higher.")


@extend_schema(parameters=[ENGAGEMENT])
class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Assessments of an engagement: list (`?engagement=<id>`), start (POST `{"engagement", "application_ids"?}`),
    detail, and approve (POST `{"comment"}`, the engagement manager) when the flow waits at the review gate."""

    serializer_class = AssessmentSerializer

    def get_queryset(self) -> QuerySet[Assessment]:
        if self.action == "list":
            return selectors.assessment_list(engagement=_engagement(self.request))
        return Assessment.objects.select_related("flow", "engagement")

    @extend_schema(request=AssessmentStartSerializer, responses={201: AssessmentSerializer})
    def create(self, request: Request) -> Response:
        body = AssessmentStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        engagement = _engagement(request, body.validated_data["engagement"])
        try:
            flow = services.assessment_start(
                engagement=engagement,
                user=request.user,  # type: ignore[arg-type]
                application_ids=body.validated_data.get("application_ids"),
            )
        except ValidationError as error:
            raise _drf_error(error) from error
        assessment = Assessment.objects.select_related("flow").get(flow=flow)
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ApproveSerializer, responses={200: AssessmentSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        _require(request, Role.ENGAGEMENT_MANAGER, "Approving the portfolio")
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.portfolio_approve(
                assessment=assessment,
                user=request.user,  # type: ignore[arg-type]
                comment=body.validated_data["comment"],
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        except ValidationError as error:
            raise _drf_error(error) from error
        assessment.refresh_from_db()
        return Response(AssessmentSerializer(assessment).data)


DECISION_FILTERS = [
    ENGAGEMENT,
    OpenApiParameter("strategy", str),
    OpenApiParameter("effort", str),
    OpenApiParameter("criticality", str),
    OpenApiParameter("readiness", str),
    OpenApiParameter("review", str, enum=["accepted", "overridden", "pending"]),
    OpenApiParameter("q", str, description="text in the application's name"),
    OpenApiParameter("sort", str, description=f"one of {', '.join(selectors.PORTFOLIO_SORTS)}; -key descending"),
]


@extend_schema(parameters=DECISION_FILTERS)
class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """6R decisions (`?engagement=<id>` with filters and sort), detail, and review (POST or PATCH `{"status":
    "accepted" | "overridden", "strategy", "comment"}`, analysts and above)."""

    serializer_class = DecisionSerializer

    def get_queryset(self) -> QuerySet[SixRDecision]:
        if self.action == "list":
            params = self.request.query_params
            filters = selectors.PortfolioFilters(
                strategy=params.get("strategy", ""),
                effort=params.get("effort", ""),
                criticality=params.get("criticality", ""),
                readiness=params.get("readiness", ""),
                review=params.get("review", ""),
                q=params.get("q", ""),
            )
            return selectors.decision_list(
                engagement=_engagement(self.request), filters=filters, sort=params.get("sort", "name")
            )
        return SixRDecision.objects.select_related("application", "application__decision_review", "engagement")

    def get_object(self) -> SixRDecision:
        decision = super().get_object()
        found = selectors.decision_get(engagement=decision.engagement, pk=decision.pk)  # with the annotations
        assert found is not None
        return found

    @extend_schema(request=ReviewSerializer, responses={200: DecisionSerializer})
    @action(detail=True, methods=["post", "patch"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        decision = self.get_object()
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.decision_review(
                application=decision.application,
                user=request.user,  # type: ignore[arg-type]
                status=body.validated_data["status"],
                strategy=body.validated_data.get("strategy"),
                comment=body.validated_data["comment"],
            )
        except ValidationError as error:
            raise _drf_error(error) from error
        return Response(DecisionSerializer(self.get_object()).data)


@extend_schema(parameters=[ENGAGEMENT])
class StandardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Architecture standards of an engagement (`?engagement=<id>`, the defaults are created on first read);
    PATCH `{"minimum_version", "recommended_version"}` (analysts and above)."""

    serializer_class = StandardSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[ArchitectureStandard]:
        if self.action == "list":
            engagement = _engagement(self.request)
            services.standards_ensure(engagement=engagement)
            return ArchitectureStandard.objects.filter(engagement=engagement).order_by("category", "label")
        return ArchitectureStandard.objects.select_related("engagement")

    @extend_schema(request=StandardUpdateSerializer, responses={200: StandardSerializer})
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        standard = self.get_object()
        body = StandardUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            standard = services.standard_update(
                standard=standard,
                user=request.user,  # type: ignore[arg-type]
                minimum_version=body.validated_data["minimum_version"],
                recommended_version=body.validated_data["recommended_version"],
            )
        except ValidationError as error:
            raise _drf_error(error) from error
        return Response(StandardSerializer(standard).data)


@extend_schema(parameters=[ENGAGEMENT, OpenApiParameter("readiness", str)])
class ServerAssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Readiness and sizing of each server (`?engagement=<id>`, optional `readiness`)."""

    serializer_class = ServerAssessmentSerializer

    def get_queryset(self) -> QuerySet[ServerAssessment]:
        if self.action == "list":
            return selectors.server_assessment_list(
                engagement=_engagement(self.request), readiness=self.request.query_params.get("readiness", "")
            )
        return ServerAssessment.objects.select_related("asset")


@extend_schema(
    parameters=[
        ENGAGEMENT,
        OpenApiParameter("application", int),
        OpenApiParameter("category", str),
        OpenApiParameter("status", str),
    ]
)
class TechDebtViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Technical debt items (`?engagement=<id>`, optional `application`, `category`, `status`)."""

    serializer_class = TechDebtSerializer

    def get_queryset(self) -> QuerySet[TechDebtItem]:
        if self.action == "list":
            engagement = _engagement(self.request)
            params = self.request.query_params
            application = None
            if params.get("application", "").isdigit():
                application = get_object_or_404(Application, pk=int(params["application"]), engagement=engagement)
            return selectors.tech_debt_list(
                engagement=engagement,
                application=application,
                category=params.get("category", ""),
                status=params.get("status", ""),
            )
        return TechDebtItem.objects.select_related("application", "asset")


def _wave_payload(engagement: Engagement) -> list[dict[str, Any]]:
    return [
        {
            "number": view.wave.number,
            "name": view.wave.name,
            "start": view.wave.start,
            "end": view.wave.end,
            "is_pilot": view.wave.is_pilot,
            "servers": view.servers,
            "applications": view.applications,
        }
        for view in selectors.waves_with_applications(engagement=engagement)
    ]


class WaveViewSet(viewsets.ViewSet):
    """Waves of an engagement with their applications (`?engagement=<id>`); plan (POST `{"engagement",
    "max_servers_per_wave"?, "wave_weeks"?, "start_date"?, "pilot_max_apps"?}`) and move (POST `{"application",
    "wave_number", "comment"?}`, answers the broken dependencies), analysts and above."""

    @extend_schema(parameters=[ENGAGEMENT], responses={200: OpenApiTypes.OBJECT})
    def list(self, request: Request) -> Response:
        engagement = _engagement(request)
        return Response(
            {"waves": _wave_payload(engagement), "warnings": services.wave_dependency_warnings(engagement=engagement)}
        )

    @extend_schema(request=WavePlanSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def plan(self, request: Request) -> Response:
        body = WavePlanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        engagement = _engagement(request, data.pop("engagement"))
        user: Any = request.user
        try:
            services.wave_settings_update(engagement=engagement, user=user, **data)
            result = services.waves_plan(engagement=engagement, user=user)
        except ValidationError as error:
            raise _drf_error(error) from error
        return Response({"waves": _wave_payload(engagement), "warnings": result.warnings})

    @extend_schema(request=WaveMoveSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def move(self, request: Request) -> Response:
        body = WaveMoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        application = get_object_or_404(Application, pk=body.validated_data["application"], deleted_at__isnull=True)
        try:
            warnings = services.wave_move(
                application=application,
                wave_number=body.validated_data["wave_number"],
                user=request.user,  # type: ignore[arg-type]
                comment=body.validated_data["comment"],
            )
        except ValidationError as error:
            raise _drf_error(error) from error
        return Response(
            {"application": application.pk, "wave_number": body.validated_data["wave_number"], "warnings": warnings}
        )


class ExportNegotiation(DefaultContentNegotiation):
    """`?format=` names the export's file format here, not a DRF renderer."""

    def select_renderer(self, request: Request, renderers: Any, format_suffix: str | None = None) -> Any:
        return (renderers[0], renderers[0].media_type)


class AssessmentExportView(APIView):
    """The assessment export (`?engagement=<id>&format=json|xlsx`): JSON as application-fields.md says."""

    content_negotiation_class = ExportNegotiation

    @extend_schema(
        parameters=[ENGAGEMENT, OpenApiParameter("format", str, enum=["json", "xlsx"])],
        responses={(200, "application/octet-stream"): bytes},
    )
    def get(self, request: Request) -> HttpResponse:
        engagement = _engagement(request)
        fmt = request.query_params.get("format", "json")
        if fmt not in ("json", "xlsx"):
            raise drf_serializers.ValidationError({"format": f"'{fmt}' is not json or xlsx."})
        if fmt == "json":
            body = json.dumps(services.assessment_export_json(engagement=engagement), default=str)
            response = HttpResponse(body, content_type="application/json")
        else:
            response = HttpResponse(
                services.assessment_export_xlsx(engagement=engagement), content_type=XLSX_CONTENT_TYPE
            )
        response["Content-Disposition"] = f'attachment; filename="{filename_for(engagement, fmt)}"'
        return response


@extend_schema(parameters=[ENGAGEMENT, OpenApiParameter("object_type", str), OpenApiParameter("object_id", int)])
class ChangeRecordViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Who changed what in the assessment (`?engagement=<id>`, optional `object_type` and `object_id`)."""

    serializer_class = ChangeRecordSerializer

    def get_queryset(self) -> QuerySet[Any]:
        params = self.request.query_params
        object_id = params.get("object_id", "")
        return selectors.change_list(
            engagement=_engagement(self.request),
            object_type=params.get("object_type", ""),
            object_id=int(object_id) if object_id.isdigit() else None,
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page or [])
        emails = selectors.users_by_id({row.user_id for row in rows})
        data = ChangeRecordSerializer(rows, many=True, context={"emails": emails}).data
        return self.get_paginated_response(data)
