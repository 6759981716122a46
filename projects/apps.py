"""Project holders and their pipeline."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Project holders")
    default_auto_field = "django.db.models.BigAutoField"

    def contributions(self):
        from projects import selectors, selectors_alerts, selectors_plans
        from projects.imports import HolderImport
        from targa.core.choices import ChoiceSource
        from targa.core.registry import Contributions, HomeAlert, MenuEntry, ProvinceCard

        return Contributions(
            demo="projects.demo.seed",
            job_runners=(("projects.plan_pdf", "projects.plan_pdf.run_pdf_job"),),
            importers=(HolderImport(),),
            province_cards=(
                ProvinceCard("projects/_province_card.html", selectors.province_card, 40),
            ),
            home_alerts=(
                HomeAlert(
                    "overdue_follow_ups",
                    selectors_alerts.overdue_follow_ups_per_province,
                    "projects/alerts/overdue_follow_ups.html",
                    40,
                ),
                HomeAlert(
                    "overdue_plan_follow_ups",
                    selectors_plans.overdue_plan_follow_ups_per_province,
                    "projects/alerts/overdue_plan_follow_ups.html",
                    41,
                ),
                HomeAlert(
                    "imports_waiting",
                    selectors.imports_waiting_per_province,
                    "projects/alerts/imports_waiting.html",
                    42,
                ),
            ),
            # Thousands of holders a province: typed, with suggestions, not a select.
            choice_sources=(
                ChoiceSource("holders", "projects.Holder", matcher="projects.selectors.named"),
                ChoiceSource(
                    "structures", "projects.Structure", matcher="projects.selectors.named"
                ),
                # The cooperatives alone, for a capacity plan's cooperative.
                ChoiceSource(
                    "cooperatives",
                    "projects.Structure",
                    matcher="projects.selectors.named",
                    narrow=(("kind", "cooperative"),),
                    default=False,
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
                MenuEntry(_("Structures"), "projects:structure_list", "building", 63),
                MenuEntry(
                    _("Capacity plans"),
                    "projects:plan_list",
                    "list-check",
                    64,
                    title=_("Cooperatives' capacity plans"),
                ),
            ),
        )
