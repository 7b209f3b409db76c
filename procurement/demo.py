"""Demo data of the procurement area for KNN (called by `seed_demo`), told relative to
`seeded.today`: roadmaps with the early milestones done and the next ones due, approvals
answered over the years and a few asked in the last weeks, tenders every year whose
procedure fits their value. Idempotent: every object is looked up by its natural key
first; a second run creates nothing."""

import contextlib
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from network.models import Department

from .importer import ImportRefused, import_criteria, load_documents
from .models import (
    Adoption,
    Criterion,
    DepartmentApproval,
    Impact,
    Level,
    Milestone,
    ProductGroup,
    Roadmap,
    Stage,
    Tender,
)

BERLIN = ZoneInfo("Europe/Berlin")
# Copy of shared/data/ (EU GPP list, MIT licence), shipped with the app.
DATA = Path(__file__).resolve().parent / "data"

# name, CPV codes, EU GPP document (so that an import of the shared file lands here)
GROUPS = [
    (
        "IT-Geräte",
        ["30200000", "32250000"],
        "EU GPP Criteria for computers, monitors, tablets and smartphones",
    ),
    ("Papier und Büromaterial", ["30197000", "30199000"], ""),
    (
        "Reinigungsdienstleistungen",
        ["90910000", "39830000"],
        "EU GPP Criteria for Indoor Cleaning Services",
    ),
    (
        "Lebensmittel und Catering",
        ["15000000", "55520000"],
        "EU GPP Criteria for food, catering services and vending machines",
    ),
    ("Fahrzeuge", ["34100000", "34144900"], ""),
    ("Möbel", ["39100000", "45421153"], "EU GPP Criteria for Furniture"),
    ("Textilien und Dienstkleidung", ["18100000", "39500000"], ""),
    ("Strom", ["09310000"], "EU GPP Criteria for electricity"),
]

S, T, A, C = Stage.SELECTION, Stage.SPECIFICATION, Stage.AWARD, Stage.CLAUSE
CORE, COMP = Level.CORE, Level.COMPREHENSIVE
CIR, MIT, POL = Impact.CIRCULAR, Impact.MITIGATION, Impact.POLLUTION

# group, title, stage, level, impact, verification, legal basis
CRITERIA = [
    (
        "IT-Geräte",
        "Energieverbrauch nach aktuellem Energy Star",
        T,
        CORE,
        MIT,
        "Energy Star, TCO Certified",
        "§ 67 VgV",
    ),
    (
        "IT-Geräte",
        "Mindestens fünf Jahre Ersatzteilverfügbarkeit",
        T,
        CORE,
        CIR,
        "Herstellererklärung",
        "§ 31 VgV",
    ),
    ("IT-Geräte", "Austauschbarer Akku bei Notebooks", T, COMP, CIR, "Datenblatt", "§ 31 VgV"),
    (
        "IT-Geräte",
        "Gütezeichen Blauer Engel oder TCO Certified",
        T,
        COMP,
        POL,
        "Blauer Engel DE-UZ 78, TCO Certified",
        "§ 34 VgV",
    ),
    (
        "IT-Geräte",
        "Rücknahme und Wiederverwendung der Altgeräte",
        C,
        CORE,
        CIR,
        "Verwertungsnachweis",
        "§ 128 GWB",
    ),
    (
        "IT-Geräte",
        "Geringerer Energieverbrauch als gefordert",
        A,
        COMP,
        MIT,
        "Prüfbericht",
        "§ 58 VgV",
    ),
    (
        "Papier und Büromaterial",
        "Recyclingpapier mit Blauem Engel",
        T,
        CORE,
        CIR,
        "Blauer Engel DE-UZ 14a",
        "§ 34 VgV",
    ),
    (
        "Papier und Büromaterial",
        "Schreibgeräte nachfüllbar",
        T,
        CORE,
        CIR,
        "Produktblatt",
        "§ 31 VgV",
    ),
    (
        "Papier und Büromaterial",
        "Ordner und Mappen aus Recyclingkarton",
        T,
        COMP,
        CIR,
        "Blauer Engel DE-UZ 56",
        "§ 34 VgV",
    ),
    (
        "Papier und Büromaterial",
        "Klimaneutrale Lieferung gebündelt",
        C,
        COMP,
        MIT,
        "Lieferkonzept",
        "§ 128 GWB",
    ),
    (
        "Papier und Büromaterial",
        "Tonerkartuschen wiederaufbereitet",
        T,
        COMP,
        CIR,
        "Blauer Engel DE-UZ 177",
        "§ 34 VgV",
    ),
    (
        "Reinigungsdienstleistungen",
        "Reinigungsmittel mit EU Ecolabel",
        T,
        CORE,
        POL,
        "EU Ecolabel",
        "§ 34 VgV",
    ),
    (
        "Reinigungsdienstleistungen",
        "Dosiersysteme für Konzentrate",
        C,
        CORE,
        POL,
        "Betriebsanweisung",
        "§ 128 GWB",
    ),
    (
        "Reinigungsdienstleistungen",
        "Schulung des Personals in umweltgerechter Reinigung",
        C,
        CORE,
        POL,
        "Schulungsnachweis",
        "§ 128 GWB",
    ),
    (
        "Reinigungsdienstleistungen",
        "Mikrofasertücher und waschbare Mopps",
        T,
        COMP,
        CIR,
        "Produktliste",
        "§ 31 VgV",
    ),
    (
        "Reinigungsdienstleistungen",
        "Umweltmanagementsystem des Dienstleisters",
        S,
        COMP,
        POL,
        "EMAS, ISO 14001",
        "§ 49 VgV",
    ),
    (
        "Lebensmittel und Catering",
        "Mindestens 30 % Bio-Lebensmittel",
        T,
        CORE,
        Impact.BIODIV,
        "EU-Bio-Logo",
        "§ 34 VgV",
    ),
    (
        "Lebensmittel und Catering",
        "Saisonales Angebot nach Saisonkalender",
        T,
        CORE,
        MIT,
        "Speiseplan",
        "§ 31 VgV",
    ),
    (
        "Lebensmittel und Catering",
        "Vegetarisches Gericht täglich",
        T,
        CORE,
        MIT,
        "Speiseplan",
        "§ 31 VgV",
    ),
    (
        "Lebensmittel und Catering",
        "Fair gehandelter Kaffee und Tee",
        T,
        COMP,
        Impact.OTHER,
        "Fairtrade, Naturland Fair",
        "§ 34 VgV",
    ),
    (
        "Lebensmittel und Catering",
        "Mehrweggeschirr statt Einweg",
        C,
        CORE,
        CIR,
        "Konzept",
        "§ 128 GWB",
    ),
    (
        "Lebensmittel und Catering",
        "Konzept gegen Lebensmittelabfälle",
        A,
        COMP,
        CIR,
        "Konzept",
        "§ 58 VgV",
    ),
    (
        "Fahrzeuge",
        "Emissionsfreie Pkw im Fuhrpark",
        T,
        CORE,
        MIT,
        "Zulassungsbescheinigung",
        "SaubFahrzeugBeschG",
    ),
    (
        "Fahrzeuge",
        "Rollwiderstandsarme Reifen (Klasse A/B)",
        T,
        CORE,
        MIT,
        "EU-Reifenlabel",
        "§ 67 VgV",
    ),
    ("Fahrzeuge", "Lebenszykluskosten bei der Wertung", A, CORE, MIT, "Berechnung", "§ 59 VgV"),
    ("Fahrzeuge", "Geräuscharme Kommunalfahrzeuge", T, COMP, POL, "Typgenehmigung", "§ 31 VgV"),
    ("Fahrzeuge", "Fahrerschulung Eco-Driving", C, COMP, MIT, "Schulungsnachweis", "§ 128 GWB"),
    (
        "Möbel",
        "Holz aus nachhaltiger Forstwirtschaft",
        T,
        CORE,
        Impact.BIODIV,
        "FSC, PEFC",
        "§ 34 VgV",
    ),
    ("Möbel", "Formaldehydarme Holzwerkstoffe", T, CORE, POL, "Blauer Engel DE-UZ 38", "§ 34 VgV"),
    ("Möbel", "Zehn Jahre Garantie und Ersatzteile", T, COMP, CIR, "Garantieerklärung", "§ 31 VgV"),
    ("Möbel", "Aufarbeitung vorhandener Möbel geprüft", A, COMP, CIR, "Angebot", "§ 58 VgV"),
    (
        "Möbel",
        "Rücknahme der Altmöbel zur Wiederverwendung",
        C,
        CORE,
        CIR,
        "Verwertungsnachweis",
        "§ 128 GWB",
    ),
    (
        "Textilien und Dienstkleidung",
        "Textilien mit Grünem Knopf",
        T,
        CORE,
        Impact.OTHER,
        "Grüner Knopf",
        "§ 34 VgV",
    ),
    (
        "Textilien und Dienstkleidung",
        "Schadstoffgeprüfte Textilien",
        T,
        CORE,
        POL,
        "OEKO-TEX Standard 100",
        "§ 34 VgV",
    ),
    (
        "Textilien und Dienstkleidung",
        "Einhaltung der ILO-Kernarbeitsnormen",
        C,
        CORE,
        Impact.OTHER,
        "Eigenerklärung, Fair Wear",
        "§ 128 GWB",
    ),
    (
        "Textilien und Dienstkleidung",
        "Anteil Bio-Baumwolle mindestens 50 %",
        T,
        COMP,
        Impact.WATER,
        "GOTS",
        "§ 34 VgV",
    ),
    (
        "Strom",
        "100 % Ökostrom aus Neuanlagen",
        T,
        CORE,
        MIT,
        "Grüner Strom Label, ok-power",
        "§ 67 VgV",
    ),
    (
        "Strom",
        "Herkunftsnachweise aus dem Herkunftsnachweisregister",
        T,
        CORE,
        MIT,
        "HKNR-Entwertung",
        "§ 31 VgV",
    ),
    ("Strom", "Förderung neuer Anlagen je kWh", A, COMP, MIT, "Zertifikat", "§ 58 VgV"),
    (
        "Strom",
        "Regionale Erzeugung (Regionalnachweis)",
        A,
        COMP,
        MIT,
        "Regionalnachweisregister",
        "§ 58 VgV",
    ),
]

MILESTONES = [
    ("Projektteam benennen", "Koordination und Vertretungen der Fachbereiche festlegen.", 0),
    ("Bestandsaufnahme der Beschaffung", "Volumen je Warengruppe aus der Haushaltsrechnung.", 90),
    ("Mindestkriterien im Netzwerk abstimmen", "Teilnahme an den Netzwerktreffen.", 150),
    ("Kriterien mit den Fachbereichen abstimmen", "Zustimmung aller beteiligten Ämter.", 240),
    ("Dienstanweisung Beschaffung anpassen", "Mindestkriterien verbindlich machen.", 330),
    ("Vorlagen der Vergabestelle ergänzen", "Leistungsbeschreibungen mit Kriterien.", 400),
    ("Schulung der Beschaffenden", "Halbtägige Schulung mit der Moderation.", 480),
    ("Erste Ausschreibungen mit Kriterien", "IT und Papier als Einstieg.", 560),
    ("Nachweise systematisch prüfen", "Rücklauf der Nachweise im Register erfassen.", 700),
    ("Ausweitung auf Catering und Fahrzeuge", "Weitere Warengruppen einbeziehen.", 900),
    ("Bericht an den Rat", "Ergebnisse im Fachausschuss vorstellen.", 1100),
    ("Fortschreibung des Fahrplans", "Neue Kriterien und Ziele für die nächsten Jahre.", 1400),
]

TENDERS = [
    ("Rahmenvertrag Arbeitsplatzrechner", "IT-Geräte", 180000),
    ("Kopierpapier für alle Dienststellen", "Papier und Büromaterial", 42000),
    ("Unterhaltsreinigung Rathaus", "Reinigungsdienstleistungen", 310000),
    ("Mittagsverpflegung Offene Ganztagsschulen", "Lebensmittel und Catering", 260000),
    ("Elektrofahrzeuge für den Fuhrpark", "Fahrzeuge", 150000),
    ("Büromöbel Bürgerbüro", "Möbel", 65000),
    ("Dienstkleidung Feuerwehr", "Textilien und Dienstkleidung", 90000),
    ("Stromlieferung kommunale Liegenschaften", "Strom", 820000),
    ("Notebooks für Schulen", "IT-Geräte", 290000),
    ("Büromaterial Rahmenvertrag", "Papier und Büromaterial", 28000),
]

# EU thresholds for supply and service contracts of sub-central authorities (§ 106 GWB with
# the Commission's delegated regulations; net values). Works (5.382.000 / 5.538.000 /
# 5.404.000 €) do not occur among the demo's product groups.
EU_THRESHOLDS = {2022: 215_000, 2024: 221_000, 2026: 216_000}
# Demo values keep away from the thresholds, so no tender depends on which of them applies.
THRESHOLD_BAND = (195_000, 245_000)
EU_PROCEDURES = [Tender.Procedure.OPEN_EU, Tender.Procedure.OPEN_EU, Tender.Procedure.RESTRICTED_EU]
# Below the threshold: UVgO. Restricted and negotiated awards only for smaller contracts (the
# NRW municipal award principles allow them up to 100.000 €); a Direktauftrag (§ 14 UVgO,
# 1.000 €) is too small for the demo's tenders.
SMALL_PROCEDURES = [
    Tender.Procedure.OPEN_NATIONAL,
    Tender.Procedure.RESTRICTED_NATIONAL,
    Tender.Procedure.NEGOTIATED_NATIONAL,
]
SMALL_CONTRACT = 100_000


def eu_threshold(year: int) -> int:
    """The threshold for supplies and services of a municipality in `year` (set every two
    years from 1 January of the even year; later years keep the last known one)."""
    known = [start for start in EU_THRESHOLDS if start <= year]
    return EU_THRESHOLDS[max(known) if known else min(EU_THRESHOLDS)]


def fitting_procedure(value: Decimal, year: int, variant: int) -> str:
    """A procedure that fits the estimated net value: EU-wide from the threshold on,
    national below it (`variant` picks among the fitting ones)."""
    if value >= eu_threshold(year):
        return EU_PROCEDURES[variant % len(EU_PROCEDURES)]
    if value >= SMALL_CONTRACT:
        return Tender.Procedure.OPEN_NATIONAL
    return SMALL_PROCEDURES[variant % len(SMALL_PROCEDURES)]


def _tender_value(base: int, factor: float) -> Decimal:
    value = round(base * factor, -2)
    low, high = THRESHOLD_BAND
    if low <= value <= high:
        value = low - 5_000 if value - low < high - value else high + 5_000
    return Decimal(value)


# The states each member's adoptions run through, in criterion order: most are agreed,
# adopted or applied, a few are in consultation (their approvals open), some open or
# declined.
A = Adoption.Status
STATES = [
    A.APPLIED, A.ADOPTED, A.AGREED, A.APPLIED, A.OPEN, A.ADOPTED, A.APPLIED, A.AGREED,
    A.CONSULTATION, A.APPLIED, A.ADOPTED, A.DECLINED, A.AGREED, A.APPLIED, A.OPEN,
]  # fmt: skip
HISTORY_FROM = date(2023, 2, 1)  # the first approvals were asked after the kick-off winter


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=BERLIN)


def seed(seeded):
    network = seeded.network
    today = getattr(seeded, "today", None) or timezone.localdate()
    groups = {}
    for position, (name, cpv, document) in enumerate(GROUPS):
        group, _ = ProductGroup.objects.get_or_create(
            network=network,
            name=name,
            defaults={"cpv_codes": cpv, "gpp_document": document, "position": position},
        )
        groups[name] = group
    criteria = []
    for group, title, stage, level, impact, verification, legal in CRITERIA:
        criterion, _ = Criterion.objects.get_or_create(
            network=network,
            title=title,
            source=Criterion.Source.OWN,
            defaults={
                "product_group": groups[group],
                "stage": stage,
                "level": level,
                "impact": impact,
                "verification": verification,
                "legal_basis": legal,
                "status": Criterion.Status.AGREED,
                "description": f"Mindestkriterium des KNN für die Warengruppe {group}.",
            },
        )
        criteria.append(criterion)
    # The shared EU GPP list as drafts (in the EU's English, not released to the members):
    # the catalogue's second source, for the moderation to work from.
    gpp = DATA / "eu-gpp-criteria.json"
    if gpp.exists():
        # A broken shared file must not stop the demo.
        with contextlib.suppress(ImportRefused):
            import_criteria(
                network,
                gpp.read_bytes(),
                load_documents(DATA / "eu-gpp-criteria-documents.json"),
            )
    template = _template(network)
    for index, (slug, membership) in enumerate(sorted(seeded.memberships.items())):
        _member(seeded, today, index, slug, membership, criteria, groups, template)


def _template(network):
    roadmap, created = Roadmap.objects.get_or_create(
        network=network, membership=None, defaults={"title": "Vorlage Fahrplan KNN"}
    )
    if created:
        for position, (title, description, offset) in enumerate(MILESTONES, start=1):
            Milestone.objects.create(
                roadmap=roadmap,
                position=position,
                title=title,
                description=description,
                due_on=date(2022, 10, 1) + timedelta(days=offset),
            )
    return roadmap


def milestone_plan(index: int, today: date) -> list[tuple[str, date, date | None]]:
    """(status, due on, completed on) of the 12 milestones of the member at `index`.

    The first five to eight are done, spread from October 2022 to some weeks before
    `today`; every other member has one late; the next falls due within three weeks; the
    rest follow every three months; every third member dropped the last."""
    done = 5 + index % 4
    late = index % 2 == 1
    start = date(2022, 10, 1) + timedelta(days=14 * index)
    last_done = max(today - timedelta(days=45 + 9 * index), start + timedelta(days=done * 30))
    step = (last_done - start) / (done - 1)
    plan = []
    for k in range(done):
        due = start + step * k
        completed = min(due + timedelta(days=9 * (k % 3)), today - timedelta(days=1))
        plan.append((Milestone.Status.DONE, due, completed))
    if late:
        plan.append((Milestone.Status.DELAYED, today - timedelta(days=12 + 5 * index), None))
    plan.append((Milestone.Status.IN_PROGRESS, today + timedelta(days=6 + 3 * index), None))
    later = 0
    while len(plan) < len(MILESTONES):
        due = today + timedelta(days=26 + 2 * index + 90 * later)
        plan.append((Milestone.Status.PLANNED, due, None))
        later += 1
    if index % 3 == 0:
        status, due, _completed = plan[-1]
        plan[-1] = (Milestone.Status.DROPPED, due, None)
    return plan


def _member(seeded, today, index, slug, membership, criteria, groups, template):
    rng = random.Random(f"knn-{slug}")  # noqa: S311 - demo data
    departments = list(Department.objects.filter(municipality=membership.municipality))
    if not departments:
        return
    user = seeded.users.get(slug)
    staff = getattr(seeded, "staff", {})
    by_name = {d.name: d for d in departments}
    vergabe = by_name.get("Zentrale Vergabestelle", departments[0])
    roadmap, created = Roadmap.objects.get_or_create(
        membership=membership,
        defaults={"network": membership.network, "title": f"Fahrplan {membership.municipality}"},
    )
    if created:
        steps = milestone_plan(index, today)
        milestones = [
            Milestone(
                roadmap=roadmap,
                position=milestone.position,
                title=milestone.title,
                description=milestone.description,
                due_on=due,
                status=status,
                completed_on=completed,
                department=vergabe if milestone.position in (5, 6, 9) else None,
            )
            for milestone, (status, due, completed) in zip(
                template.milestones.order_by("position"), steps, strict=True
            )
        ]
        bulk_create_with_history(milestones, Milestone)
    # Decided requests spread from HISTORY_FROM to some weeks ago; open ones are recent.
    span = max((today - timedelta(days=75) - HISTORY_FROM).days, 30)
    adopted = set(
        Adoption.objects.filter(membership=membership).values_list("criterion", flat=True)
    )
    adoptions, approvals = [], []
    for number, criterion in enumerate(criteria):
        state = STATES[(number + index) % len(STATES)]
        department = departments[(number + index) % len(departments)]
        if state == Adoption.Status.OPEN and department == vergabe:
            # An open criterion waits for an objection of a department besides the Vergabe.
            department = next(d for d in departments if d != vergabe)
        requested_on = HISTORY_FROM + timedelta(days=span * number // len(criteria) + index)
        decided_on = requested_on + timedelta(days=6 + (number * 5 + index) % 22)
        if state == Adoption.Status.CONSULTATION:
            requested_on = today - timedelta(days=2 + (number + 3 * index) % 24)
        if criterion.pk in adopted:
            continue
        adoption = Adoption(
            membership=membership,
            criterion=criterion,
            status=state,
            target_date=decided_on
            if state in Adoption.AGREED_OR_LATER or state == Adoption.Status.DECLINED
            else today + timedelta(days=30 + 15 * (number % 5)),
            department=department,
            decline_reason="Für diese Warengruppe gibt es derzeit keinen Bedarf."
            if state == Adoption.Status.DECLINED
            else "",
            agreed_on=decided_on if state in Adoption.AGREED_OR_LATER else None,
        )
        adoptions.append(adoption)
        for dept in sorted({vergabe, department}, key=lambda d: d.name):
            if state in Adoption.AGREED_OR_LATER:
                answer, comment = DepartmentApproval.Status.AGREED, ""
            elif state == Adoption.Status.CONSULTATION:
                answer, comment = DepartmentApproval.Status.PENDING, ""
            elif state == Adoption.Status.OPEN and dept != vergabe:
                answer = DepartmentApproval.Status.OBJECTION
                comment = "Bitte Markterkundung abwarten: Anbieter in der Region fehlen noch."
            else:
                continue
            pending = answer == DepartmentApproval.Status.PENDING
            # The coordination asks; a person of the department answers (never the one who
            # asked: nobody approves their own request).
            approvals.append(
                DepartmentApproval(
                    adoption=adoption,
                    department=dept,
                    status=answer,
                    comment=comment,
                    requested_at=_moment(requested_on),
                    requested_by=user,
                    decided_at=None if pending else _moment(decided_on),
                    decided_by=None if pending else staff.get((membership.pk, dept.pk)),
                )
            )
    if adoptions:
        bulk_create_with_history(adoptions, Adoption)  # gives them their ids
        _backdate_adoption_history(adoptions, today)
        for approval in approvals:
            approval.adoption_id = approval.adoption.pk
        bulk_create_with_history(approvals, DepartmentApproval)
        _backdate_approval_history(approvals)
    # Demos seeded before 2026-12 let the coordination answer its own requests.
    self_decided = DepartmentApproval.objects.filter(
        adoption__membership=membership, decided_by=F("requested_by")
    )
    for department_id in set(self_decided.values_list("department_id", flat=True)):
        person = staff.get((membership.pk, department_id))
        if person is not None:
            self_decided.filter(department_id=department_id).update(decided_by=person)
    if Tender.objects.filter(membership=membership).exists():
        return
    _tenders(membership, index, today, rng, groups)


def _tenders(membership, index, today, rng, groups):
    agreed = {}
    for adoption in Adoption.objects.filter(
        membership=membership, status__in=Adoption.AGREED_OR_LATER
    ).select_related("criterion"):
        agreed.setdefault(adoption.criterion.product_group_id, []).append(adoption.criterion)
    number = 0
    for year in range(2023, today.year + 1):
        for _ in range(1 + (year + index) % 2):  # one or two a year
            title, group_name, base = TENDERS[(number * 3 + index) % len(TENDERS)]
            published = date(year, 2 + (3 * number + index) % 10, 10 + index)
            number += 1
            if published > today:
                continue
            value = _tender_value(base, rng.choice([0.8, 1, 1.2]))
            group = groups[group_name]
            tender = Tender.objects.create(
                membership=membership,
                title=f"{title} {year}",
                reference=f"{membership.municipality.slug[:3].upper()}-{year}-{number:03d}",
                product_group=group,
                estimated_value=value,
                procedure=fitting_procedure(value, year, number + index),
                published_on=published,
                evidence_received=number % 2 == 1 and published < today - timedelta(days=60),
            )
            applicable = agreed.get(group.pk, [])
            # Later tenders apply all agreed criteria; early ones only some.
            if applicable and year >= 2025:
                tender.applied_criteria.set(applicable)
            elif applicable:
                tender.applied_criteria.set(applicable[:1])


# How long after the departments agreed a demo criterion was adopted / first applied.
ADOPTED_AFTER = timedelta(days=30)
APPLIED_AFTER = timedelta(days=90)


def _backdate_adoption_history(adoptions, today):
    """Date each new adoption's history row when its state was reached, not at seeding:
    the quarterly figures read "adopted" and "applied" at a past date from the history
    (network.timeseries), so a demo dated at seeding would show them flat until today."""
    historical = Adoption.history.model
    rows = {
        row.id: row
        for row in historical.objects.filter(id__in=[a.pk for a in adoptions], history_type="+")
    }
    changed = []
    for adoption in adoptions:
        row = rows.get(adoption.pk)
        if row is None:
            continue
        if adoption.agreed_on:
            reached = adoption.agreed_on + {
                Adoption.Status.ADOPTED: ADOPTED_AFTER,
                Adoption.Status.APPLIED: APPLIED_AFTER,
            }.get(adoption.status, timedelta(0))
        else:
            reached = HISTORY_FROM
        row.history_date = _moment(min(reached, today - timedelta(days=1)))
        changed.append(row)
    historical.objects.bulk_update(changed, ["history_date"], batch_size=500)


def _backdate_approval_history(approvals):
    """Date each new request's history row when it was last acted on (asked or answered),
    so „Letzte Änderungen“ and the start page tell the story instead of the seeding."""
    historical = DepartmentApproval.history.model
    when = {a.pk: a.decided_at or a.requested_at for a in approvals}
    rows = list(historical.objects.filter(id__in=list(when), history_type="+"))
    for row in rows:
        row.history_date = when[row.id]
    historical.objects.bulk_update(rows, ["history_date"], batch_size=500)
