from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from engagements.models import Engagement
from migration_platform.pagination import paginate
from tenants.access import role_required
from tenants.roles import Role

from . import selectors
from .forms import UsageFilterForm


@role_required(Role.VIEWER)
def ai_usage_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The engagement's LLM calls with their totals; an HTMX request gets only the table."""
    engagement = get_object_or_404(Engagement, pk=pk)
    filters = UsageFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    sort = data.get("sort") or "-created_at"
    calls = selectors.llm_call_list(engagement_id=engagement.pk, outcome=data.get("outcome", ""), sort=sort)
    context = {
        "engagement": engagement,
        "section": "ai",
        "filters": filters,
        "page": paginate(request, calls),
        "sort": sort,
        "query": request.GET.copy(),
        "filtered": bool(data.get("outcome")),
        "totals": selectors.llm_call_totals(calls=selectors.llm_call_list(engagement_id=engagement.pk)),
        "ai_mode": selectors.ai_mode(),
    }
    template = "ai/usage.html#table" if request.htmx else "ai/usage.html"  # type: ignore[attr-defined]
    return render(request, template, context)
