"""List filters of the project holders' pages (django-filter); choices are limited to the
province. Age bands are computed from the date of birth, in the database."""

import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import AgeBand, Call, Holder, Project, Stage
from provinces.models import Commune, Sex
from targa.core.crud import ScopedFilterSet
from targa.core.ordering import NaturalName
from valuechains.models import Sector


def born_in_band(band: str, prefix: str = "") -> Q:
    """Those whose age today falls in `band` (AgeBand), as a condition on the date of birth."""
    today = timezone.localdate()

    def born_before(years: int) -> datetime.date:  # turned `years` on or before today
        try:
            return today.replace(year=today.year - years)
        except ValueError:  # 29 February
            return today.replace(year=today.year - years, day=28)

    field = f"{prefix}birth_date"
    bounds = AgeBand.bounds()[band]
    q = Q()
    if bounds[0] is not None:
        q &= Q(**{f"{field}__lte": born_before(bounds[0])})
    if bounds[1] is not None:
        q &= Q(**{f"{field}__gt": born_before(bounds[1])})
    return q


class HolderFilter(ScopedFilterSet):
    sex = django_filters.ChoiceFilter(choices=Sex.choices, label=_("Sex"), empty_label=_("All"))
    age = django_filters.ChoiceFilter(
        choices=AgeBand.choices, method="in_band", label=_("Age"), empty_label=_("All ages")
    )
    commune = django_filters.ModelChoiceFilter(
        queryset=Commune.objects.order_by(NaturalName()),
        label=_("Commune"),
        empty_label=_("All communes"),
    )
    channel = django_filters.ChoiceFilter(
        choices=Holder.Channel.choices, label=_("How they came"), empty_label=_("All")
    )

    class Meta:
        model = Holder
        fields = ["sex", "age", "commune", "channel"]

    def in_band(self, queryset, name, value):
        return queryset.filter(born_in_band(value))


class ProjectFilter(ScopedFilterSet):
    stage = django_filters.ChoiceFilter(
        choices=Stage.choices, label=_("Stage"), empty_label=_("All stages")
    )
    commune = django_filters.ModelChoiceFilter(
        queryset=Commune.objects.order_by(NaturalName()),
        label=_("Commune"),
        empty_label=_("All communes"),
    )
    sector = django_filters.ModelChoiceFilter(
        queryset=Sector.objects.all(),
        label=pgettext_lazy("value chain", "Sector"),
        empty_label=_("All sectors"),
    )
    call = django_filters.ModelChoiceFilter(
        queryset=Call.objects.all(), label=_("Call"), empty_label=_("All calls")
    )
    sex = django_filters.ChoiceFilter(
        choices=Sex.choices, field_name="holder__sex", label=_("Sex"), empty_label=_("All")
    )
    age = django_filters.ChoiceFilter(
        choices=AgeBand.choices, method="in_band", label=_("Age"), empty_label=_("All ages")
    )

    class Meta:
        model = Project
        fields = ["stage", "commune", "sector", "call", "sex", "age"]

    def in_band(self, queryset, name, value):
        return queryset.filter(born_in_band(value, "holder__"))
