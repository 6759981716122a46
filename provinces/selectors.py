"""Reads for provinces and territories."""

import datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from provinces.access import Perm, perms_in, provinces_for_user, scope_for_user
from provinces.models import (
    Activity,
    Commune,
    ExecutionContract,
    FieldVisit,
    FollowUpAction,
    FrameworkConvention,
    Membership,
    Province,
    activity_late_q,
    follow_up_overdue_q,
)
from targa.core.models import User
from targa.core.ordering import NaturalName
from targa.core.selectors import count_per

CURRENT_PROVINCE_SESSION_KEY = "current_province"


def pick_current(provinces: list[Province], session) -> Province | None:
    """The province the user last switched to, if still among theirs, else their first."""
    code = session.get(CURRENT_PROVINCE_SESSION_KEY)
    for p in provinces:
        if p.code == code:
            return p
    return provinces[0] if provinces else None


def home_provinces(user) -> list[tuple[Province, frozenset[Perm]]]:
    """The user's provinces where the programme runs, each with what the user may do there."""
    provinces = (
        provinces_for_user(user)
        .annotate(n_communes=Count("communes", distinct=True))
        .order_by(NaturalName())
    )
    return [(p, perms_in(user, p)) for p in provinces]


def national_roles(user) -> QuerySet:
    """The user's roles in all provinces (admin, viewer…), shown on the home page."""
    return Membership.objects.filter(user=user, province__isnull=True)


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


def conventions_covering(province: Province) -> QuerySet:
    return FrameworkConvention.objects.filter(provinces=province)


def contracts_of_convention(convention: FrameworkConvention, user) -> QuerySet:
    """The execution contracts under a convention, in the provinces the user may see."""
    contracts = convention.contracts.select_related("province")
    return scope_for_user(contracts, user).order_by("province__name_fr", "-start_on")


def responsible_candidates(province: Province) -> QuerySet:
    """Active users who hold a role in the province itself: who may be made responsible."""
    members = Membership.objects.filter(province=province).values("user_id")
    return User.objects.filter(is_active=True, pk__in=members).order_by(
        "first_name", "last_name", "username"
    )


def activity_counts(activities: QuerySet, today: datetime.date | None = None) -> dict:
    """How many activities, done, in progress, late (the rule of `activity_late_q`): one query."""
    today = today or timezone.localdate()
    return activities.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status=Activity.Status.DONE)),
        in_progress=Count("id", filter=Q(status=Activity.Status.IN_PROGRESS)),
        late=Count("id", filter=activity_late_q(today)),
    )


def programme_overview_card(province: Province, perms_here) -> dict:
    """The province page's card on the programme (see `programme_overview`)."""
    return {"province": province, **programme_overview(province)}


def late_activities_per_province(province_ids: list[int]) -> dict[int, int]:
    return count_per(Activity.objects.late(), "province_id", province_ids)


def overdue_actions_per_province(province_ids: list[int]) -> dict[int, int]:
    return count_per(FollowUpAction.objects.overdue(), "visit__province_id", province_ids)


def programme_overview(province: Province, today: datetime.date | None = None) -> dict:
    """The figures of the province page: current contract, chronogram, visits, follow-ups."""
    today = today or timezone.localdate()
    contract = (
        ExecutionContract.objects.filter(province=province)
        .exclude(status=ExecutionContract.Status.DRAFT)
        .order_by("-start_on", "-id")
        .first()
    )
    visits = FieldVisit.objects.filter(province=province).aggregate(
        visits=Count("id"), visits_this_year=Count("id", filter=Q(date__year=today.year))
    )
    actions = FollowUpAction.objects.filter(visit__province=province).aggregate(
        open_actions=Count("id", filter=Q(status=FollowUpAction.Status.OPEN)),
        overdue_actions=Count("id", filter=follow_up_overdue_q(today)),
    )
    return {
        "contract": contract,
        "activities": activity_counts(Activity.objects.filter(province=province), today),
        **visits,
        **actions,
    }
