"""Forms of the project holders' pages: they parse and present; the rules are the models' and
the services' (`projects.services`)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Decision, DropReason, Holder, Project, Stage
from targa.core.editing import ScopedForm, date_input


class HolderForm(ScopedForm):
    """A holder's record; their consent (law 09-08) is asked before anything is saved."""

    consent = forms.BooleanField(
        label=_("The holder agrees to their personal data being recorded (law 09-08)."),
        required=True,
        error_messages={"required": _("Ask the holder's consent before recording them.")},
    )

    class Meta:
        model = Holder
        fields = [
            "first_name",
            "last_name",
            "first_name_ar",
            "last_name_ar",
            "sex",
            "birth_date",
            "cin",
            "phone",
            "email",
            "commune",
            "education",
            "employment",
            "channel",
            "youth_platform",
            "consent",
            "consent_on",
        ]
        widgets = {
            "first_name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "last_name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "sex": forms.RadioSelect,
            "birth_date": date_input(Holder.date_bounds["birth_date"]),
            "consent_on": date_input(),
            "cin": forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = self.fields["sex"].choices[1:]  # no empty radio
        if self.instance.pk:
            self.fields["consent"].initial = True
        else:
            self.fields["consent_on"].initial = timezone.localdate()
        platforms = self.fields["youth_platform"]
        platforms.queryset = platforms.queryset.filter(kind="youth_platform")


class ProjectForm(ScopedForm):
    class Meta:
        model = Project
        fields = [
            "holder",
            "title",
            "description",
            "sector",
            "chain",
            "legal_form",
            "commune",
            "structure",
            "call",
            "total_cost",
            "subsidy_requested",
            "own_contribution",
            "other_financing",
            "jobs_women",
            "jobs_men",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("total_cost", "subsidy_requested", "own_contribution", "other_financing"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "min": 0, "step": 1})


class MoveForm(forms.Form):
    """A move of a project: where to, on which day, the decision, why (for a drop), comment."""

    to = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    on = forms.DateField(label=_("Date"), widget=date_input(), required=False)
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, required=False)
    reason = forms.ChoiceField(
        label=_("Why dropped"), choices=[("", "—"), *DropReason.choices], required=False
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        if moves:
            self.fields["to"].choices = [(key, label) for key, label in moves]
