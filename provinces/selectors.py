"""Reads for provinces and territories."""

from django.db.models import Count, Q, QuerySet, Sum

from provinces.access import Perm, perms_in, provinces_for_user
from provinces.models import Commune, Membership, Province


def home_provinces(user) -> list[tuple[Province, frozenset[Perm]]]:
    """The user's provinces where the programme runs, each with what the user may do there."""
    provinces = (
        provinces_for_user(user)
        .annotate(n_communes=Count("communes", distinct=True))
        .order_by("name_fr")
    )
    return [(p, perms_in(user, p)) for p in provinces]


def province_summary(province: Province) -> dict:
    """Census totals of a province's communes by type, computed in the database."""
    return Commune.objects.filter(province=province).aggregate(
        communes=Count("id"),
        urban=Count("id", filter=Q(kind=Commune.Kind.URBAN)),
        rural=Count("id", filter=Q(kind=Commune.Kind.RURAL)),
        rural_population=Sum("population", filter=Q(kind=Commune.Kind.RURAL)),
        urban_population=Sum("population", filter=Q(kind=Commune.Kind.URBAN)),
    )


def communes_of(province: Province, *, search: str = "", kind: str = "") -> QuerySet:
    qs = Commune.objects.filter(province=province).select_related("cercle")
    if search:
        qs = qs.filter(Q(name_fr__icontains=search) | Q(name_ar__icontains=search) | Q(code=search))
    if kind in Commune.Kind.values:
        qs = qs.filter(kind=kind)
    return qs.order_by("cercle__code", "code")


def province_team(province: Province) -> QuerySet:
    """Who holds a role in this province itself (national roles are not listed)."""
    return (
        Membership.objects.filter(province=province, user__is_active=True)
        .select_related("user")
        .order_by("role", "user__last_name", "user__username")
    )
