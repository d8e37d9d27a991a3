from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("", views.asset_list_view, name="assets"),
    path("export/", views.export_view, name="export"),
    path("assets/<int:pk>/", views.asset_detail_view, name="asset"),
    path("assets/<int:pk>/fields/<str:name>/", views.asset_field_view, name="asset_field"),
    path("assets/<int:pk>/delete/", views.asset_delete_view, name="asset_delete"),
    path("applications/", views.application_list_view, name="applications"),
    path("applications/<int:pk>/", views.application_detail_view, name="application"),
    path("applications/<int:pk>/fields/<str:name>/", views.application_field_view, name="application_field"),
    path("applications/<int:pk>/delete/", views.application_delete_view, name="application_delete"),
    path("applications/<int:pk>/graph/", views.application_graph_view, name="application_graph"),
    path("applications/<int:pk>/graph.json", views.application_graph_json_view, name="application_graph_json"),
]
