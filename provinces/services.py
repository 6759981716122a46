"""State changes of the provincial programme that are more than saving a form."""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.db import models, transaction
from django.utils import timezone

from provinces.access import forget_grants
from provinces.models import Attachment, FollowUpAction, Membership, Province
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
