"""Project holders and their pipeline."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Project holders")
    default_auto_field = "django.db.models.BigAutoField"

    def contributions(self):
        from targa.core.registry import Contributions, MenuEntry

        return Contributions(
            menu=(
                MenuEntry(_("Project holders"), "projects:holder_list", "person-circle", 60),
                MenuEntry(_("Projects"), "projects:project_list", "signpost-split", 61),
            ),
        )
