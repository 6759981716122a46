"""CPDE: committee, meetings, recommendations, questionnaires, trainings, roadmap."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CpdeConfig(AppConfig):
    name = "cpde"
    verbose_name = _("CPDE")
    default_auto_field = "django.db.models.BigAutoField"

    def contributions(self):
        from cpde import selectors
        from targa.core.registry import Contributions, HomeAlert, MenuEntry, ProvinceCard

        return Contributions(
            demo="cpde.demo.seed",
            menu=(
                MenuEntry(_("CPDE"), "cpde:committee", "people", 40),
                MenuEntry(_("CPDE meetings"), "cpde:meeting_list", "calendar-event", 41),
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
