from __future__ import annotations

from rest_framework import serializers

from ai.models import LLMCall


class LLMCallSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = LLMCall
        fields = [
            "id",
            "created_at",
            "engagement_id",
            "flow_id",
            "phase",
            "job",
            "model",
            "prompt_tokens",
            "completion_tokens",
            "latency_ms",
            "outcome",
            "error",
            "prompt_hash",
        ]
        read_only_fields = fields


class UsageTotalsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    calls = serializers.IntegerField()
    prompt_tokens = serializers.IntegerField()
    completion_tokens = serializers.IntegerField()
    total_tokens = serializers.IntegerField()
    average_latency_ms = serializers.IntegerField()
    cache_hits = serializers.IntegerField()
    cache_hit_rate = serializers.FloatField()
    failures = serializers.IntegerField()
