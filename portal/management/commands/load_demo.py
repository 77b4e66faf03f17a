from django.core.management.base import BaseCommand, no_translations

from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = (
        "Load the demonstration data: real events and institutions from published reports, fictional "
        "people. Idempotent: running it again changes nothing."
    )

    @no_translations
    def handle(self, *args, **options):
        result = demo_load()
        for line in result.summary_lines():
            self.stdout.write(line)
        if not result.changed_anything:
            self.stdout.write("The demo data was already up to date.")
        emails = ", ".join(account["email"] for account in DEMO_ACCOUNTS)
        self.stdout.write(self.style.SUCCESS(f"Demo accounts: {emails} (password {DEMO_PASSWORD})"))
