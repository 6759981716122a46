"""Django admin opened to those granted `targa.use_admin_site` (the programme's administrators),
not to a staff flag."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

ADMIN_SITE_PERM = "targa.use_admin_site"


class TargaAdminSite(admin.AdminSite):
    site_header = _("Targa administration")
    site_title = _("Targa administration")
    index_title = _("Reference data and records")

    def has_permission(self, request) -> bool:
        # Who holds it is the authentication backends' business (the admin role, see
        # provinces.backends), not the base's.
        return request.user.is_active and request.user.has_perm(ADMIN_SITE_PERM)


class TargaAdminConfig(AdminConfig):
    default_site = "targa.core.admin_site.TargaAdminSite"
