from django.urls import path

from .views import LLMCallListView

urlpatterns = [
    path("ai/calls/", LLMCallListView.as_view(), name="api-ai-calls"),
]
