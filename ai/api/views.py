from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from ai import selectors
from ai.models import LLMCall, Outcome
from engagements.models import Engagement

from .serializers import LLMCallSerializer, UsageTotalsSerializer


def _int_param(request: Request, name: str) -> int | None:
    value = request.query_params.get(name, "")
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise Http404(f"{name} must be an id") from None


@extend_schema(
    parameters=[
        OpenApiParameter("engagement", int, description="The engagement's id"),
        OpenApiParameter("flow", int, description="Only this flow's calls"),
        OpenApiParameter("phase", str, description="Only this phase's calls"),
        OpenApiParameter("outcome", str, enum=Outcome.values, description="Only calls with this outcome"),
        OpenApiParameter("ordering", str, description="created_at, latency_ms, prompt_tokens, ... (- for descending)"),
    ]
)
class LLMCallListView(generics.ListAPIView):  # type: ignore[type-arg]
    """LLM calls of the host's client, newest first, with `totals` over the same engagement, flow and phase.

    The totals ignore `outcome`, so the cache hit rate and failures stay those of the whole selection.
    """

    serializer_class = LLMCallSerializer

    def _scope(self) -> dict[str, Any]:
        engagement_id = _int_param(self.request, "engagement")
        if engagement_id is not None and not Engagement.objects.filter(pk=engagement_id).exists():
            raise Http404("No such engagement")
        return {
            "engagement_id": engagement_id,
            "flow_id": _int_param(self.request, "flow"),
            "phase": self.request.query_params.get("phase", ""),
        }

    def get_queryset(self) -> QuerySet[LLMCall]:
        return selectors.llm_call_list(
            **self._scope(),
            outcome=self.request.query_params.get("outcome", ""),
            sort=self.request.query_params.get("ordering", "-created_at"),
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        totals = selectors.llm_call_totals(calls=selectors.llm_call_list(**self._scope()))
        response.data["totals"] = UsageTotalsSerializer(totals).data  # type: ignore[index]
        return response
