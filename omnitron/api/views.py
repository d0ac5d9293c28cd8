"""The viewset base: DRF does the HTTP, a service class does the writing."""

from rest_framework import viewsets


class ServiceModelViewSet(viewsets.ModelViewSet):
    """A model viewset that hands creates, updates and deletes to `service_class`."""

    service_class = None
    # Lists are in `pk` order unless `?sort=` says otherwise, whatever the model's own ordering.
    ordering = ["pk"]
    # An action on another model than the viewset's names it: `@action(permission_model=...)`
    # (see `omnitron.api.permissions`); DRF accepts only initkwargs the class already has.
    permission_model = None

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
