"""Load the demo network KNN (and a second, smaller network). Safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from network import demo, plugins


class Command(BaseCommand):
    help = "Lädt das Demo-Netzwerk KNN mit Konten (Passwort: demo). Mehrfach ausführbar."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Auch mit DJANGO_DEBUG=false ausführen (legt Konten mit Passwort 'demo' an).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo legt Konten mit dem Passwort 'demo' an und läuft daher nur mit "
                "DJANGO_DEBUG=true – oder mit --force."
            )
        with transaction.atomic():
            seeded = demo.seed_network()
            # Topic apps add their own demo data through `demo_seeders` (network.plugins).
            for seed in plugins.objects("demo_seeders"):
                seed(seeded)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo geladen: {seeded.network.name} mit {len(seeded.memberships)} Mitgliedern."
            )
        )
