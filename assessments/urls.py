from django.urls import path

from . import views

app_name = "assessments"

urlpatterns = [
    path("", views.portfolio_view, name="portfolio"),
    path("start/", views.start_view, name="start"),
    path("approve/", views.approve_view, name="approve"),
    path("approval/", views.approval_view, name="approval"),
    path("applications/<int:pk>/", views.application_view, name="application"),
    path("applications/<int:pk>/review/", views.review_view, name="review"),
    path("standards/", views.standards_view, name="standards"),
    path("standards/<int:pk>/", views.standard_update_view, name="standard"),
    path("waves/", views.waves_view, name="waves"),
    path("waves/move/", views.wave_move_view, name="wave_move"),
    path("waves/plan/", views.waves_plan_view, name="waves_plan"),
    path("report/", views.report_view, name="report"),
    path("report.xlsx", views.report_xlsx_view, name="report_xlsx"),
]
