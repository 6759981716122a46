"""List filters of the structures and the capacity plans (django-filter): by legal form,
commune, status, and the plans with late lines in their action plan."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import CapacityPlan, PlanActivity, Structure, StructureKind, activity_late_q
from provinces.models import Commune
from targa.core.crud import ScopedFilterSet
from targa.core.ordering import NaturalName


def _communes():
    return Commune.objects.order_by(NaturalName())


class StructureFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=StructureKind.choices, label=_("Legal form"), empty_label=_("All legal forms")
    )
    commune = django_filters.ModelChoiceFilter(
        queryset=_communes(), label=_("Commune"), empty_label=_("All communes")
    )

    class Meta:
        model = Structure
        fields = ["kind", "commune"]


class PlanFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(
        choices=CapacityPlan.Status.choices, label=_("Status"), empty_label=_("All statuses")
    )
    commune = django_filters.ModelChoiceFilter(
        queryset=_communes(),
        field_name="structure__commune",
        label=_("Commune"),
        empty_label=_("All communes"),
    )
    late = django_filters.ChoiceFilter(
        choices=[("yes", _("With late activities"))],
        method="with_late",
        label=_("Action plan"),
        empty_label=_("All"),
    )

    class Meta:
        model = CapacityPlan
        fields = ["status", "commune", "late"]

    def with_late(self, queryset, name, value):
        late = PlanActivity.objects.filter(
            activity_late_q(timezone.localdate()), plan=OuterRef("pk")
        )
        return queryset.filter(Exists(late))
