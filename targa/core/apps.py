"""The base every app builds on: users, tracked records, history, safe editing, the record kit.

Its app label stays "targa" (the user model is `targa.User`). It imports no domain app: apps
contribute what the shell shows through `targa.core.registry`.
"""

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "targa.core"
    label = "targa"
    verbose_name = _("Targa")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.conf import settings
        from PIL import Image

        # Pillow's own guard against decompression bombs (a warning above the limit, an
        # error above twice the limit), at the limit uploads are held to.
        Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS

        from targa.core import lockout

        user_logged_in.connect(lockout.forget_failures_on_login, dispatch_uid="targa-lockout")

        from targa.core import ordering  # noqa: F401  (registers SQLite's dictionary order)

    def contributions(self):
        from targa.core.registry import Contributions, MenuEntry

        # The base's own page of a province: the files the apps offer (their exporters).
        return Contributions(menu=(MenuEntry(_("Exports"), "exports:province", "download", 95),))
