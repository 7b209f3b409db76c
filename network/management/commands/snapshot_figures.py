"""Key figures per quarter end (network.timeseries), for cron, tests and the first run.

python manage.py snapshot_figures                   # the last quarter, where it is missing
python manage.py snapshot_figures --backfill        # every quarter since each network began
python manage.py snapshot_figures --backfill --network knn
"""

from django.core.management.base import BaseCommand, CommandError

from network import timeseries
from network.models import Network


class Command(BaseCommand):
    help = "Kennzahlen zum Quartalsende festhalten (mit --backfill alle vergangenen Quartale)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--backfill",
            action="store_true",
            help="jedes vergangene Quartal seit Beginn des Netzwerks neu berechnen",
        )
        parser.add_argument("--network", help="nur dieses Netzwerk (Kurzname)")

    def handle(self, *args, **options):
        networks = Network.objects.order_by("slug")
        if options["network"]:
            networks = networks.filter(slug=options["network"])
            if not networks.exists():
                raise CommandError(f"Kein Netzwerk mit dem Kurznamen {options['network']!r}.")
        if not options["backfill"]:
            if options["network"]:
                raise CommandError("--network nur zusammen mit --backfill.")
            self.stdout.write(f"Kennzahlen geschrieben: {timeseries.snapshots_take_due()}")
            return
        for network in networks:
            written = timeseries.snapshots_backfill(network=network)
            self.stdout.write(f"{network.slug}: {written} Kennzahlen geschrieben")
