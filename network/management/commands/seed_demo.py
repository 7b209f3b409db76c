"""Load the demo network KNN (and a second, smaller network). Safe to run again."""

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.module_loading import import_string

from network import demo


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
            # Topic apps add their own demo data through `demo_seeders` on their AppConfig.
            for config in apps.get_app_configs():
                for path in getattr(config, "demo_seeders", ()):
                    import_string(path)(seeded)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo geladen: {seeded.network.name} mit {len(seeded.memberships)} Mitgliedern."
            )
        )
