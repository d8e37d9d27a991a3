from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from flows import selectors, services
from flows.models import Flow
from tenants.roles import Role, role_at_least

from .serializers import (
    FlowDetailSerializer,
    FlowSerializer,
    FlowStartSerializer,
    GateApproveSerializer,
    PhaseRetrySerializer,
)


def _drf_error(error: ValidationError) -> drf_serializers.ValidationError:
    return drf_serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class FlowViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Flows of the host's client. Analysts and above start and steer them; a gate says who may approve it."""

    serializer_class = FlowSerializer
    read_role = Role.VIEWER
    write_role = Role.ANALYST

    def get_queryset(self) -> QuerySet[Flow]:
        params = self.request.query_params
        engagement = params.get("engagement", "")
        return selectors.flow_list(
            flow_type=params.get("type", ""),
            status=params.get("status", ""),
            engagement_id=int(engagement) if engagement.isdigit() else None,
            sort=params.get("ordering", "-created_at"),
        )

    def _detail(self, pk: int, *, code: int = status.HTTP_200_OK) -> Response:
        page = selectors.flow_page(pk=pk)
        if page is None:
            raise Http404("Not found")
        context = {**self.get_serializer_context(), "phases": page.phases, "events": page.events}
        return Response(FlowDetailSerializer(page.flow, context=context).data, status=code)

    @extend_schema(
        parameters=[
            OpenApiParameter("type", str, description="discovery, assessment or planning"),
            OpenApiParameter("status", str),
            OpenApiParameter("engagement", int),
            OpenApiParameter("ordering", str, description="created_at, status, type, progress; '-' reverses"),
        ]
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=FlowDetailSerializer)
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(int(kwargs["pk"]))

    @extend_schema(request=FlowStartSerializer, responses={201: FlowDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = FlowStartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            flow = services.flow_start(
                engagement=data["engagement"],
                flow_type=data["type"],
                user=request.user,  # type: ignore[arg-type]
                flow_input=data.get("input") or {},
            )
        except ValidationError as error:
            raise _drf_error(error) from error
        return self._detail(flow.pk, code=status.HTTP_201_CREATED)

    def _act(self, pk: str | None, act: Callable[[Flow], Flow]) -> Response:
        flow = self.get_object()
        try:
            act(flow)
        except services.FlowStateError as error:
            return Response({"detail": " ".join(error.messages)}, status=status.HTTP_409_CONFLICT)
        except ValidationError as error:
            raise _drf_error(error) from error
        return self._detail(flow.pk)

    def _user(self) -> User:
        return self.request.user  # type: ignore[return-value]

    @extend_schema(request=None, responses=FlowDetailSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk: str | None = None) -> Response:
        return self._act(pk, lambda flow: services.flow_pause(flow=flow, user=self._user()))

    @extend_schema(request=None, responses=FlowDetailSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str | None = None) -> Response:
        return self._act(pk, lambda flow: services.flow_resume(flow=flow, user=self._user()))

    @extend_schema(request=None, responses=FlowDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._act(pk, lambda flow: services.flow_cancel(flow=flow, user=self._user()))

    @extend_schema(request=PhaseRetrySerializer, responses=FlowDetailSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str | None = None) -> Response:
        serializer = PhaseRetrySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        phase = serializer.validated_data["phase"]
        return self._act(pk, lambda flow: services.phase_retry(flow=flow, user=self._user(), phase=phase))

    @extend_schema(request=GateApproveSerializer, responses=FlowDetailSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        """Pass the gate the flow waits at; the gate decides who may (DESIGN.md: mapping analyst, 6R manager)."""
        flow = self.get_object()
        page = selectors.flow_page(pk=flow.pk)
        assert page is not None
        needed = selectors.approve_role(page=page)
        if not role_at_least(getattr(request, "role", None), needed):
            raise PermissionDenied(f"This decision needs the {Role(needed).label.lower()} role or higher.")
        serializer = GateApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return self._act(
            pk,
            lambda flow: services.gate_approve(
                flow=flow, user=self._user(), decision=data.get("decision"), comment=data.get("comment", "")
            ),
        )
