"""manage.py seed_demo: demo users (one per role) and every app's demo records; safe to rerun."""

from django.core.management.base import BaseCommand

from targa.core.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo users and demo data. Running it again changes nothing."

    def handle(self, *args, **options):
        seed_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
