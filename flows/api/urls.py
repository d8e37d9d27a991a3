from rest_framework.routers import DefaultRouter

from .views import FlowViewSet

router = DefaultRouter()
router.register("flows", FlowViewSet, basename="flow")
urlpatterns = router.urls
