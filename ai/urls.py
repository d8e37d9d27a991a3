from django.urls import path

from . import views

app_name = "ai"

urlpatterns = [
    path("engagements/<int:pk>/ai/", views.ai_usage_view, name="usage"),
]
