"""The admin role as an authentication backend: a programme administrator (the admin role in
all provinces) holds every Django permission, so the admin site and `user.has_perm` need no
staff or superuser flag, and the user model needs no import of the access layer."""

from django.contrib.auth.backends import BaseBackend

from provinces.access import Perm, has_global_perm


class ProgrammeRoleBackend(BaseBackend):
    """Authenticates no one (UsernameOrEmailBackend does); grants permissions by role."""

    def _is_programme_admin(self, user) -> bool:
        return user.is_active and has_global_perm(user, Perm.MANAGE)

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return self._is_programme_admin(user_obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return self._is_programme_admin(user_obj)
