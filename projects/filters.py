"""List filters of the project holders' pages (django-filter); choices are limited to the
province. Age bands are computed from the date of birth, in the database."""

import datetime

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import AgeBand, Call, Holder, Project, ProjectStep, Stage
from projects.selectors_alerts import overdue_follow_ups
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


class _ProjectFilters(ScopedFilterSet):
    """The filters of a province's projects that the list, the board and the funnel share."""

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

    class Meta:
        model = Project
        fields = ["commune", "sector", "call"]


class _ByPerson(django_filters.FilterSet):
    sex = django_filters.ChoiceFilter(
        choices=Sex.choices, field_name="holder__sex", label=_("Sex"), empty_label=_("All")
    )
    age = django_filters.ChoiceFilter(
        choices=AgeBand.choices, method="in_band", label=_("Age"), empty_label=_("All ages")
    )

    def in_band(self, queryset, name, value):
        return queryset.filter(born_in_band(value, "holder__"))


class BoardFilter(_ProjectFilters, _ByPerson):
    """The board's filters: its columns are the stages."""

    class Meta:
        model = Project
        fields = ["commune", "sector", "call", "sex", "age"]


class ProjectFilter(BoardFilter):
    stage = django_filters.ChoiceFilter(
        choices=Stage.choices, label=_("Stage"), empty_label=_("All stages")
    )
    # Where the home page's alert leads: the projects whose follow-up visit is overdue.
    follow_up = django_filters.ChoiceFilter(
        choices=[("overdue", _("Visit overdue"))],
        method="follow_up_is",
        label=_("Post-creation follow-up"),
        empty_label=_("All"),
    )

    class Meta:
        model = Project
        fields = ["stage", "commune", "sector", "call", "sex", "age", "follow_up"]

    def follow_up_is(self, queryset, name, value):
        return overdue_follow_ups(queryset) if value == "overdue" else queryset


# Programme III started in 2019; a period outside these years is a typo.
PERIOD_FIRST, PERIOD_LAST = datetime.date(2019, 1, 1), datetime.date(2035, 12, 31)


def _received(label, lookup: str) -> django_filters.DateFilter:
    message = _("Give a date from 2019 to 2035.")
    return django_filters.DateFilter(
        label=label,
        method=f"received_{lookup}_day",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[
            MinValueValidator(PERIOD_FIRST, message=message),
            MaxValueValidator(PERIOD_LAST, message=message),
        ],
    )


class FunnelFilter(_ProjectFilters):
    """The funnel's projects: received in a period (their first step), in a commune, a
    sector, a call; sex and age band are the funnel's columns, not filters."""

    received_after = _received(_("Received from"), "after")
    received_before = _received(_("Received until"), "before")

    class Meta:
        model = Project
        fields = ["received_after", "received_before", "commune", "sector", "call"]

    def received_after_day(self, queryset, name, value):
        return queryset.filter(received_condition(on__gte=value))

    def received_before_day(self, queryset, name, value):
        return queryset.filter(received_condition(on__lte=value))


def received_condition(**on) -> Exists:
    """Projects whose first step (their reception) is dated as `on` says."""
    return Exists(ProjectStep.objects.filter(project=OuterRef("pk"), from_stage="", **on))
