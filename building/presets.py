"""Boards to start from. They are modelled on the public systems ("angelehnt"), not copies:
group weights and rating thresholds follow DGNB Neubau 2023 and BNB, the criteria are a
short selection with the systems' codes for orientation.

- DGNB Neubau 2023: environmental 25, economic 25, sociocultural 25, technical 10,
  process 10, site 5 % (site quality does not count for the per-group minimums);
  Platin ≥ 80 % total and ≥ 65 % per group, Gold ≥ 65/50, Silber ≥ 50/35, Bronze ≥ 35.
- BNB (Bewertungssystem Nachhaltiges Bauen des Bundes): points 10 / 50 / 100 for
  threshold / reference / target, weight factors 1–3; ecological, economic, sociocultural
  and technical quality 22.5 % each, process 10 %; Gold ≥ 80 %, Silber ≥ 65 %,
  Bronze ≥ 50 % with minimums per group 65 / 50 / 35 %.
- KNN: the network's own board, sustainability groups plus economic efficiency.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

TARGET, REFERENCE, THRESHOLD = (
    "Zielwert erreicht (100 Punkte).",
    "Referenzwert erreicht (50 Punkte).",
    "Grenzwert eingehalten (10 Punkte).",
)


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    description: str
    # (code, name, weight, in group minimums, [(code, name, factor, minimum)])
    groups: tuple
    # (name, min total, min per group)
    levels: tuple


DGNB = Preset(
    key="dgnb",
    name="DGNB Neubau 2023 (angelehnt)",
    description=(
        "Angelehnt an das DGNB-System für Neubauten, Version 2023: sechs Themenfelder, "
        "Auszeichnung nach Gesamterfüllungsgrad und Mindesterfüllungsgrad je Themenfeld."
    ),
    groups=(
        (
            "ENV",
            "Ökologische Qualität",
            25,
            True,
            (
                ("ENV1.1", "Klimaschutz und Energie (Ökobilanz)", 3, None),
                ("ENV1.2", "Risiken für die lokale Umwelt", 2, None),
                ("ENV1.3", "Verantwortungsbewusste Ressourcengewinnung", 1, None),
                ("ENV2.2", "Trinkwasserbedarf und Abwasseraufkommen", 1, None),
            ),
        ),
        (
            "ECO",
            "Ökonomische Qualität",
            25,
            True,
            (
                ("ECO1.1", "Gebäudebezogene Kosten im Lebenszyklus", 3, None),
                ("ECO2.4", "Wertstabilität und Anpassungsfähigkeit", 2, None),
            ),
        ),
        (
            "SOC",
            "Soziokulturelle und funktionale Qualität",
            25,
            True,
            (
                ("SOC1.1", "Thermischer Komfort", 2, None),
                ("SOC1.2", "Innenraumluftqualität", 2, None),
                ("SOC2.1", "Barrierefreiheit", 2, None),
            ),
        ),
        (
            "TEC",
            "Technische Qualität",
            10,
            True,
            (
                ("TEC1.3", "Qualität der Gebäudehülle", 2, None),
                ("TEC1.6", "Rückbau- und Recyclingfreundlichkeit", 2, None),
            ),
        ),
        (
            "PRO",
            "Prozessqualität",
            10,
            True,
            (
                (
                    "PRO1.4",
                    "Sicherung der Nachhaltigkeitsaspekte in Ausschreibung und Vergabe",
                    2,
                    None,
                ),
                ("PRO2.2", "Qualitätssicherung der Bauausführung", 2, None),
            ),
        ),
        (
            "SITE",
            "Standortqualität",
            5,
            False,
            (
                ("SITE1.3", "Verkehrsanbindung", 1, None),
                ("SITE1.4", "Nähe zu nutzungsrelevanten Einrichtungen", 1, None),
            ),
        ),
    ),
    levels=(("Platin", 80, 65), ("Gold", 65, 50), ("Silber", 50, 35), ("Bronze", 35, None)),
)

BNB = Preset(
    key="bnb",
    name="BNB (angelehnt)",
    description=(
        "Angelehnt an das Bewertungssystem Nachhaltiges Bauen des Bundes: Punkte 10 / 50 / "
        "100 für Grenz-, Referenz- und Zielwert, Bedeutungsfaktoren 1 bis 3."
    ),
    groups=(
        (
            "1",
            "Ökologische Qualität",
            22.5,
            True,
            (
                ("1.1.1", "Treibhausgasemissionen im Lebenszyklus", 3, None),
                ("1.2.1", "Primärenergiebedarf", 3, None),
                ("1.1.6", "Risiken für die lokale Umwelt", 2, None),
            ),
        ),
        (
            "2",
            "Ökonomische Qualität",
            22.5,
            True,
            (
                ("2.1.1", "Gebäudebezogene Kosten im Lebenszyklus", 3, None),
                ("2.2.1", "Flächeneffizienz", 1, None),
            ),
        ),
        (
            "3",
            "Soziokulturelle und funktionale Qualität",
            22.5,
            True,
            (
                ("3.1.1", "Thermischer Komfort", 3, None),
                ("3.1.3", "Innenraumhygiene", 3, None),
                ("3.2.1", "Barrierefreiheit", 2, None),
            ),
        ),
        (
            "4",
            "Technische Qualität",
            22.5,
            True,
            (
                ("4.1.2", "Wärme- und Tauwasserschutz", 2, None),
                ("4.1.4", "Rückbau, Trennung und Verwertung", 2, None),
            ),
        ),
        (
            "5",
            "Prozessqualität",
            10,
            True,
            (
                ("5.1.1", "Projektvorbereitung", 3, None),
                ("5.2.3", "Systematische Inbetriebnahme", 3, None),
            ),
        ),
    ),
    levels=(("Gold", 80, 65), ("Silber", 65, 50), ("Bronze", 50, 35)),
)

KNN = Preset(
    key="knn",
    name="KNN-Bewertungsraster Bauen",
    description=(
        "Bewertungsraster des Kommunalen Netzwerks Nachhaltigkeit: Klimaschutz, Ressourcen, "
        "Gesundheit und Prozess zusammen mit der Wirtschaftlichkeit im Lebenszyklus. "
        "Die Wärmeversorgung braucht mindestens 50 Punkte."
    ),
    groups=(
        (
            "K",
            "Klimaschutz und Energie",
            30,
            True,
            (
                ("K1", "Treibhausgasemissionen im Lebenszyklus", 3, None),
                ("K2", "Erneuerbare Wärmeversorgung", 3, 50),
                ("K3", "Solarstrom auf dem Dach", 2, None),
            ),
        ),
        (
            "R",
            "Ressourcen und Kreislaufwirtschaft",
            20,
            True,
            (
                ("R1", "Holz- und Recyclingbaustoffe", 2, None),
                ("R2", "Rückbaufreundlichkeit", 1, None),
            ),
        ),
        (
            "G",
            "Gesundheit und Nutzung",
            15,
            True,
            (
                ("G1", "Innenraumluft und Schadstoffe", 2, None),
                ("G2", "Barrierefreiheit", 2, None),
            ),
        ),
        (
            "W",
            "Wirtschaftlichkeit",
            25,
            True,
            (
                ("W1", "Lebenszykluskosten (Kapitalwert)", 3, None),
                ("W2", "CO₂-Vermeidungskosten", 2, None),
            ),
        ),
        (
            "P",
            "Prozessqualität",
            10,
            True,
            (
                ("P1", "Nachhaltigkeitskriterien in der Vergabe", 2, None),
                ("P2", "Beteiligung der Nutzenden", 1, None),
            ),
        ),
    ),
    levels=(("Gold", 75, 50), ("Silber", 60, 35), ("Bronze", 45, None)),
)

PRESETS = {p.key: p for p in (DGNB, BNB, KNN)}
PRESET_CHOICES = [("", _("Leeres Raster"))] + [(p.key, p.name) for p in PRESETS.values()]
