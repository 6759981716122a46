"""List filters of the value-chain pages (django-filter); choices are limited to the province."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from provinces.models import Cercle
from targa.core.crud import ScopedFilterSet
from valuechains.models import Chain, FlagshipAction, Sector
from valuechains.selectors import CARD_ORDER


class ChainFilter(ScopedFilterSet):
    """By sector, by where the chain stands (candidate, its diagnostic's state, set aside —
    the keys of the province card, which links here), by cercle of its scope."""

    sector = django_filters.ModelChoiceFilter(
        queryset=Sector.objects.all(),
        label=pgettext_lazy("value chain", "Sector"),
        empty_label=_("All sectors"),
    )
    state = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(key, label) for key, label in CARD_ORDER],
        empty_label=_("All statuses"),
        method="filter_state",
    )
    cercle = django_filters.ModelChoiceFilter(
        field_name="cercles",
        queryset=Cercle.objects.all(),
        label=_("Cercle"),
        empty_label=_("All cercles"),
    )

    class Meta:
        model = Chain
        fields = ["sector", "state", "cercle"]

    def filter_state(self, qs, name, value):
        """Needs the list's `diagnostic_status` annotation (`selectors.with_list_figures`)."""
        if value.startswith("diagnostic:"):
            return qs.filter(diagnostic_status=value.removeprefix("diagnostic:"))
        return qs.filter(status=value, diagnostic_status__isnull=True)


class FlagshipActionFilter(ScopedFilterSet):
    """The flagship actions of the province's plans: by chain, status, lateness (the home
    alert links to the late ones)."""

    chain = django_filters.ModelChoiceFilter(
        field_name="diagnostic__chain",
        queryset=Chain.objects.order_by("product"),
        label=_("Chain"),
        empty_label=_("All chains"),
    )
    status = django_filters.ChoiceFilter(
        choices=FlagshipAction.Status.choices, label=_("Status"), empty_label=_("All statuses")
    )
    late = django_filters.ChoiceFilter(
        choices=[("yes", _("late only")), ("no", _("not late"))],
        method="by_lateness",
        label=_("Late"),
        empty_label=_("All"),
    )

    class Meta:
        model = FlagshipAction
        fields = ["chain", "status", "late"]

    def by_lateness(self, queryset, name, value):
        return queryset.filter(is_late=value == "yes")  # the list's `with_lateness`
