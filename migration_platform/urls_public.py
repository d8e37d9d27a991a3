"""URLs of the public site (localhost): sign-in, the user's clients, the admin, health."""

from django.contrib import admin
from django.urls import include, path

from migration_platform.health import health_view
from tenants import views as tenant_views

urlpatterns = [
    path("", tenant_views.client_list_view, name="home"),
    path("clients/<str:slug>/open/", tenant_views.client_open_view, name="client_open"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("health", health_view, name="health"),
]
