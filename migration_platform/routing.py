from django.urls import path

from engagements.consumers import EngagementConsumer

websocket_urlpatterns = [
    path("ws/engagements/<int:pk>/", EngagementConsumer.as_asgi()),
]
