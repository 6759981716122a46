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
        from valuechains.deliverable import PDF_JOB, DiagnosticsWorkbook

        return Contributions(
            exporters=(
                DiagnosticsWorkbook(
                    identifier="valuechains.diagnostics",
                    verbose_name=_("Value-chain diagnostics workbook"),
                    description=_(
                        "The latest diagnostic of each chain: stages and operators, supporters, "
                        "bottlenecks, opportunities, SWOT, field observations, the upgrading "
                        "plan with its indicators, advocacy; one sheet each."
                    ),
                    order=30,
                ),
            ),
            job_runners=((PDF_JOB, "valuechains.deliverable.run_pdf_job"),),
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
