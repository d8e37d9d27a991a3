from rest_framework.routers import DefaultRouter

from .views import ApplicationViewSet, AssetViewSet, ConnectionViewSet, DependencyViewSet

router = DefaultRouter()
router.register("assets", AssetViewSet, basename="asset")
router.register("applications", ApplicationViewSet, basename="application")
router.register("dependencies", DependencyViewSet, basename="dependency")
router.register("connections", ConnectionViewSet, basename="connection")
urlpatterns = router.urls
