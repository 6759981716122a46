"""manage.py load_territories: all regions, provinces, cercles and communes from the 2024 census."""

import time

from django.core.management.base import BaseCommand

from provinces.territories import load_territories


class Command(BaseCommand):
    help = "Load or refresh Morocco's territorial units (HCP, RGPH 2024, CC BY 4.0). Idempotent."

    def handle(self, *args, **options):
        start = time.perf_counter()
        report = load_territories()
        for name in report.created:
            self.stdout.write(
                f"{name}: {report.created[name]} created, {report.updated[name]} updated, "
                f"{report.unchanged[name]} unchanged"
            )
        self.stdout.write(
            self.style.SUCCESS(f"Territories loaded in {time.perf_counter() - start:.1f} s.")
        )
