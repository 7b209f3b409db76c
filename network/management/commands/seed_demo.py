"""Load the demo network KNN (and a second, smaller network). Safe to run again."""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from network import demo, plugins, timeseries
from network.exchange import demo as exchange_demo
from network.models import Network


class Command(BaseCommand):
    help = "Lädt das Demo-Netzwerk KNN mit Konten (Passwort: demo). Mehrfach ausführbar."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Auch mit DJANGO_DEBUG=false ausführen (legt Konten mit Passwort 'demo' an).",
        )
        parser.add_argument(
            "--without-series",
            action="store_true",
            help="Keine Quartalswerte der Kennzahlen nachtragen (schneller, für Tests).",
        )
        parser.add_argument(
            "--without-reports",
            action="store_true",
            help="Keine fertigen Berichte erstellen (schneller, für Tests).",
        )
        parser.add_argument(
            "--today",
            type=_day,
            default=None,
            help="Der Tag, von dem aus die Demo erzählt wird (JJJJ-MM-TT; Standard: heute).",
        )

    def handle(
        self, *args, force=False, today=None, without_series=False, without_reports=False, **options
    ):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo legt Konten mit dem Passwort 'demo' an und läuft daher nur mit "
                "DJANGO_DEBUG=true – oder mit --force."
            )
        if isinstance(today, str):  # call_command(..., today="2027-06-15") skips the parser
            today = _day(today)
        with transaction.atomic():
            seeded = demo.seed_network(today or timezone.localdate())
            # Topic apps add their own demo data through `demo_seeders` (network.plugins).
            for seed in plugins.objects("demo_seeders"):
                seed(seeded)
            # The cases of the collegial consultation link to the topic apps' demo data.
            exchange_demo.seed(seeded)
            if not without_series:
                # The demo's years as trend charts: every ended quarter, from the history.
                for network in Network.objects.filter(slug__in=demo.DEMO_NETWORK_SLUGS):
                    timeseries.snapshots_backfill(network=network, today=seeded.today)
        if not without_reports:
            # After the data is committed: the builds read it like any report, outside a
            # transaction (they take a few seconds).
            demo.seed_reports(seeded)
            demo.publish_annual_report(seeded)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo geladen: {seeded.network.name} mit {len(seeded.memberships)} Mitgliedern, "
                f"Stand {seeded.today:%d.%m.%Y}."
            )
        )


def _day(value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today: {value!r} ist kein Datum der Form JJJJ-MM-TT.") from None
    if not date(2023, 1, 1) <= day <= date(2100, 12, 31):
        # The story starts in September 2022; a demo told from before it would be empty.
        raise CommandError("--today: ein Tag zwischen 2023-01-01 und 2100-12-31.")
    return day
