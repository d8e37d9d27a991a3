from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from tenants import selectors, services
from tenants.middleware import current_client
from tenants.models import Membership
from tenants.roles import Role

from .serializers import MembershipSerializer, MeSerializer


class MeView(APIView):
    """The signed-in user, their role in this client and all their memberships."""

    @extend_schema(responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(request.user, context={"request": request}).data)


class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """People of this client; client admins change roles and remove people (invite on the People page)."""

    serializer_class = MembershipSerializer
    write_role = Role.CLIENT_ADMIN

    def get_queryset(self) -> QuerySet[Membership]:
        return selectors.memberships_for_client(client=current_client(self.request)).select_related("client")  # type: ignore[arg-type]

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        try:
            services.membership_change_role(membership=serializer.instance, role=serializer.validated_data["role"])  # type: ignore[arg-type]
        except ValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error

    def perform_destroy(self, instance: Membership) -> None:
        try:
            services.membership_remove(membership=instance)
        except ValidationError as error:
            raise serializers.ValidationError({"detail": error.messages}) from error
