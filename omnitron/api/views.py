"""The viewset base: DRF does the HTTP, a service class does the writing, and every object's
history is readable at `<resource>/{id}/history/`."""

import itertools

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import routers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated

from omnitron import history
from omnitron.api.serializers import HistoryRecordSerializer


class ApiRootView(routers.APIRootView):
    """`/api/v1/`: the list URL of every resource, for any logged-in user."""

    permission_classes = [IsAuthenticated]
    schema = None  # not an operation of the OpenAPI document


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

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "service": self.get_service()}

    def perform_create(self, serializer):
        serializer.instance = self.get_service().create(serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = self.get_service().update(
            serializer.instance, serializer.validated_data
        )

    def perform_destroy(self, instance):
        self.get_service().delete(instance)

    @extend_schema(responses=HistoryRecordSerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None):
        """Every change of the object, newest first: who, when, created/changed/deleted, and
        each field's old and new value. Secrets are masked. A deleted object's history stays
        readable at its old id."""
        records = self.history_records(pk)
        page = self.paginate_queryset(records)
        before = _previous_records(records, page)
        for record in page:
            record.history_type_name = history.type_of(record)
            record.changes = history.changes(record, before[record.history_id])
        return self.get_paginated_response(HistoryRecordSerializer(page, many=True).data)

    def history_records(self, pk):
        """The history records of object `pk`, newest first.

        An object this user's queryset hides is a 404 like any other lookup; an object deleted
        since is found by its history alone.
        """
        model = self.get_queryset().model
        manager_name = getattr(model._meta, "simple_history_manager_attribute", None)
        if manager_name is None:
            raise Http404(f"No history is kept for {model._meta.verbose_name_plural}.")
        try:
            pk = model._meta.pk.to_python(pk)
            self.get_object()
        except ValidationError:
            raise Http404 from None
        except Http404:
            if model._base_manager.filter(pk=pk).exists():
                raise
        records = (
            getattr(model, manager_name)
            .filter(**{model._meta.pk.attname: pk})
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
        )
        if not records.exists():
            raise Http404
        return records


def _previous_records(records, page):
    """{history_id: the record before it (or None)} for the records of a page, newest first:
    each record's predecessor is the next one on the page, and the last needs one query."""
    before = {}
    for newer, older in itertools.pairwise(page):
        before[newer.history_id] = older
    if page:
        last = page[-1]
        before[last.history_id] = records.filter(
            Q(history_date__lt=last.history_date)
            | Q(history_date=last.history_date, history_id__lt=last.history_id)
        ).first()
    return before
