"""Demo data of the procurement area for KNN (called by `seed_demo`). Idempotent: every
object is looked up by its natural key first; a second run creates nothing."""

import contextlib
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

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
    ("Notebooks für Schulen", "IT-Geräte", 240000),
    ("Büromaterial Rahmenvertrag", "Papier und Büromaterial", 28000),
]

PROCEDURES = [
    Tender.Procedure.OPEN_NATIONAL,
    Tender.Procedure.OPEN_EU,
    Tender.Procedure.RESTRICTED_NATIONAL,
    Tender.Procedure.NEGOTIATED_NATIONAL,
    Tender.Procedure.DIRECT,
]

# The states each member's adoptions run through, in criterion order.
STATES = [
    Adoption.Status.APPLIED,
    Adoption.Status.ADOPTED,
    Adoption.Status.AGREED,
    Adoption.Status.CONSULTATION,
    Adoption.Status.OPEN,
    Adoption.Status.DECLINED,
]


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=BERLIN)


def seed(seeded):
    network = seeded.network
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
    # The shared EU GPP list as drafts, for the catalogue's second source.
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
        _member(seeded, index, slug, membership, criteria, groups, template)


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


def _member(seeded, index, slug, membership, criteria, groups, template):
    rng = random.Random(f"knn-{slug}")
    departments = list(Department.objects.filter(municipality=membership.municipality))
    if not departments:
        return
    user = seeded.users.get(slug)
    by_name = {d.name: d for d in departments}
    vergabe = by_name.get("Zentrale Vergabestelle", departments[0])
    roadmap, created = Roadmap.objects.get_or_create(
        membership=membership,
        defaults={"network": membership.network, "title": f"Fahrplan {membership.municipality}"},
    )
    if created:
        # From the template; the further a member is, the more milestones are done.
        done_until = 4 + index % 4
        for milestone in template.milestones.all():
            if milestone.position <= done_until:
                status, completed = Milestone.Status.DONE, milestone.due_on
            elif milestone.position == done_until + 1:
                status, completed = Milestone.Status.IN_PROGRESS, None
            elif milestone.position == done_until + 2:
                status, completed = Milestone.Status.DELAYED, None
            elif milestone.position == len(MILESTONES) and index % 3 == 0:
                status, completed = Milestone.Status.DROPPED, None
            else:
                status, completed = Milestone.Status.PLANNED, None
            Milestone.objects.create(
                roadmap=roadmap,
                position=milestone.position,
                title=milestone.title,
                description=milestone.description,
                due_on=milestone.due_on + timedelta(days=20 * index),
                status=status,
                completed_on=completed,
                department=vergabe if milestone.position in (5, 6, 9) else None,
            )
    for number, criterion in enumerate(criteria):
        state = STATES[(number + index) % len(STATES)]
        department = departments[(number + index) % len(departments)]
        adoption, created = Adoption.objects.get_or_create(
            membership=membership,
            criterion=criterion,
            defaults={
                "status": state,
                "target_date": date(2025, 6, 30) + timedelta(days=30 * (number % 12)),
                "department": department,
                "decline_reason": "Für diese Warengruppe gibt es derzeit keinen Bedarf."
                if state == Adoption.Status.DECLINED
                else "",
                "agreed_on": date(2024, 3, 1) + timedelta(days=7 * number)
                if state in Adoption.AGREED_OR_LATER
                else None,
            },
        )
        if not created:
            continue
        asked = {vergabe, department}
        requested = _moment(date(2023, 11, 1) + timedelta(days=5 * number))
        for dept in sorted(asked, key=lambda d: d.name):
            if state in Adoption.AGREED_OR_LATER:
                answer, comment = DepartmentApproval.Status.AGREED, ""
            elif state == Adoption.Status.CONSULTATION:
                answer, comment = DepartmentApproval.Status.PENDING, ""
            elif state == Adoption.Status.OPEN and dept != vergabe:
                answer = DepartmentApproval.Status.OBJECTION
                comment = "Bitte Markterkundung abwarten: Anbieter in der Region fehlen noch."
            else:
                continue
            DepartmentApproval.objects.create(
                adoption=adoption,
                department=dept,
                status=answer,
                comment=comment,
                requested_at=requested,
                requested_by=user,
                decided_at=None
                if answer == DepartmentApproval.Status.PENDING
                else requested + timedelta(days=14),
                decided_by=None if answer == DepartmentApproval.Status.PENDING else user,
            )
    if Tender.objects.filter(membership=membership).exists():
        return
    agreed = {}
    for adoption in Adoption.objects.filter(
        membership=membership, status__in=Adoption.AGREED_OR_LATER
    ).select_related("criterion"):
        agreed.setdefault(adoption.criterion.product_group_id, []).append(adoption.criterion)
    for number in range(6):
        title, group_name, value = TENDERS[(number * 3 + index) % len(TENDERS)]
        group = groups[group_name]
        year = 2023 + number % 4
        tender = Tender.objects.create(
            membership=membership,
            title=f"{title} {year}",
            reference=f"{membership.municipality.slug[:3].upper()}-{year}-{number + 1:03d}",
            product_group=group,
            estimated_value=Decimal(value) * Decimal(rng.choice([0.8, 1, 1.2])),
            procedure=PROCEDURES[(number + index) % len(PROCEDURES)],
            published_on=date(year, 2 + 2 * number % 10, 10 + index),
            evidence_received=number % 2 == 0,
        )
        applicable = agreed.get(group.pk, [])
        # Later tenders apply all agreed criteria; early ones only some.
        if applicable and year >= 2025:
            tender.applied_criteria.set(applicable)
        elif applicable:
            tender.applied_criteria.set(applicable[:1])
