"""State changes of users that are the base's own."""

import logging

from axes.utils import reset as axes_reset
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import transaction
from django.utils.translation import gettext

from targa.core.models import User

logger = logging.getLogger(__name__)


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    """Remember the language a user chose, so it follows them to other devices."""
    if user.language != language:
        user.language = language
        user._history_user = user
        user.save(update_fields=["language"])


@transaction.atomic
def user_unlock(*, user: User, by: User) -> int:
    """Forget the user's failed logins (from every address), so that no lockout holds them
    back; returns how many records of failures were cleared.

    An unlock is kept in the admin's log of actions on the user (who, when) and in the
    application log. A lock on an address alone, whoever tried, is cleared in the admin's
    "Access attempts".
    """
    cleared = axes_reset(username=user.username)
    if cleared:
        LogEntry.objects.log_actions(
            user_id=by.pk,
            queryset=[user],
            action_flag=CHANGE,
            change_message=gettext("Failed logins cleared: the account is unlocked."),
            single_object=True,
        )
        logger.info("Failed logins of %s cleared by %s.", user.username, by.username)
    return cleared
