from django.urls import path

from . import views

app_name = "engagements"

urlpatterns = [
    path("", views.engagement_list_view, name="list"),
    path("new/", views.engagement_create_view, name="create"),
    path("<int:pk>/", views.engagement_detail_view, name="detail"),
    path("<int:pk>/edit/", views.engagement_edit_view, name="edit"),
    path("<int:pk>/archive/", views.engagement_archive_view, name="archive"),
]
