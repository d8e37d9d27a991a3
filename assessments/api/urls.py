from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import (
    AssessmentExportView,
    AssessmentViewSet,
    ChangeRecordViewSet,
    DecisionViewSet,
    ServerAssessmentViewSet,
    StandardViewSet,
    TechDebtViewSet,
    WaveViewSet,
)

router = DefaultRouter()
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("standards", StandardViewSet, basename="standard")
router.register("server-assessments", ServerAssessmentViewSet, basename="server-assessment")
router.register("tech-debt", TechDebtViewSet, basename="tech-debt")
router.register("waves", WaveViewSet, basename="wave")
router.register("assessment-changes", ChangeRecordViewSet, basename="assessment-change")
urlpatterns = [
    path("assessment-export/", AssessmentExportView.as_view(), name="assessment-export"),
    *router.urls,
]
