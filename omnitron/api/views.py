"""The viewset base: DRF does the HTTP, a service class does the writing."""

from rest_framework import viewsets


class ServiceModelViewSet(viewsets.ModelViewSet):
    """A model viewset that hands creates, updates and deletes to `service_class`."""

    service_class = None
    # Lists are in `pk` order unless `?sort=` says otherwise, whatever the model's own ordering.
    ordering = ["pk"]

    def get_service(self):
        assert self.service_class is not None, f"{type(self).__name__} must set `service_class`."
        return self.service_class(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = self.get_service().create(serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.get_service().update(
            serializer.instance, serializer.validated_data
        )

    def perform_destroy(self, instance):
        self.get_service().delete(instance)
