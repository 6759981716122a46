"""Django admin opened to the programme's administrators (the admin role), not to a staff flag."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class TargaAdminSite(admin.AdminSite):
    site_header = _("Targa administration")
    site_title = _("Targa administration")
    index_title = _("Reference data and records")

    def has_permission(self, request) -> bool:
        from provinces.access import Perm, has_global_perm

        return request.user.is_active and has_global_perm(request.user, Perm.MANAGE)


class TargaAdminConfig(AdminConfig):
    default_site = "targa.admin_site.TargaAdminSite"
