"""The access layer: which provinces a user may see or change; one door into every scoped object.

Every view goes through here (STYLE.md §2–3). Lists use `scope_for_user`; a single object is
loaded with `access_object`, which answers 404 both for a missing object and for one in a
province the user has no role in, so ids cannot be probed.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from provinces.models import FrameworkConvention, Membership, Province, Role
from targa.core.access import Perm

__all__ = ["Perm"]  # the base's permissions, used with these functions everywhere


ROLE_PERMS: dict[str, frozenset[Perm]] = {
    Role.ADMIN: frozenset(Perm),
    Role.COORDINATOR: frozenset({Perm.VIEW, Perm.CHANGE, Perm.VALIDATE}),
    Role.FIELD_AGENT: frozenset({Perm.VIEW, Perm.CHANGE}),
    Role.VIEWER: frozenset({Perm.VIEW}),
}

ALL = "all"  # the key under which a national membership's perms are kept


def _grants(user) -> dict[object, frozenset[Perm]]:
    """Province id (or ALL) → perms, read once per request and cached on the user object."""
    cached = getattr(user, "_targa_grants", None)
    if cached is not None:
        return cached
    grants: dict[object, frozenset[Perm]] = {}
    if user.is_authenticated and user.is_active:
        if user.is_superuser:  # created with createsuperuser, e.g. to bootstrap a server
            grants[ALL] = ROLE_PERMS[Role.ADMIN]
        for province_id, role in Membership.objects.filter(user=user).values_list(
            "province_id", "role"
        ):
            key = ALL if province_id is None else province_id
            grants[key] = grants.get(key, frozenset()) | ROLE_PERMS[role]
    user._targa_grants = grants
    return grants


def forget_grants(user) -> None:
    """Drop the cached grants (after memberships change within a request)."""
    if hasattr(user, "_targa_grants"):
        del user._targa_grants


def perms_in(user, province: Province | None) -> frozenset[Perm]:
    """What the user may do in a province (national roles included)."""
    grants = _grants(user)
    perms = grants.get(ALL, frozenset())
    if province is not None:
        perms = perms | grants.get(province.pk, frozenset())
    return perms


def has_perm(user, perm: Perm, province: Province | None = None) -> bool:
    return perm in perms_in(user, province)


def has_global_perm(user, perm: Perm) -> bool:
    """True if the user holds `perm` in every province (a national role)."""
    return perm in _grants(user).get(ALL, frozenset())


def has_perm_somewhere(user, perm: Perm) -> bool:
    return any(perm in perms for perms in _grants(user).values())


def province_ids_for(user, perm: Perm = Perm.VIEW) -> set[int] | None:
    """Ids of the provinces where the user holds `perm`; None means every province."""
    grants = _grants(user)
    if perm in grants.get(ALL, frozenset()):
        return None
    return {key for key, perms in grants.items() if key != ALL and perm in perms}


def scope_for_user(qs: QuerySet, user, perm: Perm = Perm.VIEW) -> QuerySet:
    """Filter a queryset of a province-scoped model to what the user may see (or change).

    The model says how it reaches its province with a `province_path` attribute, e.g.
    "province" or "meeting__committee__province" ("pk" for Province itself).
    """
    ids = province_ids_for(user, perm)
    if ids is None:
        return qs
    path = qs.model.province_path
    lookup = "pk__in" if path == "pk" else f"{path}__in"
    return qs.filter(**{lookup: ids}) if ids else qs.none()


def in_province(qs: QuerySet, province: Province) -> QuerySet:
    """Rows of a province-scoped model that belong to one province (no permission check)."""
    path = qs.model.province_path
    return qs.filter(**{"pk" if path == "pk" else path: province.pk})


def provinces_for_user(user, perm: Perm = Perm.VIEW, *, programme_only: bool = True) -> QuerySet:
    """The provinces the user may open; by default only those where the programme runs."""
    qs = Province.objects.select_related("region")
    if programme_only:
        qs = qs.filter(programme__is_active=True)
    return scope_for_user(qs, user, perm)


def _province_of(obj: Model) -> Province:
    path = type(obj).province_path
    if path == "pk":
        return obj
    target = obj
    for part in path.split("__"):
        target = getattr(target, part)
    return target


def perms_on(user, obj: Model) -> frozenset[Perm]:
    """What the user may do to one scoped object: their perms in its province."""
    return perms_in(user, _province_of(obj))


def access_object(qs_or_model, *, user, perm: Perm = Perm.VIEW, **lookup) -> Model:
    """Load one scoped object and check the user may `perm` it.

    404 if it does not exist or lies in a province where the user has no role at all (the
    same answer, so ids cannot be probed). 403 if the user can see it but not `perm` it.
    """
    qs = qs_or_model if isinstance(qs_or_model, QuerySet) else qs_or_model._default_manager.all()
    visible = scope_for_user(qs, user, Perm.VIEW)
    try:
        obj = visible.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    except qs.model.MultipleObjectsReturned as exc:  # a lookup that is not unique is a bug
        raise Http404 from exc
    if perm != Perm.VIEW and not has_perm(user, perm, _province_of(obj)):
        raise PermissionDenied
    return obj


def access_province(*, user, code: str, perm: Perm = Perm.VIEW) -> Province:
    """The province with this HCP code, if the programme runs there and the user has a role.

    Where the programme is suspended, only administrators open it (to see it and resume it).
    """
    qs = Province.objects.select_related("region", "programme").filter(programme__isnull=False)
    if not has_global_perm(user, Perm.MANAGE):
        qs = qs.filter(programme__is_active=True)
    return access_object(qs, user=user, perm=perm, code=code)


def require_global_perm(user, perm: Perm) -> None:
    if not has_global_perm(user, perm):
        raise PermissionDenied


def conventions_for_user(user) -> QuerySet:
    """Framework conventions covering at least one province the user may see."""
    qs = FrameworkConvention.objects.all()
    ids = province_ids_for(user, Perm.VIEW)
    if ids is None:
        return qs
    covering = FrameworkConvention.provinces.through.objects.filter(province_id__in=ids)
    return qs.filter(pk__in=covering.values("frameworkconvention_id"))


def access_convention(*, user, pk, perm: Perm = Perm.VIEW) -> FrameworkConvention:
    """A framework convention is national reference data: read it if one of its provinces is
    yours (404 otherwise, like any scoped object); change it only with a national MANAGE role.
    """
    try:
        convention = conventions_for_user(user).get(pk=pk)
    except (FrameworkConvention.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if perm != Perm.VIEW:
        require_global_perm(user, perm)
    return convention
