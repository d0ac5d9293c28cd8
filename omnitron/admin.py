"""
The admin base: admin pages write through the same service classes as the API.

A `ServiceModelAdmin` form runs its service's rules while the form is validated, so a refusal
(a card pointing at another channel's bank, a moved channel, a BIN taken by another card)
shows as a form error instead of a server error. Saves then go through the service's `create`
and `update`, as the API's do (`save_through`), so an admin write is checked again in its
transaction, signed by the panel user in history and logged with the object's pk; deletes go
through the service's `delete`. Inlines built on `ServiceTabularInline` do the same for each
inline row (a bank account deleted on its bank's page is deactivated, as through the API), and
so do the rows of a list page's editable columns.

**Inlines stay small.** An inline renders one form per row, and a browser posts every field of
every row back: a card with the 1,875 BINs of a real BIN list made a 1.7 MB page whose save
broke `DATA_UPLOAD_MAX_NUMBER_FIELDS` (1,000). So an inline whose parent has more rows than
`shown_at_most` shows none of them, only empty forms to add new ones, and a line with their
count and a link to their own list, filtered to the parent (`ChosenRelatedFilter`), where they
are searched, edited and deleted a page at a time. With few rows it shows them all as usual.

Every page has a *History* button (django-simple-history). Its list of changes is worded by
`omnitron.history`, the same as the API's `/history/`, so secrets a model hides stay masked;
`request.showing_history` tells a form that it renders a past version, which never reveals
secrets.
"""

import itertools
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
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
        save_through(self.service_class(user=request.user), obj, form)

    def save_formset(self, request, form, formset, change):
        if isinstance(formset, ServiceInlineFormSet):
            formset.user = request.user
        super().save_formset(request, form, formset, change)

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


def save_through(service, obj, form):
    """Save `obj`, the object of a validated `form`, through `service`: `update` of the stored
    object with the values the form edits, or `create` when none is stored (a new object, or
    a deleted one restored from its history, which keeps its pk); return the object saved."""
    values = {
        field.name: getattr(obj, field.name)
        for field in obj._meta.concrete_fields
        if field.name in form.fields and not field.primary_key
    }
    stored = type(obj)._base_manager.filter(pk=obj.pk).first() if obj.pk is not None else None
    if stored is None:
        return service.create(values, instance=obj)
    return service.update(stored, values)


def service_inline_form(service_class):
    """An inline form class whose rows are checked by `service_class`."""
    return type(
        f"{service_class.__name__}InlineForm", (ServiceModelForm,), {"service_class": service_class}
    )


class ServiceInlineFormSet(BaseInlineFormSet):
    """The rows of one parent; none of them when the parent has more than `shown_at_most`."""

    shown_at_most = None  # None: every row is shown
    changelist_url = None  # the rows' own list, filtered to the parent
    hidden_count = 0
    user = None  # who saves the rows, set by `ServiceModelAdmin.save_formset`

    def __init__(self, *args, instance=None, queryset=None, **kwargs):
        if self.shown_at_most is not None and instance is not None and instance.pk is not None:
            count = self.model._default_manager.filter(**{self.fk.name: instance}).count()
            if count > self.shown_at_most:
                self.hidden_count = count
                # Should the parent pass the limit between showing the page and saving it,
                # the rows posted are not found any more and the page says so: nothing is lost.
                queryset = self.model._default_manager.none()
        super().__init__(*args, instance=instance, queryset=queryset, **kwargs)

    def save_new(self, form, commit=True):
        if not commit:
            return super().save_new(form, commit=False)
        setattr(form.instance, self.fk.name, self.instance)
        return save_through(self._service(), form.instance, form)

    def save_existing(self, form, obj, commit=True):
        if not commit:
            return super().save_existing(form, obj, commit=False)
        return save_through(self._service(), obj, form)

    def delete_existing(self, obj, commit=True):
        if commit:
            self._service().delete(obj)

    def _service(self):
        return self.form.service_class(user=self.user)

    def hidden_rows_note(self):
        """The line that replaces the rows not shown, or "" when all are shown."""
        if not self.hidden_count:
            return ""
        return format_html(
            'This {} has {} {}, too many to edit here: <a href="{}">edit them on their list</a>'
            " (which searches them too). New ones can be added below.",
            self.instance._meta.verbose_name,
            f"{self.hidden_count:,}",
            self.model._meta.verbose_name_plural,
            self.changelist_url,
        )


class ServiceTabularInline(admin.TabularInline):
    """A tabular inline whose rows are checked by `service_class` and shown only while the
    parent has at most `shown_at_most` of them (None: always)."""

    service_class = None
    shown_at_most = None
    formset = ServiceInlineFormSet
    template = "admin/edit_inline/tabular_or_link.html"

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("form", service_inline_form(self.service_class))
        formset = super().get_formset(request, obj, **kwargs)
        formset.shown_at_most = self.shown_at_most
        if obj is not None and obj.pk is not None:
            opts = self.model._meta
            url = reverse(
                f"admin:{opts.app_label}_{opts.model_name}_changelist",
                current_app=self.admin_site.name,
            )
            lookup = f"{formset.fk.name}__{formset.fk.target_field.name}__exact"
            formset.changelist_url = f"{url}?{urlencode({lookup: obj.pk})}"
        return formset


class ChosenRelatedFilter(admin.RelatedFieldListFilter):
    """A filter by a related object that offers only the one chosen (by a link such as a card
    page's to its BINs), so the sidebar names it; a list of every card would be a page itself.
    Shown only while one is chosen; related objects have integer keys."""

    # Django drops a filter without output, and with it the filtering by its parameters: it
    # must have output whenever it is given one, even one naming no object.

    def field_choices(self, field, request, model_admin):
        chosen = [value for value in self.lookup_val or () if value.isdigit()]
        related = field.related_model._default_manager.filter(pk__in=chosen)
        return [(obj.pk, str(obj)) for obj in related]

    def has_output(self):
        return bool(self.used_parameters)
