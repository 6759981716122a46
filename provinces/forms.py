"""Forms for the programme's provinces."""

from django import forms
from django.utils.translation import gettext_lazy as _

from provinces.models import Province, ProvinceProgramme
from targa.editing import SafeModelForm


class ProgrammeForm(SafeModelForm):
    class Meta:
        model = ProvinceProgramme
        fields = ["is_active", "started_on", "operator", "focal_point", "notes"]
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }


class ProgrammeCreateForm(ProgrammeForm):
    """Start the programme in a province that does not have it yet."""

    class Meta(ProgrammeForm.Meta):
        fields = ["province", *ProgrammeForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].queryset = Province.objects.filter(programme__isnull=True).order_by(
            "name_fr"
        )
        self.fields["province"].label_from_instance = lambda p: f"{p.name} ({p.code})"
        self.fields["province"].error_messages["invalid_choice"] = _(
            "Choose a province where the programme is not set up yet."
        )
