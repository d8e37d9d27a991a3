from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tenants.access import role_required


@role_required()
def tenant_home_view(request: HttpRequest) -> HttpResponse:
    return redirect("engagements:list")


def swagger_ui_view(request: HttpRequest) -> HttpResponse:
    """Swagger UI from vendored files; its initializer is a static script, so no inline script is needed."""
    return render(request, "api/swagger.html", {"schema_url": reverse("api-schema")})
