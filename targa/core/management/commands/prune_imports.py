"""manage.py prune_imports: delete the spreadsheets of imports that are over (imported or
refused) after some days; they hold personal data, and what the runs did is kept."""

from django.core.management.base import BaseCommand

from targa.core.imports import prune_files


class Command(BaseCommand):
    help = "Delete the uploaded spreadsheets of imports done or refused more than N days ago."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30)

    def handle(self, *args, **options):
        n = prune_files(older_than_days=max(0, options["days"]))
        self.stdout.write(f"{n} spreadsheet(s) deleted.")
