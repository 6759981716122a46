"""Territories from the census, programme provinces and the province-scoped memberships."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvincesConfig(AppConfig):
    name = "provinces"
    verbose_name = _("Provinces and territories")
    default_auto_field = "django.db.models.BigAutoField"
