"""Demo data of the building area for the KNN network (called by `seed_demo`): distinct
projects per member in its own town, dated from `seeded.today`. Idempotent: everything is
looked up by its natural key (network + name) before it is created."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from network.access import get_access
from network.models import Decision, Meeting

from . import indicators, services, weighting
from .models import (
    Assessment,
    AssessmentReview,
    BuildingProject,
    BuildingSettings,
    CarrierDefault,
    EnergyUse,
    Guideline,
    ScoringBoard,
    Variant,
    WeightingVote,
)
from .presets import BNB, KNN

P = BuildingProject
# Archetypes: use, kind, phase, gross floor area, roof, roof renewal, solar area, new
# development area, heating, renewable %, kWp, budget, and the days from `today` to the
# building application and the construction start (None: not yet applied).
ARCHETYPES = {
    "school": (
        P.Use.SCHOOL, P.Kind.RENOVATION, 5, 3200, 1400, True, 500, None,
        P.Heating.HEAT_PUMP, 80, 90, 6_800_000, -300, 90,
    ),
    "daycare": (
        P.Use.DAYCARE, P.Kind.NEW_BUILD, 8, 950, 700, False, 260, True,
        P.Heating.HEAT_PUMP, 100, 45, 3_900_000, -820, -600,
    ),
    # New fire stations with a gas boiler and too little PV: the demo's legal problems.
    "fire_station": (
        P.Use.FIRE_STATION, P.Kind.NEW_BUILD, 3, 2100, 1600, False, 300, False,
        P.Heating.GAS, 20, 60, 9_500_000, -60, 640,
    ),
    "town_hall": (
        P.Use.ADMINISTRATION, P.Kind.RENOVATION, 2, 5400, 1800, True, None, None,
        P.Heating.DISTRICT_HEAT, None, None, 4_200_000, None, 400,
    ),
    "sports_hall": (
        P.Use.SPORTS_HALL, P.Kind.NEW_BUILD, 6, 2600, 2300, False, 800, False,
        P.Heating.HEAT_PUMP, 75, 120, 8_100_000, -200, 60,
    ),
}  # fmt: skip
# Per member (slug): name, address in that town, archetype. The first 3–5 are seeded.
PROJECTS = {
    "luenen": [
        ("Sanierung Grundschule Altlünen", "Kirchstraße 12, 44534 Lünen", "school"),
        ("Neubau Kita Gahmen", "Gahmener Straße 180, 44532 Lünen", "daycare"),
        ("Neubau Feuer- und Rettungswache Süd", "Kurler Straße 62, 44536 Lünen", "fire_station"),
        ("Energetische Sanierung Rathaus Lünen", "Willy-Brandt-Platz 1, 44532 Lünen", "town_hall"),
        ("Neubau Sporthalle Brambauer", "Yorckstraße 25, 44536 Lünen", "sports_hall"),
    ],
    "werne": [
        ("Neubau Kita Stockum", "Stockumer Straße 40, 59368 Werne", "daycare"),
        ("Neubau Feuerwehrgerätehaus Horst", "Horster Straße 7, 59368 Werne", "fire_station"),
        (
            "Energetische Sanierung Rathaus Werne",
            "Konrad-Adenauer-Platz 1, 59368 Werne",
            "town_hall",
        ),
        ("Neubau Dreifachsporthalle am Solebad", "Am Hagen 4, 59368 Werne", "sports_hall"),
        ("Sanierung Grundschule Wiehagen", "Wiehagen 33, 59368 Werne", "school"),
    ],
    "herten": [
        ("Neubau Feuerwache Herten-Mitte", "Ewaldstraße 80, 45699 Herten", "fire_station"),
        (
            "Energetische Sanierung Rathaus Herten",
            "Kurt-Schumacher-Straße 2, 45699 Herten",
            "town_hall",
        ),
        ("Neubau Dreifachsporthalle Westerholt", "Bahnhofstraße 112, 45701 Herten", "sports_hall"),
        ("Sanierung Grundschule Scherlebeck", "Scherlebecker Straße 210, 45701 Herten", "school"),
        ("Neubau Kita Paschenberg", "Paschenbergstraße 15, 45699 Herten", "daycare"),
    ],
    "recklinghausen": [
        (
            "Energetische Sanierung Verwaltungsgebäude Westring",
            "Westring 51, 45659 Recklinghausen",
            "town_hall",
        ),
        ("Neubau Sporthalle Hillerheide", "Hillerheide 3, 45659 Recklinghausen", "sports_hall"),
        ("Sanierung Grundschule Hochlarmark", "Karlstraße 14, 45661 Recklinghausen", "school"),
        ("Neubau Kita Suderwich", "Suderwichstraße 120, 45665 Recklinghausen", "daycare"),
        ("Neubau Feuerwache Ost", "Dortmunder Straße 160, 45665 Recklinghausen", "fire_station"),
    ],
    "welver": [
        ("Neubau Dreifachsporthalle Welver", "Schulstraße 10, 59514 Welver", "sports_hall"),
        ("Sanierung Grundschule Borgeln", "Kirchplatz 3, 59514 Welver", "school"),
        ("Neubau Kita Scheidingen", "Scheidinger Straße 21, 59514 Welver", "daycare"),
        ("Neubau Feuerwehrgerätehaus Flerke", "Flerker Weg 2, 59514 Welver", "fire_station"),
        ("Energetische Sanierung Rathaus Welver", "Am Markt 4, 59514 Welver", "town_hall"),
    ],
    "kreis-recklinghausen": [
        ("Sanierung Berufskolleg Ostvest", "Hachhausener Straße 72, 45711 Datteln", "school"),
        (
            "Neubau Kita am Berufskolleg Castrop-Rauxel",
            "Lessingstraße 40, 44575 Castrop-Rauxel",
            "daycare",
        ),
        ("Neubau Rettungswache Marl", "Hervester Straße 120, 45768 Marl", "fire_station"),
        (
            "Energetische Sanierung Kreishaus",
            "Kurt-Schumacher-Allee 1, 45657 Recklinghausen",
            "town_hall",
        ),
        (
            "Neubau Sporthalle Förderschule Dorsten",
            "Marler Straße 95, 46282 Dorsten",
            "sports_hall",
        ),
    ],
}
# Nothing here is applied for before the GEG and the NRW solar duty apply (2024).
EARLIEST_APPLICATION = date(2024, 2, 1)
EARLIEST_RECORD = date(2023, 3, 1)  # the first projects were entered in spring 2023

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


def _energy_use(variant, defaults, carrier, kwh):
    """An energy use on the network's defaults for its carrier, as the form saves one whose
    price and emission fields were left empty."""
    default = defaults[carrier]
    EnergyUse.objects.create(
        variant=variant,
        carrier=carrier,
        kwh_per_year=Decimal(round(kwh)),
        **{name: default.value_for(name, None) for name in CarrierDefault.VALUE_FIELDS},
    )


def _variants(project, rng, *, chosen, defaults):
    """A gas boiler as the reference and a heat pump with PV; where `chosen`, the
    municipality has decided on the heat pump (the Erfolgsbilanz counts those) and has
    the heat-pump grant approved. Prices and emission factors are the network's defaults."""
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
    _energy_use(reference, defaults, EnergyUse.Carrier.GAS, demand / 0.95)
    heat_pump = Variant.objects.create(
        project=project,
        name="Wärmepumpe mit PV",
        is_chosen=chosen,
        investment_eur=Decimal(round(base)),
        lifetime_years=20,
        maintenance_eur_per_year=Decimal(round(base * 0.01)),
        maintenance_escalation_pct=2,
        # BEG EM, heating for municipalities: 30 % basic grant on the eligible cost.
        grant_eur=Decimal(round(base * 0.3)) if chosen else Decimal(0),
        grant_programme="BEG EM – Heizungsförderung (Grundförderung 30 %)" if chosen else "",
    )
    _energy_use(heat_pump, defaults, EnergyUse.Carrier.ELECTRICITY, demand / 3.5 * 0.7)
    _energy_use(heat_pump, defaults, EnergyUse.Carrier.PV_OWN, demand / 3.5 * 0.3)


def _board(network, preset, activate):
    board = ScoringBoard.objects.filter(network=network, name=preset.name).first()
    if board is None:
        board = services.board_create(network=network, name=preset.name, preset=preset.key)
        if activate:
            board = services.board_activate(board=board)
    return board


# Where the demo tells a story rather than drawing points: Werne's Kita has a careful
# planning process, reaches Silber, and its page says what is missing for Gold.
STORY_POINTS = {("werne", "Neubau Kita Stockum"): {"P": 75}}


def _entries(project, criteria, rng, assumptions, story=None):
    """Demo scores: a qualitative criterion gets typed points; a measured one a value (read
    from the project where its source says so, else drawn between threshold and target)
    and the points the BNB rule gives it. A value the project lacks leaves it unscored."""
    sourced = indicators.sourced_values(project, criteria, assumptions)
    entries = {}
    for c in criteria:
        if not c.is_measured:
            drawn = rng.choice([10, 50, 50, 75, 100])
            told = next(
                (v for prefix, v in (story or {}).items() if c.code.startswith(prefix)), None
            )
            entries[c.pk] = (told or drawn, "Laut Planungsunterlagen.")
            continue
        if c.is_sourced:
            value = sourced[c.pk]
        else:
            low, high = sorted((c.threshold_value, c.target_value))
            value = Decimal(f"{rng.uniform(float(low), float(high)):.1f}")
        points = indicators.whole_points(c.points_for(value))
        entries[c.pk] = (points, "Laut Planungsunterlagen.", value)
    return entries


def _scaled(value, factor):
    return None if value is None else round(value * factor)


def project_facts(slug: str, member: int, offset: int, today: date) -> dict:
    """The fields of the member's `offset`-th project: its archetype, scaled by a factor
    of its own (no two projects of the demo share their figures), dated from `today`."""
    name, address, archetype = PROJECTS[slug][offset]
    (use, kind, phase, gfa, roof, renewal, solar, new_area, heating, share, kwp, budget,
     applied_in, start_in) = ARCHETYPES[archetype]  # fmt: skip
    factor = 0.72 + 0.11 * member + 0.023 * offset
    applied = None
    if applied_in is not None:
        applied = max(today + timedelta(days=applied_in - 17 * member), EARLIEST_APPLICATION)
    start = today + timedelta(days=start_in + 11 * member)
    if applied is not None:
        start = max(start, applied + timedelta(days=60))
    return dict(
        name=name,
        address=address,
        use=use,
        kind=kind,
        phase=phase,
        gross_floor_area_m2=_scaled(gfa, factor),
        roof_area_m2=_scaled(roof, factor),
        roof_renewal=renewal,
        solar_area_m2=_scaled(solar, factor),
        in_new_development_area=new_area,
        application_date=applied,
        construction_start=start,
        heating=heating,
        heating_replaced=kind == P.Kind.RENOVATION,
        renewable_heat_share_pct=None if share is None else min(100, share + member % 3 * 5),
        pv_peak_kw=_scaled(kwp, factor),
        budget_eur=_scaled(budget, factor / 1000) * 1000,
    )


def _backdate(project, today):
    """Projects were entered months before their building application, not on the day
    the demo was seeded: the figures over time (network.timeseries) show them coming in."""
    applied = project.application_date or today - timedelta(days=120)
    entered = min(max(applied - timedelta(days=150), EARLIEST_RECORD), today)
    moment = timezone.make_aware(datetime.combine(entered, time(9)))
    BuildingProject.objects.filter(pk=project.pk).update(created_at=moment)
    BuildingProject.history.filter(id=project.pk).update(history_date=moment)
    return moment


def seed(seeded):
    network = seeded.network
    today = getattr(seeded, "today", None) or timezone.localdate()
    settings_obj, _created = BuildingSettings.objects.get_or_create(network=network)
    defaults = settings_obj.defaults_by_carrier()
    for default in defaults.values():
        if default.pk is None:  # the built-in values with their sources, stored
            default.save()
    board = _board(network, KNN, activate=True)
    _board(network, BNB, activate=False)
    criteria = [c for g in board.groups.prefetch_related("criteria") for c in g.criteria.all()]
    moderator = seeded.users.get("moderator")

    for index, (slug, membership) in enumerate(seeded.memberships.items()):
        if slug not in PROJECTS:
            continue
        count = 3 + index % 3  # 3–5 projects per member
        coordinator = seeded.users[slug]
        for offset in range(count):
            facts = project_facts(slug, index, offset, today)
            name = facts.pop("name")
            project, created = BuildingProject.objects.get_or_create(
                membership=membership, name=name, defaults=facts
            )
            if not created:
                continue
            services.project_refresh(project=project)
            rng = random.Random(f"{slug}-{name}")  # noqa: S311 - demo data
            # every second project decided
            _variants(project, rng, chosen=offset % 2 == 0, defaults=defaults)
            entered = _backdate(project, today)
            if offset == count - 1:
                continue  # one project per member is not assessed yet
            assessment = services.assessment_start(project=project, board=board)
            scored = criteria if offset % 2 == 0 else criteria[:-2]
            services.assessment_save_scores(
                assessment=assessment,
                entries=_entries(
                    project,
                    scored,
                    rng,
                    settings_obj.assumptions(),
                    STORY_POINTS.get((slug, project.name)),
                ),
                evidence={},
                loaded_version=assessment.version,
                user=coordinator,
            )
            assessed = min(
                entered + timedelta(days=45 + 10 * offset),
                timezone.make_aware(datetime.combine(today, time(12))),
            )
            # complete ones only: a measured value the project lacks stays missing
            if offset % 2 == 0 and not assessment.evaluate().missing:
                # Four eyes: the municipality's coordination enters and submits, the
                # moderation reviews and accepts.
                assessment.refresh_from_db()
                services.assessment_submit(
                    assessment=assessment, user=coordinator, loaded_version=assessment.version
                )
                assessment.refresh_from_db()
                services.assessment_decide(
                    assessment=assessment,
                    access=get_access(moderator, network.slug),
                    accept=True,
                    loaded_version=assessment.version,
                )
                Assessment.objects.filter(pk=assessment.pk).update(
                    created_at=entered, finalised_at=assessed
                )
                AssessmentReview.objects.filter(assessment=assessment).update(
                    submitted_at=assessed, decided_at=assessed
                )
            else:
                Assessment.objects.filter(pk=assessment.pk).update(created_at=entered)

    _weighting_workshop(seeded, board, moderator)
    _open_weighting_vote(seeded, _board(network, BNB, activate=False), moderator)

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


# The weighting workshop (building.weighting): the members allocated 100 points across the
# groups of the KNN board (K, R, G, W, P) in the last workshop held; the result (33, 19,
# 14, 24, 10 — the means 32,5 / 19,2 / 14,2 / 24,2 / 10 by largest remainders) is the
# draft of the board's next version, adopted by a decision of that meeting.
WORKSHOP_VOTE = "Gewichtung des KNN-Rasters im Workshop"
WORKSHOP_DECISION = "Die Gewichtung aus dem Workshop wird als Entwurf des Rasters übernommen."
WORKSHOP_BALLOTS = {
    "luenen": ((35, 20, 10, 25, 10), {"Gold": "75", "Silber": "60"}),
    "werne": ((30, 25, 15, 20, 10), {"Gold": "80"}),
    "herten": ((30, 15, 15, 30, 10), {}),
    "recklinghausen": ((40, 20, 10, 20, 10), {"Gold": "75", "Silber": "55"}),
    "welver": ((25, 20, 20, 25, 10), {}),
    "kreis-recklinghausen": ((35, 15, 15, 25, 10), {"Silber": "62,5"}),
}
OPEN_VOTE = "Gewichtung des BNB-Entwurfs"
OPEN_BALLOTS = {"werne": (30, 25, 20, 15, 10), "welver": (25, 25, 25, 15, 10)}


def _cast(vote, membership, user, points, thresholds=None):
    groups = list(vote.board.groups.all())
    levels = {lv.name: lv.pk for lv in vote.board.levels.all()}
    weighting.ballot_cast(
        vote=vote,
        membership=membership,
        user=user,
        points={g.pk: p for g, p in zip(groups, points, strict=False)},
        thresholds={
            levels[name]: Decimal(value.replace(",", "."))
            for name, value in (thresholds or {}).items()
        },
        loaded_version=None,
    )


def _weighting_workshop(seeded, board, moderator):
    network = seeded.network
    if WeightingVote.objects.filter(board__series=board.series, title=WORKSHOP_VOTE).exists():
        return
    held = Meeting.objects.filter(network=network, status=Meeting.Status.HELD)
    latest = held.order_by("-starts_at")
    meeting = latest.filter(kind=Meeting.Kind.WORKSHOP).first() or latest.first()
    if meeting is None or not board.groups.exists():
        return
    vote = weighting.vote_open(
        board=board, title=WORKSHOP_VOTE, meeting=meeting, with_thresholds=True, user=moderator
    )
    for slug, (points, thresholds) in WORKSHOP_BALLOTS.items():
        if slug in seeded.memberships:
            _cast(vote, seeded.memberships[slug], seeded.users[slug], points, thresholds)
    weighting.vote_close(vote=vote, user=moderator)
    decision = Decision.objects.create(meeting=meeting, text=WORKSHOP_DECISION)
    weighting.vote_apply(vote=vote, decision=decision, user=moderator)
    # In the workshop itself, not on the day the demo was seeded.
    WeightingVote.objects.filter(pk=vote.pk).update(
        opened_at=meeting.starts_at, closed_at=meeting.ends_at
    )
    vote.ballots.update(cast_at=meeting.starts_at + timedelta(hours=1))


def _open_weighting_vote(seeded, board, moderator):
    """A vote still open on the BNB draft: two members have voted, the others can."""
    votes = board.weighting_votes
    if votes.filter(title=OPEN_VOTE).exists() or votes.open().exists():
        return
    vote = weighting.vote_open(board=board, title=OPEN_VOTE, user=moderator)
    for slug, points in OPEN_BALLOTS.items():
        if slug in seeded.memberships:
            _cast(vote, seeded.memberships[slug], seeded.users[slug], points)
