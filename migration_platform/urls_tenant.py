"""URLs of a client's host (acme.localhost)."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from migration_platform.health import health_view
from migration_platform.views import swagger_ui_view, tenant_home_view
from tenants import views as tenant_views
from tenants.api.views import MembershipViewSet, MeView

api_router = DefaultRouter()
api_router.register("memberships", MembershipViewSet, basename="membership")

api_v1: list[URLPattern | URLResolver] = [
    path("me/", MeView.as_view(), name="api-me"),
    path("", include("engagements.api.urls")),
    path("", include("ai.api.urls")),
    path("", include("flows.api.urls")),
    path("", include("inventory.api.urls")),
    path("", include("imports.api.urls")),
    path("", include("assessments.api.urls")),
    path("", include(api_router.urls)),
]

urlpatterns = [
    path("", tenant_home_view, name="home"),
    path("accounts/", include("accounts.urls")),
    path("engagements/", include("engagements.urls")),
    path("engagements/<int:engagement_pk>/inventory/", include("inventory.urls")),
    path("engagements/<int:engagement_pk>/imports/", include("imports.urls")),
    path("engagements/<int:engagement_pk>/assessment/", include("assessments.urls")),
    path("", include("ai.urls")),
    path("", include("flows.urls")),
    path("people/", tenant_views.people_view, name="people"),
    path("people/<int:pk>/role/", tenant_views.membership_role_view, name="membership_role"),
    path("people/<int:pk>/remove/", tenant_views.membership_remove_view, name="membership_remove"),
    path("people/invitations/<int:pk>/revoke/", tenant_views.invitation_revoke_view, name="invitation_revoke"),
    path("invitations/<str:token>/", tenant_views.invitation_accept_view, name="invitation_accept"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", swagger_ui_view, name="api-docs"),
    path("admin/", admin.site.urls),
    path("health", health_view, name="health"),
]
