"""Value chains (ValueLinks diagnostics and action plans)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValuechainsConfig(AppConfig):
    name = "valuechains"
    verbose_name = _("Value chains")
    default_auto_field = "django.db.models.BigAutoField"
