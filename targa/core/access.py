"""The base's door to the access layer: the permissions, and the calls the record kit makes.

The base does not know provinces or memberships; the app that does (provinces) declares its
access layer in its AppConfig (see `targa.core.registry`), and these functions call it. So
the record kit, forms and views of every app ask the same one layer, at one depth.
"""

from enum import StrEnum

from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _

from targa.core import registry


class Perm(StrEnum):
    VIEW = "view"  # read the province's records
    CHANGE = "change"  # create and edit field data
    VALIDATE = "validate"  # validate and close (coordinators)
    MANAGE = "manage"  # users, memberships and reference data (admins)


PERM_LABELS = {
    Perm.VIEW: _("consult the province's records"),
    Perm.CHANGE: _("enter and edit field data"),
    Perm.VALIDATE: _("validate and close"),
    Perm.MANAGE: _("manage users and reference data"),
}


def access_province(*, user, code: str, perm: Perm = Perm.VIEW) -> Model:
    """The province with this code, if the user may open it (404 otherwise)."""
    return registry.access_layer().access_province(user=user, code=code, perm=perm)


def access_object(qs_or_model, *, user, perm: Perm = Perm.VIEW, **lookup) -> Model:
    """One scoped object: 404 if missing or out of the user's provinces, 403 without `perm`."""
    return registry.access_layer().access_object(qs_or_model, user=user, perm=perm, **lookup)


def perms_in(user, province) -> frozenset[Perm]:
    """What the user may do in a province."""
    return registry.access_layer().perms_in(user, province)


def perms_on(user, obj: Model) -> frozenset[Perm]:
    """What the user may do to one scoped object (their perms in its province)."""
    return registry.access_layer().perms_on(user, obj)


def in_province(qs: QuerySet, province) -> QuerySet:
    """The rows of a province-scoped queryset that belong to one province."""
    return registry.access_layer().in_province(qs, province)


def province_id_of(obj: Model):
    """The id of the province a scoped record belongs to, following its `province_path`
    (works on a record rebuilt from history; raises ObjectDoesNotExist if a parent is gone)."""
    path = type(obj).province_path
    if path == "pk":
        return obj.pk
    *parents, last = path.split("__")
    target = obj
    for part in parents:
        target = getattr(target, part)
    return getattr(target, f"{last}_id")
