"""The `targa` app holds what every other app builds on: users, safe editing, history."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargaConfig(AppConfig):
    name = "targa"
    verbose_name = _("Targa")
    default_auto_field = "django.db.models.BigAutoField"
