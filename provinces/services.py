"""State changes of the provincial programme that are more than saving a form."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from provinces.access import Perm, forget_grants, has_global_perm
from provinces.models import Attachment, FollowUpAction, Membership, Province, ProvinceProgramme
from targa.core.models import User
from targa.core.records import record_create, record_delete, record_update


@transaction.atomic
def attachment_create(
    *, record: models.Model, province: Province, upload: File, by: User, title: str = ""
) -> Attachment:
    """Attach a photo or document to a record of `province`.

    The model's rules refuse (ValidationError) a record that does not accept attachments or
    lies in another province, and a file too large or whose content is not what its name
    says. The file is written once the transaction commits: a failure writes nothing.
    """
    attachment = Attachment(
        province=province,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        file=upload,
        title=title,
    )
    return record_create(instance=attachment, by=by).instance


@transaction.atomic
def follow_up_action_complete(
    *,
    action: FollowUpAction,
    by: User,
    expected_version: int,
    done_on: datetime.date | None = None,
) -> FollowUpAction:
    """Mark a follow-up action done (today unless said otherwise).

    Raises EditConflict if someone saved the action after the person opened the page.
    """
    action.status = FollowUpAction.Status.DONE
    action.done_on = done_on or timezone.localdate()
    return record_update(instance=action, expected_version=expected_version, by=by)


@transaction.atomic
def follow_up_action_reopen(
    *, action: FollowUpAction, by: User, expected_version: int
) -> FollowUpAction:
    """Open a follow-up action again (it was marked done by mistake, or is not finished)."""
    action.status = FollowUpAction.Status.OPEN
    action.done_on = None
    return record_update(instance=action, expected_version=expected_version, by=by)


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    record_delete(instance=membership, by=by)
    forget_grants(membership.user)


@transaction.atomic
def programme_set_active(
    *,
    programme: ProvinceProgramme,
    active: bool,
    by: User,
    expected_version: int,
    reason: str = "",
) -> ProvinceProgramme:
    """Suspend the programme in a province (its pages are then open to administrators only)
    or resume it: an administrator's decision, with the reason kept in the history."""
    if not has_global_perm(by, Perm.MANAGE):
        raise PermissionDenied
    reason = reason.strip()
    if not active and not reason:
        raise ValidationError({"reason": _("Say why the programme is suspended.")})
    if programme.is_active == active:
        return programme
    programme.is_active = active
    return record_update(
        instance=programme,
        expected_version=expected_version,
        by=by,
        reason=("suspended: " if not active else "resumed: ") + reason if reason else "resumed",
    )
