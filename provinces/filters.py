"""List filters (django-filter) for the records of a province."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from provinces.access import provinces_for_user
from provinces.models import (
    Activity,
    ActivityCategory,
    Commune,
    ExecutionContract,
    FieldVisit,
    FollowUpAction,
    FrameworkConvention,
    Objective,
    Province,
    Stakeholder,
)
from targa.core.crud import ScopedFilterSet
from targa.core.ordering import NaturalName


class StakeholderFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=Stakeholder.Kind.choices, label=_("Type"), empty_label=_("All types")
    )
    commune = django_filters.ModelChoiceFilter(
        field_name="communes",
        queryset=Commune.objects.order_by(NaturalName()),
        label=_("Commune"),
        empty_label=_("All communes"),
    )

    class Meta:
        model = Stakeholder
        fields = ["kind", "commune"]


def _years():
    """The programme's years, from the start of INDH phase III to two years ahead."""
    return [(y, str(y)) for y in range(2019, timezone.localdate().year + 3)]


class ConventionFilter(django_filters.FilterSet):
    province = django_filters.ModelChoiceFilter(
        field_name="provinces",
        queryset=Province.objects.none(),
        label=_("Province"),
        empty_label=_("All provinces"),
    )

    class Meta:
        model = FrameworkConvention
        fields = ["province"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["province"].queryset = provinces_for_user(self.request.user).order_by(
            "name_fr"
        )


class ContractFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(
        choices=ExecutionContract.Status.choices, label=_("Status"), empty_label=_("All")
    )

    class Meta:
        model = ExecutionContract
        fields = ["status"]


class ActivityFilter(ScopedFilterSet):
    objective = django_filters.ChoiceFilter(
        choices=Objective.choices, label=_("Specific objective"), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        choices=Activity.Status.choices, label=_("Status"), empty_label=_("All")
    )
    category = django_filters.ModelChoiceFilter(
        queryset=ActivityCategory.objects.all(), label=_("Category"), empty_label=_("All")
    )
    year = django_filters.ChoiceFilter(
        choices=_years, method="in_year", label=_("Year"), empty_label=_("All")
    )
    late = django_filters.ChoiceFilter(
        choices=[("yes", _("late only")), ("no", _("not late"))],
        method="by_lateness",
        label=_("Late"),
        empty_label=_("All"),
    )

    class Meta:
        model = Activity
        fields = ["objective", "status", "category", "year", "late"]

    def in_year(self, queryset, name, value):
        return queryset.in_year(int(value))

    def by_lateness(self, queryset, name, value):
        return queryset.late() if value == "yes" else queryset.not_late()


class FieldVisitFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=FieldVisit.Kind.choices, label=_("Type"), empty_label=_("All types")
    )
    commune = django_filters.ModelChoiceFilter(
        field_name="communes",
        queryset=Commune.objects.order_by(NaturalName()),
        label=_("Commune"),
        empty_label=_("All communes"),
    )
    year = django_filters.ChoiceFilter(
        choices=_years, field_name="date__year", label=_("Year"), empty_label=_("All")
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("yes", _("with overdue actions"))],
        method="with_overdue_actions",
        label=_("Follow-up"),
        empty_label=_("All"),
    )

    class Meta:
        model = FieldVisit
        fields = ["kind", "commune", "year", "overdue"]

    def with_overdue_actions(self, queryset, name, value):
        return queryset.filter(pk__in=FollowUpAction.objects.overdue().values("visit_id"))
