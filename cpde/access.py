"""The one door into questionnaires, which are national (no province) or of one province.

`provinces.access.access_object` follows `province_path` and so cannot see a national
questionnaire from a province; these helpers can. The province itself has always been
loaded through `access_province` first, so a user without a role there never gets this far.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from cpde.models import Questionnaire
from provinces.access import Perm, has_global_perm, has_perm
from provinces.models import Province


def questionnaires_in(province: Province) -> QuerySet:
    """The questionnaires used in a province: the national ones and its own."""
    return Questionnaire.objects.filter(Q(province__isnull=True) | Q(province=province))


def can_manage_questionnaire(user, questionnaire: Questionnaire, province: Province) -> bool:
    """Administrators manage national questionnaires; coordinators their province's."""
    if questionnaire.province_id is None:
        return has_global_perm(user, Perm.MANAGE)
    return has_perm(user, Perm.VALIDATE, province)


def access_questionnaire(*, user, province: Province, pk, perm: Perm = Perm.VIEW) -> Questionnaire:
    """Load a questionnaire used in `province`.

    404 if it does not exist or belongs to another province. With `perm=Perm.VALIDATE` (edit
    its questions, delete it) the user must be allowed to manage it, else 403; with
    `Perm.CHANGE` (answer it) the user must be able to change records of the province.
    """
    try:
        questionnaire = questionnaires_in(province).get(pk=pk)
    except (Questionnaire.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if perm == Perm.VALIDATE and not can_manage_questionnaire(user, questionnaire, province):
        raise PermissionDenied
    if perm == Perm.CHANGE and not has_perm(user, Perm.CHANGE, province):
        raise PermissionDenied
    return questionnaire
