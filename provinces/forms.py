"""Forms for the programme's provinces."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from provinces import selectors
from provinces.models import (
    Activity,
    ActivityCategory,
    Contact,
    ExecutionContract,
    FieldVisit,
    FollowUpAction,
    FrameworkConvention,
    Membership,
    Province,
    ProvinceProgramme,
    Stakeholder,
)
from targa.core.editing import SafeModelForm, ScopedForm, date_input
from targa.core.models import User
from targa.core.ordering import NaturalName


class ProvinceRecordForm(ScopedForm):
    """A form for a record that belongs to its province directly (`province_path` "province"):
    the instance knows its province before validation, so rules about it (unique names in the
    province…) hold in the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.province = self.province


class ProgrammeForm(SafeModelForm):
    class Meta:
        model = ProvinceProgramme
        # Whether the programme runs is an administrator's decision, confirmed on its own
        # page (ProgrammeActivationView), not a box ticked among the others.
        fields = ["started_on", "operator", "focal_point", "notes"]
        widgets = {
            "started_on": date_input(),
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


class StakeholderForm(ProvinceRecordForm):
    class Meta:
        model = Stakeholder
        fields = [
            "name",
            "acronym",
            "kind",
            "managing_association",
            "communes",
            "address",
            "phone",
            "email",
            "notes",
        ]
        widgets = {
            "communes": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        association = self.fields["managing_association"]
        association.queryset = association.queryset.filter(kind=Stakeholder.Kind.ASSOCIATION)
        association.use_source("associations")  # suggest what the queryset accepts


class ContactForm(ScopedForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "sex", "phone", "email"]
        widgets = {"phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}


class AttachmentForm(forms.Form):
    """Upload a photo or a document. The checks (size, type by content) are the model's, so
    that the admin and every caller meet them too."""

    file = forms.FileField(label=_("file"))
    title = forms.CharField(label=_("title"), max_length=200, required=False)


class AmountField(forms.DecimalField):
    """An amount in dirhams as people type it: "1 250 000,50" or "1250000.50"."""

    def __init__(self, **kwargs):
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="decimal", autocomplete="off")

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split()).replace("\u202f", "")
        return super().to_python(value)


class ConventionForm(SafeModelForm):
    class Meta:
        model = FrameworkConvention
        fields = ["title", "parties", "signed_on", "provinces", "scope", "notes"]
        widgets = {
            "signed_on": date_input(),
            "parties": forms.Textarea(attrs={"rows": 3}),
            "provinces": forms.CheckboxSelectMultiple,
            "scope": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        provinces = self.fields["provinces"]
        provinces.queryset = Province.objects.filter(programme__isnull=False).order_by(
            NaturalName()
        )
        provinces.label_from_instance = lambda p: f"{p.name} ({p.code})"


class ContractForm(ProvinceRecordForm):
    class Meta:
        model = ExecutionContract
        fields = [
            "convention",
            "reference",
            "signed_on",
            "start_on",
            "duration_months",
            "budget",
            "notes",
        ]
        field_classes = {"budget": AmountField}
        widgets = {
            "signed_on": date_input(),
            "start_on": date_input(),
            "duration_months": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        convention = self.fields["convention"]
        convention.queryset = selectors.conventions_covering(self.province)
        convention.help_text = _(
            "Only the conventions that cover this province; an administrator records them."
        )


class ActivityForm(ProvinceRecordForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "category",
            "objective",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "responsible",
            "responsible_name",
            "deliverable",
        ]
        widgets = {
            "planned_start": date_input(),
            "planned_end": date_input(),
            "actual_start": date_input(),
            "actual_end": date_input(),
            "deliverable": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A past choice stays valid on an old record; new ones come from the current lists.
        category = self.fields["category"]
        category.queryset = ActivityCategory.objects.filter(
            Q(active=True) | Q(pk=self.instance.category_id)
        )
        responsible = self.fields["responsible"]
        responsible.queryset = selectors.responsible_candidates(self.province) | (
            User.objects.filter(pk=self.instance.responsible_id)
        )


class FieldVisitForm(ProvinceRecordForm):
    class Meta:
        model = FieldVisit
        fields = [
            "kind",
            "date",
            "purpose",
            "communes",
            "stakeholders",
            "people_met",
            "findings",
        ]
        widgets = {
            "date": date_input(),
            "purpose": forms.Textarea(attrs={"rows": 2}),
            "communes": forms.CheckboxSelectMultiple,
            "stakeholders": forms.CheckboxSelectMultiple,
            "people_met": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = self.fields["communes"].queryset.order_by(NaturalName())


class FollowUpActionForm(ScopedForm):
    class Meta:
        model = FollowUpAction
        fields = ["description", "owner", "due_on", "status", "done_on"]
        widgets = {"due_on": date_input(), "done_on": date_input()}


class MembershipForm(SafeModelForm):
    class Meta:
        model = Membership
        fields = ["role", "province"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.user = user
        self.fields["province"].queryset = Province.objects.order_by(NaturalName())
        self.fields["province"].empty_label = _("All provinces")
        self.fields["province"].label_from_instance = lambda p: f"{p.name} ({p.code})"
