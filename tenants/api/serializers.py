from __future__ import annotations

from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from accounts.models import User
from tenants.models import Membership
from tenants.roles import Role


class MembershipSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    email = serializers.EmailField(source="user.email", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    client = serializers.CharField(source="client.schema_name", read_only=True)
    client_name = serializers.CharField(source="client.name", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["id", "email", "full_name", "client", "client_name", "role", "created_at"]
        read_only_fields = ["id", "created_at"]


class MeSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    role = serializers.SerializerMethodField()
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "is_superuser", "role", "memberships"]

    def get_role(self, user: User) -> str | None:
        return getattr(self.context["request"], "role", None)

    @extend_schema_field(
        inline_serializer(
            "MeMembership",
            {
                "client": serializers.CharField(),
                "client_name": serializers.CharField(),
                "role": serializers.CharField(),
            },
            many=True,
        )
    )
    def get_memberships(self, user: User) -> list[dict[str, object]]:
        return [
            {"client": m.client.schema_name, "client_name": m.client.name, "role": m.role}
            for m in user.memberships.select_related("client").order_by("client__name")
        ]
