"""Value chains (ValueLinks): selection by weighted criteria, diagnostics and their chain map,
the upgrading plan, review and delivery to the Province."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValuechainsConfig(AppConfig):
    name = "valuechains"
    verbose_name = _("Value chains")
    default_auto_field = "django.db.models.BigAutoField"

    def contributions(self):
        from targa.core.registry import Contributions, HomeAlert, MenuEntry, ProvinceCard
        from valuechains import selectors

        return Contributions(
            demo="valuechains.demo.seed",
            menu=(MenuEntry(_("Value chains"), "valuechains:chain_list", "diagram-3", 50),),
            province_cards=(
                ProvinceCard("valuechains/_province_card.html", selectors.province_card, 30),
            ),
            home_alerts=(
                HomeAlert(
                    "diagnostics_to_review",
                    selectors.diagnostics_waiting_per_province,
                    "valuechains/alerts/diagnostics_to_review.html",
                    25,
                ),
                HomeAlert(
                    "late_flagship_actions",
                    selectors.late_actions_per_province,
                    "valuechains/alerts/late_flagship_actions.html",
                    26,
                ),
            ),
        )
