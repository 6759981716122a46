"""Territories from the census, programme provinces, memberships and the access layer; the
provincial programme (conventions, contracts, chronogram, visits, stakeholders)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvincesConfig(AppConfig):
    name = "provinces"
    verbose_name = _("Provinces and territories")
    default_auto_field = "django.db.models.BigAutoField"

    def contributions(self):
        from provinces import selectors
        from targa.core.choices import ChoiceSource
        from targa.core.exporters import ListsWorkbook, Sheet
        from targa.core.registry import Contributions, HomeAlert, MenuEntry, ProvinceCard

        return Contributions(
            exporters=(
                ListsWorkbook(
                    identifier="provinces.programme",
                    verbose_name=_("Provincial programme workbook"),
                    description=_(
                        "Contracts, the chronogram of activities, field visits and "
                        "stakeholders: one sheet each."
                    ),
                    filename_stem="programme",
                    order=10,
                    sheets=(
                        Sheet("provinces:contract_list"),
                        Sheet("provinces:activity_list"),
                        Sheet("provinces:visit_list"),
                        Sheet("provinces:stakeholder_list"),
                    ),
                ),
            ),
            access_layer="provinces.access",
            # Records that grow with the years: picked by typing, not from a select.
            choice_sources=(
                ChoiceSource("stakeholders", "provinces.Stakeholder", search=("name", "acronym")),
                ChoiceSource(
                    "associations",
                    "provinces.Stakeholder",
                    search=("name", "acronym"),
                    narrow=(("kind", "association"),),
                    default=False,
                ),
                ChoiceSource("activities", "provinces.Activity", search=("title",)),
                ChoiceSource("contracts", "provinces.ExecutionContract", search=("reference",)),
            ),
            demo="provinces.demo.seed",
            menu=(
                MenuEntry(_("Chronogram"), "provinces:activity_gantt", "bar-chart-steps", 10),
                MenuEntry(_("Visits and meetings"), "provinces:visit_list", "signpost-2", 20),
                MenuEntry(_("Contracts"), "provinces:contract_list", "file-earmark-text", 30),
                MenuEntry(_("Stakeholders"), "provinces:stakeholder_list", "building", 80),
                MenuEntry(_("Communes"), "provinces:communes", "map", 90),
            ),
            province_cards=(
                ProvinceCard(
                    "provinces/_programme_overview.html", selectors.programme_overview_card, 10
                ),
            ),
            home_alerts=(
                HomeAlert(
                    "late_activities",
                    selectors.late_activities_per_province,
                    "provinces/alerts/late_activities.html",
                    10,
                ),
                HomeAlert(
                    "overdue_actions",
                    selectors.overdue_actions_per_province,
                    "provinces/alerts/overdue_actions.html",
                    30,
                ),
            ),
        )
