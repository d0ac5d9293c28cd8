"""
The admin base: admin pages write through the same service classes as the API.

A `ServiceModelAdmin` form runs its service's rules while the form is validated, so a refusal
(a card pointing at another channel's bank, a moved channel, a BIN taken by another card)
shows as a form error instead of a server error; saves and deletes then go through the service.
Inlines built on `ServiceInlineForm` do the same for each inline row.

Every page has a *History* button (django-simple-history). Its list of changes is worded by
`omnitron.history`, the same as the API's `/history/`, so secrets a model hides stay masked;
`request.showing_history` tells a form that it renders a past version, which never reveals
secrets.
"""

import itertools

from django import forms
from django.contrib import messages
from simple_history.admin import SimpleHistoryAdmin

from omnitron import history
from omnitron.errors import ServiceError


class ServiceModelForm(forms.ModelForm):
    """A model form that, once the model itself validates, also runs the service's rules."""

    service_class = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.original_channel_id = getattr(self.instance, "channel_id", None)

    def _post_clean(self):
        super()._post_clean()
        if self.errors or self.service_class is None:
            return
        service = self.service_class()
        try:
            original = (
                type(self.instance)._base_manager.filter(pk=self.instance.pk).first()
                if self.instance.pk is not None and self.original_channel_id is not None
                else None
            )
            # None also when a deleted object is restored from its history.
            if original is not None:
                service.check_channel_unchanged(original, {"channel": self.instance.channel})
            service.check(self.instance)
        except ServiceError as exc:
            self.add_error(None, exc.message)


class ServiceModelAdmin(SimpleHistoryAdmin):
    """A model admin whose saves and deletes go through `service_class`."""

    service_class = None
    form = ServiceModelForm

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.service_class = self.service_class
        return form

    def save_model(self, request, obj, form, change):
        self.service_class(user=request.user).save(obj)

    def delete_model(self, request, obj):
        try:
            self.service_class(user=request.user).delete(obj)
        except ServiceError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        request.showing_history = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Each record's changes against the one before it, worded by `omnitron.history`."""
        records = list(historical_records)
        for record, previous in itertools.pairwise(records):
            record.history_delta_changes = [
                {"field": change["field"], "old": change["old"], "new": change["new"]}
                for change in history.changes(record, previous)
            ]

    def delete_queryset(self, request, queryset):
        service = self.service_class(user=request.user)
        for obj in queryset:
            try:
                service.delete(obj)
            except ServiceError as exc:
                self.message_user(request, exc.message, messages.ERROR)


def service_inline_form(service_class):
    """An inline form class whose rows are checked by `service_class`."""
    return type(
        f"{service_class.__name__}InlineForm", (ServiceModelForm,), {"service_class": service_class}
    )
