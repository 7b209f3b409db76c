"""Demo data of the building area for the KNN network (called by `seed_demo`). Idempotent:
everything is looked up by its natural key (network + name) before it is created."""

import random
from datetime import date
from decimal import Decimal

from django.utils import timezone

from . import services
from .models import (
    BuildingProject,
    BuildingSettings,
    EnergyUse,
    Guideline,
    ScoringBoard,
    Variant,
)
from .presets import BNB, KNN

P = BuildingProject
# (name, use, kind, phase, gfa, roof, roof renewal, solar, new area, application, start,
#  heating, renewable %, kWp, budget)
PROJECTS = [
    (
        "Sanierung Grundschule am Park",
        P.Use.SCHOOL,
        P.Kind.RENOVATION,
        5,
        3200,
        1400,
        True,
        500,
        None,
        date(2024, 3, 1),
        date(2025, 4, 1),
        P.Heating.HEAT_PUMP,
        80,
        90,
        6_800_000,
    ),
    (
        "Neubau Kita Regenbogen",
        P.Use.DAYCARE,
        P.Kind.NEW_BUILD,
        8,
        950,
        700,
        False,
        260,
        True,
        date(2024, 2, 15),
        date(2024, 9, 1),
        P.Heating.HEAT_PUMP,
        100,
        45,
        3_900_000,
    ),
    (
        "Neubau Feuerwache Nord",
        P.Use.FIRE_STATION,
        P.Kind.NEW_BUILD,
        3,
        2100,
        1600,
        False,
        300,
        False,
        date(2026, 10, 1),
        date(2028, 9, 1),
        P.Heating.GAS,
        20,
        60,
        9_500_000,
    ),
    (
        "Energetische Sanierung Rathaus",
        P.Use.ADMINISTRATION,
        P.Kind.RENOVATION,
        2,
        5400,
        1800,
        True,
        None,
        None,
        None,
        date(2026, 5, 1),
        P.Heating.DISTRICT_HEAT,
        None,
        None,
        4_200_000,
    ),
    (
        "Neubau Dreifachsporthalle",
        P.Use.SPORTS_HALL,
        P.Kind.NEW_BUILD,
        6,
        2600,
        2300,
        False,
        800,
        False,
        date(2024, 6, 1),
        date(2025, 3, 1),
        P.Heating.HEAT_PUMP,
        75,
        120,
        8_100_000,
    ),
]

GUIDELINES = [
    (
        "Leitlinie Wärmeversorgung kommunaler Gebäude",
        "Wie die Mitglieder Heizungen nach GEG § 71 planen.",
        "# Wärmeversorgung\n\nNeue Heizungen in kommunalen Gebäuden nutzen **mindestens 65 %** "
        "erneuerbare Energie – auch dort, wo das GEG es noch nicht verlangt.\n\n"
        "## Vorgehen\n\n1. Wärmeplan der Kommune prüfen.\n2. Wärmepumpe oder Wärmenetz "
        "vorrangig untersuchen.\n3. Varianten mit Lebenszykluskosten vergleichen.\n",
        ("K2", "W1"),
    ),
    (
        "Leitlinie Solar auf allen Dächern",
        "Photovoltaik bei Neubau und Dachsanierung.",
        "# Solar auf allen Dächern\n\nBei jedem Neubau und jeder vollständigen Dacherneuerung "
        "wird mindestens **30 % der Dachfläche** mit Photovoltaik belegt (§ 42a BauO NRW).\n\n"
        "| Gebäude | Ziel |\n|---|---|\n| Schulen | 50 % |\n| Verwaltung | 40 % |\n",
        ("K3",),
    ),
]


def _variants(project, rng):
    if project.variants.exists():
        return
    base = float(project.budget_eur or 1_000_000) * 0.06
    demand = float(project.gross_floor_area_m2 or 1000) * 90
    reference = Variant.objects.create(
        project=project,
        name="Gas-Brennwertkessel",
        is_reference=True,
        investment_eur=Decimal(round(base * 0.45)),
        lifetime_years=20,
        maintenance_eur_per_year=Decimal(round(base * 0.015)),
        maintenance_escalation_pct=2,
    )
    EnergyUse.objects.create(
        variant=reference,
        carrier=EnergyUse.Carrier.GAS,
        kwh_per_year=Decimal(round(demand / 0.95)),
        price_eur_per_kwh=Decimal("0.1100"),
        escalation_pct=Decimal("3.00"),
        emission_kg_per_kwh=Decimal("0.2010"),
    )
    heat_pump = Variant.objects.create(
        project=project,
        name="Wärmepumpe mit PV",
        investment_eur=Decimal(round(base)),
        lifetime_years=20,
        maintenance_eur_per_year=Decimal(round(base * 0.01)),
        maintenance_escalation_pct=2,
    )
    EnergyUse.objects.create(
        variant=heat_pump,
        carrier=EnergyUse.Carrier.ELECTRICITY,
        kwh_per_year=Decimal(round(demand / 3.5 * 0.7)),
        price_eur_per_kwh=Decimal("0.2800"),
        escalation_pct=Decimal("2.00"),
        emission_kg_per_kwh=Decimal("0.3800"),
    )
    EnergyUse.objects.create(
        variant=heat_pump,
        carrier=EnergyUse.Carrier.PV_OWN,
        kwh_per_year=Decimal(round(demand / 3.5 * 0.3)),
        price_eur_per_kwh=Decimal("0.0800"),
        escalation_pct=0,
        emission_kg_per_kwh=Decimal("0.0400"),
    )


def _board(network, preset, activate):
    board = ScoringBoard.objects.filter(network=network, name=preset.name).first()
    if board is None:
        board = services.board_create(network=network, name=preset.name, preset=preset.key)
        if activate:
            board = services.board_activate(board=board)
    return board


def seed(seeded):
    network = seeded.network
    BuildingSettings.objects.get_or_create(network=network)
    board = _board(network, KNN, activate=True)
    _board(network, BNB, activate=False)
    criteria = [c for g in board.groups.prefetch_related("criteria") for c in g.criteria.all()]
    moderator = seeded.users.get("moderator")

    for index, membership in enumerate(seeded.memberships.values()):
        count = 3 + index % 3  # 3–5 projects per member
        for offset in range(count):
            row = PROJECTS[(index + offset) % len(PROJECTS)]
            (
                name,
                use,
                kind,
                phase,
                gfa,
                roof,
                renewal,
                solar,
                new_area,
                applied,
                start,
                heating,
                share,
                kwp,
                budget,
            ) = row
            project, created = BuildingProject.objects.get_or_create(
                membership=membership,
                name=f"{name} {membership.municipality.name}",
                defaults=dict(
                    address=f"Musterstraße {offset + 1}, {membership.municipality.name}",
                    use=use,
                    kind=kind,
                    phase=phase,
                    gross_floor_area_m2=gfa,
                    roof_area_m2=roof,
                    roof_renewal=renewal,
                    solar_area_m2=solar,
                    in_new_development_area=new_area,
                    application_date=applied,
                    construction_start=start,
                    heating=heating,
                    heating_replaced=kind == P.Kind.RENOVATION,
                    renewable_heat_share_pct=share,
                    pv_peak_kw=kwp,
                    budget_eur=budget,
                ),
            )
            if not created:
                continue
            services.project_refresh(project=project)
            rng = random.Random(f"{membership.pk}-{name}")  # noqa: S311 - demo data
            _variants(project, rng)
            if offset == count - 1:
                continue  # one project per member is not assessed yet
            assessment = services.assessment_start(project=project, board=board)
            scored = criteria if offset % 2 == 0 else criteria[:-2]
            services.assessment_save_scores(
                assessment=assessment,
                entries={
                    c.pk: (rng.choice([10, 50, 50, 75, 100]), "Laut Planungsunterlagen.")
                    for c in scored
                },
                evidence={},
                loaded_version=assessment.version,
                user=moderator,
            )
            if offset % 2 == 0:
                assessment.refresh_from_db()
                services.assessment_finalise(assessment=assessment, user=moderator)

    criteria_by_code = {c.code: c for c in criteria}
    for title, summary, body, codes in GUIDELINES:
        guideline, created = Guideline.objects.get_or_create(
            network=network,
            title=title,
            defaults={
                "summary": summary,
                "body": body,
                "status": Guideline.Status.PUBLISHED,
                "published_at": timezone.now(),
            },
        )
        if created:
            guideline.criteria.set([criteria_by_code[c] for c in codes if c in criteria_by_code])
