"""What list endpoints of every app read from the query string: the engagement they list (`?engagement=<id>`)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from rest_framework import serializers
from rest_framework.request import Request

from engagements.models import Engagement


def engagement_from_query(request: Request) -> Engagement:
    """The engagement `?engagement=<id>` names in the current client's schema: a 400 without it, 404 if absent."""
    raw = request.query_params.get("engagement", "")
    if not raw.isdigit():
        raise serializers.ValidationError({"engagement": "Give ?engagement=<id>."})
    return get_object_or_404(Engagement, pk=int(raw))
