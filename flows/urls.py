from django.urls import path

from . import views

app_name = "flows"

urlpatterns = [
    path("flows/", views.flow_list_view, name="list"),
    path("flows/<int:pk>/", views.flow_detail_view, name="detail"),
    path("flows/<int:pk>/controls/", views.flow_controls_view, name="controls"),
    path("flows/<int:pk>/pause/", views.flow_action_view, {"action": "pause"}, name="pause"),
    path("flows/<int:pk>/resume/", views.flow_action_view, {"action": "resume"}, name="resume"),
    path("flows/<int:pk>/cancel/", views.flow_action_view, {"action": "cancel"}, name="cancel"),
    path("flows/<int:pk>/retry/", views.flow_action_view, {"action": "retry"}, name="retry"),
    path("flows/<int:pk>/approve/", views.gate_approve_view, name="approve"),
    path("engagements/<int:engagement_pk>/flows/", views.engagement_flows_view, name="engagement"),
    path("engagements/<int:engagement_pk>/flows/start/", views.flow_start_view, name="start"),
]
