"""manage.py seed_demo: demo users (one per role) and demo records; safe to run again."""

from django.core.management.base import BaseCommand

from targa.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo users and demo data. Running it again changes nothing."

    def handle(self, *args, **options):
        users = seed_demo(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {DEMO_PASSWORD}):"))
        for demo, _user in users:
            self.stdout.write(f"  {demo.username:<18} {demo.label}")
