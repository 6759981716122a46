"""State changes of users that are the base's own."""

from django.db import transaction

from targa.core.models import User


@transaction.atomic
def user_set_language(*, user: User, language: str) -> None:
    """Remember the language a user chose, so it follows them to other devices."""
    if user.language != language:
        user.language = language
        user._history_user = user
        user.save(update_fields=["language"])
