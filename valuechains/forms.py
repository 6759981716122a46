"""Forms of the value-chain pages: they parse and present; the rules are the models' and the
services' (`valuechains.services`)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from targa.core.editing import ScopedForm, SheetForm
from targa.core.ordering import NaturalName
from valuechains.models import SCORE_MAX, SCORE_MIN, WEIGHT_MAX, Chain, Sector
from valuechains.services import ScoreInput

SCORE_RANGE = _("A score goes from 0 to 5.")
WEIGHT_RANGE = _("A weight goes from 0 to 100.")


class ChainForm(ScopedForm):
    """A candidate chain: its product, sector and scope (cercles and communes of the province
    only: the choices are limited to it, and the model checks it again)."""

    class Meta:
        model = Chain
        fields = ["product", "product_ar", "sector", "description", "cercles", "communes"]
        widgets = {
            "product_ar": forms.TextInput(attrs={"dir": "rtl", "lang": "ar"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "cercles": forms.CheckboxSelectMultiple,
            "communes": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.instance.province = self.province  # so the model's unique rule holds here
        sectors = Sector.objects.filter(is_active=True)
        if self.instance.pk:
            sectors = Sector.objects.filter(pk=self.instance.sector_id) | sectors
        self.fields["sector"].queryset = sectors.order_by("order", "id")
        for name in ("cercles", "communes"):
            self.fields[name].queryset = self.fields[name].queryset.order_by(NaturalName())


class ScoreSheetForm(SheetForm):
    """A chain's score (0 to 5, or empty: not scored) and its justification, per criterion."""

    line_error_field = "s{key}"

    def __init__(self, *args, criteria, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.remember_versions({cid: line.version for cid, line in current.items()})
        for criterion in criteria:
            line = current.get(criterion.pk)
            self.fields[f"s{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[("", "—"), *((n, str(n)) for n in range(SCORE_MIN, SCORE_MAX + 1))],
                error_messages={"invalid_choice": SCORE_RANGE},
                initial=line.score if line else "",
                widget=forms.RadioSelect(attrs={"class": "btn-check"}),
            )
            self.fields[f"j{criterion.pk}"] = forms.CharField(
                label=_("Justification"),
                required=False,
                max_length=2000,
                initial=line.justification if line else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        """(criterion, its score field, its justification field) for the template."""
        return [(c, self[f"s{c.pk}"], self[f"j{c.pk}"]) for c in self.criteria]

    def lines(self) -> dict:
        opened = self.versions_opened()
        return {
            c: ScoreInput(
                score=self.cleaned_data[f"s{c.pk}"],
                justification=self.cleaned_data[f"j{c.pk}"].strip(),
                opened_version=opened.get(c.pk),
            )
            for c in self.criteria
        }


class WeightsForm(SheetForm):
    """The province's weight of each criterion (empty: the national weight) and why, with the
    versions of the province's own weights when opened (a stale page is refused)."""

    def __init__(self, *args, criteria, versions: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.remember_versions(versions)
        for c in criteria:
            self.fields[f"w{c.pk}"] = forms.DecimalField(
                label=c.name,
                required=False,
                min_value=Decimal(0),
                max_value=WEIGHT_MAX,
                max_digits=5,
                decimal_places=2,
                error_messages={
                    "min_value": WEIGHT_RANGE,
                    "max_value": WEIGHT_RANGE,
                    "invalid": WEIGHT_RANGE,
                },
                initial=c.own_weight,
                widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.5"}),
            )
            self.fields[f"r{c.pk}"] = forms.CharField(
                label=_("Why it differs"),
                required=False,
                max_length=255,
                initial=c.own_reason or "",
            )

    def rows(self):
        return [(c, self[f"w{c.pk}"], self[f"r{c.pk}"]) for c in self.criteria]

    def weights(self) -> dict:
        out = {}
        for c in self.criteria:
            weight = self.cleaned_data[f"w{c.pk}"]
            out[c] = (weight, self.cleaned_data[f"r{c.pk}"].strip() if weight is not None else "")
        return out
