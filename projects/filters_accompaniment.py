"""List filters of the accompaniment sessions (django-filter): by type, year, commune, and by a
holder or a structure present (typed by name, with the province's suggestions)."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import PROGRAMME_START, Holder, Session, SessionKind, Structure
from provinces.models import Commune
from targa.core.crud import ScopedFilterSet
from targa.core.ordering import NaturalName


def _years():
    """The programme's years, from the start of INDH phase III to this one."""
    return [(y, str(y)) for y in range(PROGRAMME_START.year, timezone.localdate().year + 1)]


class SessionFilter(ScopedFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=SessionKind.choices, label=_("Type"), empty_label=_("All types")
    )
    year = django_filters.ChoiceFilter(
        choices=_years, field_name="on__year", label=_("Year"), empty_label=_("All")
    )
    commune = django_filters.ModelChoiceFilter(
        queryset=Commune.objects.order_by(NaturalName()),
        label=_("Commune"),
        empty_label=_("All communes"),
    )
    holder = django_filters.ModelChoiceFilter(
        field_name="holders", queryset=Holder.objects.all(), label=_("Holder present")
    )
    structure = django_filters.ModelChoiceFilter(
        field_name="structures", queryset=Structure.objects.all(), label=_("Structure present")
    )

    class Meta:
        model = Session
        fields = ["kind", "year", "commune", "holder", "structure"]
