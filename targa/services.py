"""State changes for users and memberships (administrators' work)."""

from django.db import transaction

from provinces.access import forget_grants
from provinces.models import Membership
from targa.models import User
from targa.records import record_delete


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    record_delete(instance=membership, by=by)
    forget_grants(membership.user)


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    """Remember the language a user chose, so it follows them to other devices."""
    if user.language != language:
        user.language = language
        user._history_user = user
        user.save(update_fields=["language"])
