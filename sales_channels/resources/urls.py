"""URL routes of sales channels under /api/v1/."""

from rest_framework.routers import SimpleRouter

from sales_channels.resources.views import ChannelViewSet

router = SimpleRouter()
router.register("channels", ChannelViewSet, basename="channel")

urlpatterns = router.urls
