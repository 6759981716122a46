"""Project holders and their pipeline."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Project holders")
    default_auto_field = "django.db.models.BigAutoField"

    def contributions(self):
        from projects import selectors
        from targa.core.choices import ChoiceSource
        from targa.core.registry import Contributions, MenuEntry, ProvinceCard

        return Contributions(
            demo="projects.demo.seed",
            province_cards=(
                ProvinceCard("projects/_province_card.html", selectors.province_card, 40),
            ),
            # Thousands of holders a province: typed, with suggestions, not a select.
            choice_sources=(
                ChoiceSource("holders", "projects.Holder", matcher="projects.selectors.named"),
                ChoiceSource(
                    "structures", "projects.Structure", matcher="projects.selectors.named"
                ),
            ),
            menu=(
                MenuEntry(_("Project holders"), "projects:holder_list", "person-circle", 60),
                MenuEntry(_("Projects"), "projects:project_list", "signpost-split", 61),
                MenuEntry(
                    _("Sessions"),
                    "projects:session_list",
                    "easel",
                    62,
                    title=_("Accompaniment sessions"),
                ),
            ),
        )
