"""Forms of the structures' and capacity plans' pages: a structure, a cooperative's plan (the
cooperative typed by name, with the province's cooperatives as suggestions), a line of its
action plan, and the follow-up sheet of all its lines. They parse and present; the rules are
the models' and `projects.services_plans`'."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from projects.models import CapacityPlan, PlanActivity, Structure
from projects.services_plans import Progress
from targa.core.editing import ScopedForm, SheetForm, date_input

TEXTAREA = {"rows": 3}


class StructureForm(ScopedForm):
    class Meta:
        model = Structure
        fields = [
            "kind",
            "name",
            "name_ar",
            "register_number",
            "created_on",
            "commune",
            "women_young",
            "women_adult",
            "men_young",
            "men_adult",
        ]
        widgets = {
            "name_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "created_on": date_input(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("women_young", "women_adult", "men_young", "men_adult"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "min": 0})


PLAN_FIELDS = [
    "starts_on",
    "ends_on",
    "technical_needs",
    "financial_needs",
    "legal_needs",
    "training_plan",
    "workshops_planned",
    "remote_every_days",
]
PLAN_WIDGETS = {
    "starts_on": date_input(CapacityPlan.date_bounds["starts_on"]),
    "ends_on": date_input(CapacityPlan.date_bounds["ends_on"]),
    "technical_needs": forms.Textarea(attrs=TEXTAREA),
    "financial_needs": forms.Textarea(attrs=TEXTAREA),
    "legal_needs": forms.Textarea(attrs=TEXTAREA),
    "training_plan": forms.Textarea(attrs={"rows": 5}),
}


class CapacityPlanForm(ScopedForm):
    """A new plan: the cooperative it is for, then the needs, the training plan, the period
    and the rhythm of the accompaniment."""

    class Meta:
        model = CapacityPlan
        fields = ["structure", *PLAN_FIELDS]
        widgets = PLAN_WIDGETS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        structure = self.fields.get("structure")
        if structure is not None:
            # Any structure of the province is accepted here, so that the model says why one
            # that is not a cooperative cannot have a plan; the suggestions are the cooperatives.
            if hasattr(structure, "use_source"):
                structure.use_source("cooperatives")
            structure.help_text = _("Type the cooperative's name, or its number.")
        for name in ("workshops_planned", "remote_every_days"):
            self.fields[name].widget.attrs.update({"inputmode": "numeric"})


class CapacityPlanEditForm(CapacityPlanForm):
    """An existing plan: it stays with its cooperative."""

    class Meta(CapacityPlanForm.Meta):
        fields = PLAN_FIELDS


class PlanActivityForm(ScopedForm):
    class Meta:
        model = PlanActivity
        fields = [
            "activity",
            "responsible",
            "deadline",
            "follow_up_indicator",
            "performance_indicator",
            "target",
            "achieved",
            "stakeholders",
            "stakeholders_other",
            "status",
        ]
        widgets = {
            "deadline": date_input(PlanActivity.date_bounds["deadline"]),
            "status": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = PlanActivity.Status.choices  # no empty radio
        for name in ("target", "achieved"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "min": 0})
        stakeholders = self.fields["stakeholders"]
        if hasattr(stakeholders.widget, "extra"):
            stakeholders.widget.extra = 1 if self.instance.pk else 2


def plain_number(value: Decimal | None):
    """A stored figure as typed (10, not 10.00; 2.5, not 2.50)."""
    if value is None:
        return None
    return value.to_integral_value() if value == value.to_integral_value() else value.normalize()


class ProgressSheetForm(SheetForm):
    """The follow-up sheet: each line's progress and what it achieved, saved at once."""

    line_error_field = "status_{key}"

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"status_{line.pk}"] = forms.ChoiceField(
                label=gettext("Progress of “%(activity)s”") % {"activity": line.activity},
                choices=PlanActivity.Status.choices,
                initial=line.status,
                widget=forms.Select,
            )
            self.fields[f"achieved_{line.pk}"] = forms.DecimalField(
                label=gettext("Achieved for “%(activity)s”") % {"activity": line.activity},
                required=False,
                min_value=Decimal(0),
                max_digits=12,
                decimal_places=2,
                initial=plain_number(line.achieved),
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "min": 0, "step": "any"}),
            )
        self.remember_versions({line.pk: line.version for line in lines})

    def rows(self):
        """(line, its progress field, its achieved field) for the template."""
        return [
            (line, self[f"status_{line.pk}"], self[f"achieved_{line.pk}"]) for line in self.lines
        ]

    def progress(self) -> dict:
        return {
            line.pk: Progress(
                status=self.cleaned_data[f"status_{line.pk}"],
                achieved=self.cleaned_data.get(f"achieved_{line.pk}"),
            )
            for line in self.lines
        }
