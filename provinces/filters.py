"""List filters (django-filter) for the records of a province."""

import django_filters
from django.utils.translation import gettext_lazy as _

from provinces.models import Commune, Stakeholder
from targa.crud import ScopedFilterSet


class StakeholderFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=Stakeholder.Kind.choices, label=_("Type"), empty_label=_("All types")
    )
    commune = django_filters.ModelChoiceFilter(
        field_name="communes",
        queryset=Commune.objects.order_by("name_fr"),
        label=_("Commune"),
        empty_label=_("All communes"),
    )

    class Meta:
        model = Stakeholder
        fields = ["kind", "commune"]
