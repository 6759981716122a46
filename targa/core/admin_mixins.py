"""Django admin for records that hold field data: history, and no silent overwrite there either."""

from django import forms
from simple_history.admin import SimpleHistoryAdmin

from targa.core.records import EditConflict, record_create, record_update


class VersionedAdminForm(forms.ModelForm):
    # Not named "version": the admin would then try to edit the model's own field.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_version"].initial = self.instance.version

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
                instance=obj, expected_version=form.cleaned_data["opened_version"], by=request.user
            )
        else:
            record_create(instance=obj, by=request.user)
