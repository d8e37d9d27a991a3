from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.import_list_view, name="list"),
    path("upload/", views.import_upload_view, name="upload"),
    path("<int:pk>/", views.import_detail_view, name="detail"),
    path("<int:pk>/mapping/", views.mapping_view, name="mapping"),
    path("<int:pk>/errors/", views.errors_view, name="errors"),
    path("<int:pk>/errors/file/", views.errors_file_view, name="errors_file"),
    path("<int:pk>/rerun/", views.import_rerun_view, name="rerun"),
]
