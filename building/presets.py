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
from decimal import Decimal

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


# --- indicators and level descriptions of the preset criteria ----------------------------
# Example values („Beispielwerte“): realistic orders of magnitude with their sources named
# in the description, to be checked by the network before a board is activated. A measured
# criterion has unit and threshold / reference / target (10 / 50 / 100 points, building.
# indicators); a qualitative one says in its level texts what earns 10, 50 and 100 points.

EXAMPLE = "Beispielwerte, vor der Aktivierung vom Netzwerk zu prüfen."


def _measured(description, unit, threshold, reference, target, source="manual"):
    return {
        "description": f"{description} {EXAMPLE}",
        "unit": unit,
        "source": source,
        "threshold_value": Decimal(str(threshold)),
        "reference_value": Decimal(str(reference)),
        "target_value": Decimal(str(target)),
        "threshold": "",
        "reference": "",
        "target": "",
    }


def _qualitative(description, threshold, reference, target):
    return {
        "description": description,
        "threshold": threshold,
        "reference": reference,
        "target": target,
    }


GHG = _measured(
    "Treibhausgasemissionen aus Herstellung, Ersatz, Rückbau und Betrieb (Ökobilanz nach "
    "DIN EN 15978, Module A1–A3, B4, B6, C3–C4), bezogen auf 50 Jahre und die Nettoraumfläche, "
    "wie DGNB ENV1.1 und QNG. Referenzwert: Anforderungswert QNG-PLUS (24 kg).",
    "kg CO₂e/(m²·a)",
    32,
    24,
    12,
)
PRIMARY_ENERGY = _measured(
    "Nicht erneuerbarer Primärenergiebedarf in % des GEG-Referenzgebäudes. Grenzwert: "
    "GEG 2024 § 15/§ 18 (55 %), Referenzwert: Effizienzgebäude 40 der BEG (40 %).",
    "% des Referenzgebäudes",
    55,
    40,
    20,
)
ENVELOPE = _measured(
    "Spezifischer Transmissionswärmeverlust H′T in % des Höchstwerts nach GEG "
    "(Anlage 3 bzw. § 19); 100 % ist die gesetzliche Anforderung.",
    "% des GEG-Höchstwerts",
    100,
    80,
    60,
)
LCC = _measured(
    "Lebenszykluskosten (Kapitalwert nach Leitfaden WU Hochbau, einschließlich CO₂-Preis) "
    "der gewählten Variante in % der Referenzvariante, wie BNB 2.1.1 und DGNB ECO1.1 "
    "kostenbezogen bewerten. Der Wert kommt aus dem Variantenvergleich.",
    "% der Referenzvariante",
    110,
    100,
    85,
    source="lcc_vs_reference",
)
COST_PER_TONNE = _measured(
    "Mehrkosten je vermiedener Tonne CO₂ der gewählten Variante gegenüber der Referenz. "
    "Grenzwert: etwa die Klimakosten nach UBA-Methodenkonvention 3.2 (rund 300 €/t bei 1 % "
    "Zeitpräferenz); 0 €/t oder weniger: die Variante spart Geld und CO₂. Der Wert kommt aus "
    "dem Variantenvergleich.",
    "€/t CO₂",
    300,
    100,
    0,
    source="cost_per_tonne",
)
RENEWABLE_HEAT = _measured(
    "Anteil erneuerbarer Energien an der Wärmeversorgung. Grenzwert: 65 % nach GEG § 71; "
    "Referenz 80 %, Ziel vollständig erneuerbar. Der Wert kommt aus den Angaben des Vorhabens.",
    "%",
    65,
    80,
    100,
    source="renewable_heat_share",
)
PV = _measured(
    "Installierte PV-Leistung je 100 m² Dachfläche. Grenzwert: rund 30 % Belegung nach "
    "§ 42a BauO NRW/SAN-VO (etwa 6 kWp je 100 m²), Referenz etwa 50 %, Ziel etwa 70 % "
    "(die nutzbare Dachfläche weitgehend belegt). Der Wert kommt aus den Angaben des Vorhabens.",
    "kWp je 100 m² Dach",
    6,
    10,
    14,
    source="pv_per_roof",
)
INDOOR_AIR = _measured(
    "Summe der flüchtigen organischen Verbindungen (TVOC) in der Raumluft, gemessen 28 Tage "
    "nach Fertigstellung (Orientierung: UBA-Leitwerte, DGNB SOC1.2, BNB 3.1.3).",
    "µg/m³",
    3000,
    1000,
    500,
)
OVERHEATING = _measured(
    "Übertemperaturgradstunden im kritischen Raum nach DIN 4108-2 (Nichtwohngebäude: "
    "höchstens 500 Kh/a zulässig).",
    "Kh/a",
    500,
    250,
    100,
)
AREA_EFFICIENCY = _measured(
    "Nutzungsfläche in % der Bruttogrundfläche (NUF/BGF nach DIN 277), wie BNB 2.2.1.",
    "% NUF/BGF",
    55,
    62,
    70,
)
WATER = _measured(
    "Wassergebrauchskennwert (Trinkwasserbedarf und Abwasser) in % des Referenzwerts des "
    "Gebäudetyps, wie DGNB ENV2.2.",
    "% der Referenz",
    100,
    75,
    50,
)
TRANSIT = _measured(
    "Fußweg zur nächsten Haltestelle des ÖPNV mit mindestens stündlichem Takt (wie DGNB SITE1.3).",
    "m",
    1000,
    500,
    300,
)
MATERIALS = _qualitative(
    "Anteil nachwachsender und recycelter Baustoffe an der Tragkonstruktion und Hülle.",
    "Recyclingbeton oder Holz in einzelnen Bauteilen (unter 10 % der Masse).",
    "Holz- oder Holzhybridtragwerk in einem Gebäudeteil oder mindestens 25 % "
    "Recycling-/nachwachsende Baustoffe.",
    "Tragwerk überwiegend aus Holz oder mindestens 50 % Recycling-/nachwachsende Baustoffe, "
    "belegt mit Massenbilanz.",
)
DECONSTRUCTION = _qualitative(
    "Rückbau, Trennung und Verwertung der Baustoffe am Ende der Nutzung.",
    "Rückbaukonzept für die Hauptbauteile liegt vor.",
    "Lösbare Verbindungen in Hülle und Ausbau, Materialpass für die Hauptbauteile.",
    "Gebäude überwiegend sortenrein rückbaubar, vollständiger Materialpass (z. B. Madaster).",
)
ACCESSIBILITY = _qualitative(
    "Barrierefreiheit nach DIN 18040-1 über die bauordnungsrechtliche Pflicht hinaus.",
    "Die Anforderungen nach DIN 18040-1 in den öffentlich zugänglichen Bereichen erfüllt.",
    "DIN 18040-1 im ganzen Gebäude erfüllt, Leitsystem nach dem Zwei-Sinne-Prinzip.",
    "Zusätzlich mit Nutzenden mit Behinderungen abgestimmt und nach Fertigstellung geprüft.",
)
LOCAL_RISKS = _qualitative(
    "Risiken für die lokale Umwelt durch Bauprodukte (Schadstoffe, Biozide, Lösemittel).",
    "Schadstoffanforderungen in die Ausschreibung aufgenommen.",
    "Bauprodukte mit Blauem Engel oder gleichwertig; Deklaration aller Produkte.",
    "Alle relevanten Bauprodukte schadstoffgeprüft, Freigabe durch Fachplanung dokumentiert.",
)
RESOURCES = _qualitative(
    "Verantwortungsbewusste Gewinnung der Rohstoffe (zertifiziertes Holz, Naturstein).",
    "Holz vollständig aus legaler Herkunft (EUTR-konform).",
    "Mindestens 50 % des Holzes FSC/PEFC-zertifiziert, Naturstein mit Sozialstandard.",
    "Alles Holz FSC/PEFC-zertifiziert, Herkunftsnachweise für alle Primärrohstoffe.",
)
ADAPTABILITY = _qualitative(
    "Wertstabilität und Anpassungsfähigkeit an andere Nutzungen.",
    "Tragende Innenwände nur, wo statisch nötig.",
    "Stützenraster und Geschosshöhen erlauben eine andere Nutzung ohne Eingriff ins Tragwerk.",
    "Umnutzung geplant und nachgewiesen (z. B. Schule → Büro), Technik zentral erreichbar.",
)
TENDERING = _qualitative(
    "Nachhaltigkeitskriterien in Ausschreibung und Vergabe (z. B. die des Netzwerks).",
    "Nachhaltigkeitsanforderungen in einzelnen Leistungsverzeichnissen.",
    "Die vereinbarten Kriterien des Netzwerks in allen wesentlichen Vergaben angewendet.",
    "Zusätzlich Zuschlagskriterien mit Gewicht und Nachweiskontrolle bei der Abnahme.",
)
QUALITY = _qualitative(
    "Qualitätssicherung der Bauausführung und systematische Inbetriebnahme.",
    "Dokumentation der verbauten Produkte.",
    "Messungen (Luftdichtheit, Raumluft) und Inbetriebnahmemanagement.",
    "Zusätzlich Monitoring und Nachjustierung im ersten Betriebsjahr.",
)
PREPARATION = _qualitative(
    "Projektvorbereitung: Bedarfsplanung nach DIN 18205 mit Nachhaltigkeitszielen.",
    "Bedarfsplanung liegt vor.",
    "Bedarfsplanung mit messbaren Nachhaltigkeitszielen, in den Planungsauftrag übernommen.",
    "Zusätzlich Variantenvergleich der Wirtschaftlichkeit vor der Entwurfsplanung.",
)
PARTICIPATION = _qualitative(
    "Beteiligung der Nutzenden an Planung und Betrieb.",
    "Nutzende über die Planung informiert.",
    "Nutzende in Workshops zur Bedarfsplanung beteiligt, Ergebnisse dokumentiert.",
    "Beteiligung in allen Planungsphasen und Befragung nach einem Betriebsjahr.",
)
NEARBY = _qualitative(
    "Nähe zu nutzungsrelevanten Einrichtungen (Nahversorgung, Grünflächen, Bildung).",
    "Zwei Einrichtungen in höchstens 1 km Fußweg.",
    "Vier Einrichtungen in höchstens 1 km Fußweg.",
    "Sechs und mehr Einrichtungen in höchstens 500 m Fußweg.",
)

DETAILS = {
    "dgnb": {
        "ENV1.1": GHG,
        "ENV1.2": LOCAL_RISKS,
        "ENV1.3": RESOURCES,
        "ENV2.2": WATER,
        "ECO1.1": LCC,
        "ECO2.4": ADAPTABILITY,
        "SOC1.1": OVERHEATING,
        "SOC1.2": INDOOR_AIR,
        "SOC2.1": ACCESSIBILITY,
        "TEC1.3": ENVELOPE,
        "TEC1.6": DECONSTRUCTION,
        "PRO1.4": TENDERING,
        "PRO2.2": QUALITY,
        "SITE1.3": TRANSIT,
        "SITE1.4": NEARBY,
    },
    "bnb": {
        "1.1.1": GHG,
        "1.2.1": PRIMARY_ENERGY,
        "1.1.6": LOCAL_RISKS,
        "2.1.1": LCC,
        "2.2.1": AREA_EFFICIENCY,
        "3.1.1": OVERHEATING,
        "3.1.3": INDOOR_AIR,
        "3.2.1": ACCESSIBILITY,
        "4.1.2": ENVELOPE,
        "4.1.4": DECONSTRUCTION,
        "5.1.1": PREPARATION,
        "5.2.3": QUALITY,
    },
    "knn": {
        "K1": GHG,
        "K2": RENEWABLE_HEAT,
        "K3": PV,
        "R1": MATERIALS,
        "R2": DECONSTRUCTION,
        "G1": INDOOR_AIR,
        "G2": ACCESSIBILITY,
        "W1": LCC,
        "W2": COST_PER_TONNE,
        "P1": TENDERING,
        "P2": PARTICIPATION,
    },
}


def criterion_details(preset: str, code: str) -> dict:
    """The BoardCriterion fields (description, indicator, level texts) of a preset's
    criterion; generic level texts for a criterion without details."""
    return dict(
        DETAILS.get(preset, {}).get(code)
        or {
            "threshold": THRESHOLD,
            "reference": REFERENCE,
            "target": TARGET,
        }
    )
