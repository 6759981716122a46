"""CPDE: committee, meetings, recommendations, questionnaires, trainings, roadmap."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CpdeConfig(AppConfig):
    name = "cpde"
    verbose_name = _("CPDE")
    default_auto_field = "django.db.models.BigAutoField"

    def contributions(self):
        from cpde import selectors
        from targa.core.choices import ChoiceSource
        from targa.core.exporters import ListsWorkbook, Sheet
        from targa.core.registry import Contributions, HomeAlert, MenuEntry, ProvinceCard

        return Contributions(
            exporters=(
                ListsWorkbook(
                    identifier="cpde.workbook",
                    verbose_name=_("CPDE workbook"),
                    description=_(
                        "Members, meetings, recommendations with their follow-up, trainings "
                        "and the capacity-building roadmap: one sheet each."
                    ),
                    filename_stem="cpde",
                    order=20,
                    sheets=(
                        Sheet("cpde:member_list"),
                        Sheet("cpde:meeting_list"),
                        Sheet("cpde:recommendation_list"),
                        Sheet("cpde:training_list"),
                        Sheet("cpde:roadmap_item_list", _("Roadmap")),
                    ),
                ),
            ),
            demo="cpde.demo.seed",
            # Records that grow with the years: picked by typing, not from a select.
            choice_sources=(
                ChoiceSource(
                    "meetings",
                    "cpde.Meeting",
                    matcher="cpde.selectors.meetings_matching",
                    filters=("date__gte",),
                ),
                ChoiceSource(
                    "members",
                    "cpde.CommitteeMember",
                    search=("name", "institution_name", "position"),
                ),
            ),
            menu=(
                # Short labels in the menu (the committee's Arabic name is four words long),
                # the long names as their tooltips.
                MenuEntry(
                    pgettext_lazy("menu", "CPDE"), "cpde:committee", "people", 40, title=_("CPDE")
                ),
                MenuEntry(
                    pgettext_lazy("menu", "CPDE meetings"),
                    "cpde:meeting_list",
                    "calendar-event",
                    41,
                    title=_("CPDE meetings"),
                ),
                MenuEntry(_("Late recommendations"), "cpde:recommendation_overdue", "alarm", 42),
            ),
            province_cards=(ProvinceCard("cpde/_province_card.html", selectors.province_card, 20),),
            home_alerts=(
                HomeAlert(
                    "late_recommendations",
                    selectors.late_recommendations_per_province,
                    "cpde/alerts/late_recommendations.html",
                    20,
                ),
            ),
        )
