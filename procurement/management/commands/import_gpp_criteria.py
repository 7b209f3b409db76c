"""Import the EU GPP criteria list into a network's catalogue. Safe to run again."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from network.models import Network
from procurement.importer import ImportRefused, import_criteria, load_documents
from procurement.models import Level, Stage


class Command(BaseCommand):
    help = "Importiert EU-GPP-Kriterien (JSON) in den Katalog eines Netzwerks."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--network", required=True, help="Kurzname des Netzwerks")
        parser.add_argument(
            "--documents",
            type=Path,
            help="eu-gpp-criteria-documents.json (Standard: neben FILE)",
        )

    def handle(self, *args, file, network, documents=None, **options):
        try:
            target = Network.objects.get(slug=network)
        except Network.DoesNotExist:
            raise CommandError(f"Netzwerk „{network}“ gibt es nicht.") from None
        try:
            raw = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error}") from None
        documents = documents or file.with_name("eu-gpp-criteria-documents.json")
        try:
            summary = import_criteria(target, raw, load_documents(documents))
        except ImportRefused as refused:
            raise CommandError(
                "Die Datei wurde nicht importiert:\n" + "\n".join(refused.problems)
            ) from None
        self.stdout.write(f"{file.name} → {target.name}: {summary}")
        for stage in Stage:
            counts = [summary.by_stage_level.get((stage.value, level.value), 0) for level in Level]
            self.stdout.write(
                f"  {stage.label}: "
                + ", ".join(f"{level.label} {n}" for level, n in zip(Level, counts, strict=True))
            )
