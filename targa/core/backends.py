"""Authentication by username or e-mail address, both case-insensitive."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q, QuerySet


def users_for_login(login: str) -> QuerySet:
    """The accounts a login names: by username or by e-mail address, in any letter case."""
    return get_user_model()._default_manager.filter(
        Q(username__iexact=login) | (Q(email__iexact=login) & ~Q(email=""))
    )


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        login = username or kwargs.get(get_user_model().USERNAME_FIELD)
        if not login or password is None:
            return None
        for user in users_for_login(login)[:2]:
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
        # Run the hasher once anyway so that timing does not reveal whether the login exists.
        get_user_model()().set_password(password)
        return None
