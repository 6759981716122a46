"""CPDE: committee, meetings, recommendations, trainings."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CpdeConfig(AppConfig):
    name = "cpde"
    verbose_name = _("CPDE")
    default_auto_field = "django.db.models.BigAutoField"
