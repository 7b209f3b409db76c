"""Build a report synchronously into a file, for scripts and cron.

    python manage.py build_report --network knn --municipality luenen --output FILE.pdf
    python manage.py build_report --network knn --annual 2026 --output FILE.pdf

No Report row is created: the file is the result (the portal's own reports are requested
in the web interface or by the quarterly schedule and get a number there).
"""

import time
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from network.models import Membership, Network, Report
from network.progress import Period
from network.reports.context import build_context, render_report_html
from network.reports.pdf import html_to_pdf


class Command(BaseCommand):
    help = "Erstellt einen Fortschrittsbericht oder eine Erfolgsbilanz als PDF-Datei."

    def add_arguments(self, parser):
        parser.add_argument("--network", required=True, help="Kurzname des Netzwerks")
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--municipality", help="Kurzname der Kommune (Fortschrittsbericht)")
        which.add_argument("--annual", type=int, metavar="JAHR", help="Erfolgsbilanz des Jahres")
        parser.add_argument("--year", type=int, help="Jahr des Fortschrittsberichts")
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument(
            "--html", action="store_true", help="die barrierefreie HTML-Fassung statt PDF"
        )

    def handle(self, *args, **options):
        network = Network.objects.filter(slug=options["network"]).first()
        if network is None:
            raise CommandError(f"Netzwerk {options['network']!r} gibt es nicht.")
        today = timezone.localdate()
        if options["annual"]:
            kind, membership, period = Report.Kind.ANNUAL, None, Period.year(options["annual"])
        else:
            membership = (
                Membership.objects.select_related("municipality")
                .filter(network=network, municipality__slug=options["municipality"])
                .first()
            )
            if membership is None:
                raise CommandError(
                    f"{options['municipality']!r} ist nicht Mitglied in {network.slug!r}."
                )
            year = options["year"] or today.year
            end = today if year == today.year else date(year, 12, 31)
            kind, period = Report.Kind.MUNICIPALITY, Period(date(year, 1, 1), end)
        started = time.perf_counter()
        context = build_context(network=network, kind=kind, period=period, membership=membership)
        if options["html"]:
            data = render_report_html(context, web=True).encode()
        else:
            data = html_to_pdf(render_report_html(context))
        Path(options["output"]).write_bytes(data)
        self.stdout.write(
            f"{options['output']}: {len(data):,} Bytes in {time.perf_counter() - started:.1f} s"
        )
