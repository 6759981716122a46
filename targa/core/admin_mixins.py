"""Django admin for records that hold field data: history, and no silent overwrite there either."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.text import capfirst
from import_export.formats import base_formats
from simple_history.admin import SimpleHistoryAdmin

from targa.core import exports
from targa.core.editing import add_model_errors, form_m2m
from targa.core.models import state_field
from targa.core.records import EditConflict, record_create, record_update


class VersionedAdminForm(forms.ModelForm):
    # Not named "version": the admin would then try to edit the model's own field.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version

    written_by = None  # the signed-in user, set by TrackedModelAdmin.get_form

    def _post_clean(self):
        """After the model's own validation, its write rules (`check_write`) for this user, so
        that the admin shows why a change is refused, on the form, like the app does."""
        super()._post_clean()
        if self._errors or self.written_by is None:
            return
        manager = type(self.instance)._default_manager
        before = manager.filter(pk=self.instance.pk).first() if self.instance.pk else None
        try:
            self.instance.check_write(by=self.written_by, before=before, m2m=form_m2m(self))
        except ValidationError as error:
            add_model_errors(self, error)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            manager = type(self.instance)._default_manager
            current = manager.get(pk=self.instance.pk)
            if cleaned.get("opened_version") != current.version:
                raise forms.ValidationError(EditConflict(current).message())
        return cleaned


class TrackedModelAdmin(SimpleHistoryAdmin):
    """Admin for a TrackedModel: saves go through the same services as the app's forms."""

    form = VersionedAdminForm

    def save_model(self, request, obj, form, change):
        if change:
            record_update(
                instance=obj,
                expected_version=form.cleaned_data["opened_version"],
                by=request.user,
                m2m=form_m2m(form),
            )
        else:
            record_create(instance=obj, by=request.user, m2m=form_m2m(form))

    def get_readonly_fields(self, request, obj=None):
        # A workflow status changes only through its transitions, on the record's page.
        fields = list(super().get_readonly_fields(request, obj))
        f = state_field(self.model)
        if f is not None and f.name not in fields:
            fields.append(f.name)
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"written_by": request.user})

    def save_related(self, request, form, formsets, change):
        # The many-to-many values were saved by the services in save_model.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class TypedExcelExportMixin:
    """For a django-import-export admin: its Excel export goes through the one writer of
    `targa.core.exports` (a sheet named after the model, typed cells, frozen header) rather
    than tablib's ("Tablib Dataset", every cell text). Other formats and imports are
    django-import-export's own."""

    @property
    def export_formats(self):
        return [exports.TypedXLSX if f is base_formats.XLSX else f for f in super().export_formats]

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not isinstance(file_format, exports.TypedXLSX):
            return super().get_export_data(file_format, request, queryset, **kwargs)
        if not self.has_export_permission(request):
            raise PermissionDenied
        kwargs.pop("force_native_type", None)
        data = self.get_data_for_export(request, queryset, force_native_type=True, **kwargs)
        data.title = capfirst(str(self.model._meta.verbose_name_plural))
        return file_format.export_data(data)
