"""The demo network KNN, as a newcomer sees it after `make run` – on whatever day that is.

The story is told relative to `today` (`seed_network(today=…)`, default the local date):
the network started in September 2022 and has met five to seven times a year since; what
lies before `today` has been held (attendance, minutes, decisions), what lies after it is
planned. The topic apps' seeders read `seeded.today` and do the same.

Every function here is idempotent: it looks things up by their natural keys
(slug, e-mail, title) and only creates what is missing; a second run on the same day
changes nothing.
"""

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Department,
    FundingProgramme,
    Meeting,
    Membership,
    Municipality,
    Network,
    Role,
    User,
)

DEMO_PASSWORD = "demo"
# The networks seed_demo builds (seed_network: KNN; _seed_second_network: Hellweg).
DEMO_NETWORK_SLUGS = ("knn", "hellweg")
BERLIN = ZoneInfo("Europe/Berlin")
# The app's own copy of shared/data/knn-members.csv (tests/procurement/test_shipped_data.py
# holds it to the original where shared/ is beside the repository).
MEMBERS_CSV = Path(settings.BASE_DIR) / "network" / "data" / "knn-members.csv"
KREIS_POPULATION = {"05978": 390000, "05974": 300000, "05562": 614000}
STARTED_ON = date(2022, 9, 1)

DEPARTMENTS = [
    "Zentrale Vergabestelle",
    "Gebäudemanagement",
    "IT und Digitalisierung",
    "Umwelt und Klimaschutz",
    "Finanzen",
]
# The e-mail prefix of each department's demo person (`vergabe.luenen@example.org`).
DEPARTMENT_PREFIX = dict(
    zip(DEPARTMENTS, ["vergabe", "gebaeude", "it", "umwelt", "finanzen"], strict=True)
)

# Made-up people; the accounts keep their role e-mail addresses (README, Demo-Zugänge).
PEOPLE = {
    "moderator": ("Miriam", "Albers"),
    "expert": ("Erik", "Brandt"),
    "expertin": ("Eva", "Lindner"),
    "outsider": ("Olaf", "Grewe"),
}
COORDINATORS = {
    "luenen": ("Jana", "Wiesmann"),
    "werne": ("Thomas", "Berger"),
    "herten": ("Aylin", "Demir"),
    "recklinghausen": ("Markus", "Schulte"),
    "welver": ("Sabine", "Hoffmann"),
    "kreis-recklinghausen": ("Daniel", "Krüger"),
}
FIRST_NAMES = [
    "Stefan", "Katrin", "Ole", "Petra", "Jörg", "Nadine", "Lukas", "Anna", "Mehmet", "Julia",
    "Frank", "Sandra", "Tobias", "Melanie", "Jan", "Christina", "Michael", "Lea", "Ralf",
    "Birgit", "Kai", "Svenja", "Dirk", "Hannah", "Uwe", "Laura", "Sven", "Monika", "Timo",
    "Ines",
]  # fmt: skip
LAST_NAMES = [
    "Brinkmann", "Vogt", "Hansen", "Wolters", "Menke", "Peters", "Kaiser", "Nowak", "Yılmaz",
    "Hartmann", "Schröder", "Lange", "Becker", "Große", "Kemper", "Winkler", "Pohl", "Arslan",
    "Fischer", "Böhm", "Richter", "Sommer", "Heine", "Kowalski", "Neumann", "Otto", "Lorenz",
    "Bauer", "Engel", "Frank",
]  # fmt: skip

SECOND_NETWORK_MEMBERS = [
    ("Hamm", "hamm", "stadt", "05915000", None, None, 180000),
    ("Unna", "unna", "stadt", "05978036", "Kreis Unna", "05978", 59000),
    ("Soest", "soest", "stadt", "05974040", "Kreis Soest", "05974", 48000),
]


@dataclass
class Seeded:
    network: Network
    memberships: dict[str, Membership] = field(default_factory=dict)
    # "moderator", "expert", the coordinators by municipality slug
    users: dict[str, User] = field(default_factory=dict)
    # the person of each department: (membership pk, department pk) → user
    staff: dict[tuple[int, int], User] = field(default_factory=dict)
    today: date = field(default_factory=timezone.localdate)


def members_from_csv(path: Path = MEMBERS_CSV):
    """Rows of knn-members.csv: name, slug, kind, AGS, Kreis, Kreis AGS, population."""
    kinds = {"Stadt": "stadt", "Gemeinde": "gemeinde", "Kreis": "kreis"}
    with path.open(encoding="utf-8") as handle:
        return [
            (
                row["name"],
                row["slug"],
                kinds[row["kind"]],
                row["ags"],
                row["kreis"],
                row["kreis_ags"],
                int(row["population_approx"]),
            )
            for row in csv.DictReader(handle, delimiter=";")
        ]


class _Accounts:
    """Demo accounts with one password hash for all (hashing is the slow part of seeding:
    about half a second per account with Django's default hasher)."""

    def __init__(self):
        self._hash = None

    def user(self, email, first_name, last_name):
        user = User.objects.filter(email=email).first()
        if user is None:
            if self._hash is None:
                self._hash = make_password(DEMO_PASSWORD)
            return User.objects.create(
                email=email, first_name=first_name, last_name=last_name, password=self._hash
            )
        if (user.first_name, user.last_name) != (first_name, last_name):
            # Older demos named the accounts after their roles ("Koordination Lünen").
            user.first_name, user.last_name = first_name, last_name
            user.save(update_fields=["first_name", "last_name"])
        return user


def _municipality(name, slug, kind, ags, kreis_name, kreis_ags, population):
    parent = None
    if kreis_ags:
        parent, _ = Municipality.objects.get_or_create(
            ags=kreis_ags,
            defaults={
                "name": kreis_name,
                "slug": kreis_name.lower().replace(" ", "-"),
                "kind": Municipality.Kind.KREIS,
                "population": KREIS_POPULATION.get(kreis_ags),
            },
        )
    municipality, _ = Municipality.objects.update_or_create(
        ags=ags,
        defaults={
            "name": name,
            "slug": slug,
            "kind": kind,
            "population": population,
            "parent": parent,
        },
    )
    return municipality


def _role(user, network, kind, membership=None, department=None):
    role, _ = Role.objects.get_or_create(
        user=user,
        network=network,
        kind=kind,
        membership=membership,
        defaults={"department": department},
    )
    return role


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


# ---------------------------------------------------------------------------------------
# Meetings

MONTHS = [
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
    "Oktober", "November", "Dezember",
]  # fmt: skip

# The first months, as in the seed of the network (kind, title, day, hour, hours, location,
# workshop members).
FIRST_MEETINGS = [
    (
        "network_meeting",
        "Auftakt: Nachhaltige Beschaffung",
        date(2022, 9, 14),
        10,
        4,
        "Rathaus Lünen, Willy-Brandt-Platz 1",
        None,
    ),
    (
        "network_meeting",
        "Mindestkriterien für Ausschreibungen",
        date(2022, 11, 9),
        10,
        4,
        "Rathaus Herten, Kurt-Schumacher-Straße 2",
        None,
    ),
    (
        "workshop",
        "Workshop Projektteam Recklinghausen",
        date(2022, 12, 6),
        9,
        3,
        "Rathaus Recklinghausen, Rathausplatz 3",
        ["recklinghausen"],
    ),
    (
        "workshop",
        "Workshop Projektteam Kreis Recklinghausen",
        date(2022, 12, 13),
        9,
        3,
        "Kreishaus Recklinghausen, Kurt-Schumacher-Allee 1",
        ["kreis-recklinghausen"],
    ),
]

# From 2023 on, seven slots a year (month, day; moved to the Wednesday on or after it).
# They lie 52–53 days apart, so from any day the next meeting is at most 59 days away and
# the last one at most 59 days back. Some past years leave a slot out (see `_skipped`).
SLOTS = [
    (1, 14, "online"),
    (3, 7, "network_meeting"),
    (4, 28, "workshop"),
    (6, 19, "network_meeting"),
    (8, 10, "site_visit"),
    (10, 1, "network_meeting"),
    (11, 22, "network_meeting"),
]
TOWN_HALLS = [
    "Rathaus Werne, Konrad-Adenauer-Platz 1",
    "Kreishaus Recklinghausen, Kurt-Schumacher-Allee 1",
    "Rathaus Welver, Am Markt 4",
    "Rathaus Lünen, Willy-Brandt-Platz 1",
    "Rathaus Herten, Kurt-Schumacher-Straße 2",
    "Rathaus Recklinghausen, Rathausplatz 3",
]
NETWORK_TOPICS = [
    "Stand der Fahrpläne",
    "Zustimmung der Fachbereiche",
    "Erste Ausschreibungen mit Kriterien",
    "Nachweise im Vergaberegister",
    "Catering und Fuhrpark",
    "Bewertungsraster für Bauvorhaben",
    "Sanierung im Bestand: Praxisbeispiele",
    "Lebenszykluskosten in der Wertung",
    "Leitlinie Wärmeversorgung",
    "Kreislaufwirtschaft im Hochbau",
]
ONLINE_TOPICS = [
    "Neues aus dem Vergaberecht",
    "Wärmeplanung und GEG § 71",
    "EU-GPP-Kriterien sichten",
    "Förderprogramme für kommunale Gebäude",
]
WORKSHOP_TOPICS = [
    "Leistungsbeschreibungen mit Kriterien",
    "Markterkundung und Bieterdialog",
    "Bewertung eines Bauvorhabens",
    "Dienstanweisung Beschaffung",
]
SITE_VISITS = [
    ("Kita-Neubau in Holzbauweise", "Kita Sonnenblume, Welver"),
    ("Schule im Passivhausstandard", "Gesamtschule Horstmar, Lünen"),
    ("Wärmepumpe im Altbau", "Rathaus Herten"),
    ("Recyclingbeton auf der Baustelle", "Feuerwache Süd, Recklinghausen"),
]
KIND_LABELS = {
    "network_meeting": "Netzwerktreffen",
    "online": "Online-Treffen",
    "workshop": "Workshop",
    "site_visit": "Exkursion",
}
AGENDA = [
    ("Begrüßung und Ziele", 15, "Moderation"),
    ("Stand in den Kommunen", 45, "Koordinationen"),
    ("Fachimpuls", 45, "Expertin"),
    ("Arbeit in Kleingruppen", 60, ""),
    ("Beschlüsse und nächste Schritte", 30, "Moderation"),
]
HOURS = {"network_meeting": (10, 4), "online": (14, 2), "workshop": (9, 3), "site_visit": (10, 5)}
HORIZON = timedelta(days=150)  # how far ahead meetings are planned


@dataclass(frozen=True)
class PlannedMeeting:
    kind: str
    title: str
    day: date
    hour: int
    hours: int
    location: str
    subset: tuple[str, ...] | None
    topic: str
    cancelled: bool = False


def _wednesday(day: date) -> date:
    return day + timedelta(days=(2 - day.weekday()) % 7)


def _skipped(year: int, slot: int) -> str | None:
    """Five to seven meetings a year: every third year is full, in the others the summer
    visit falls away (cancelled or never planned), in one of them also January's call."""
    if year % 3 == 0 and slot == 4:
        return "cancelled"
    if year % 3 == 2 and slot in (0, 4):
        return "skipped"
    return None


def meeting_plan(slugs: list[str], today: date) -> list[PlannedMeeting]:
    """Every meeting of the KNN from September 2022 to HORIZON after `today`, in order."""
    plan = [
        PlannedMeeting(kind, title, day, hour, hours, location, tuple(subset or ()) or None, title)
        for kind, title, day, hour, hours, location, subset in FIRST_MEETINGS
    ]
    counters = dict.fromkeys(KIND_LABELS, 0)
    for year in range(2023, (today + HORIZON).year + 1):
        for slot, (month, day, kind) in enumerate(SLOTS):
            when = _wednesday(date(year, month, day))
            if when > today + HORIZON:
                return plan
            skip = _skipped(year, slot)
            # Only what lies well in the past may be missing, so that the weeks around
            # `today` always have their meetings.
            if skip == "skipped" and when < today - timedelta(days=140):
                continue
            number = counters[kind]
            counters[kind] += 1
            subset = None
            location = TOWN_HALLS[number % len(TOWN_HALLS)]
            if kind == "network_meeting":
                topic = NETWORK_TOPICS[number % len(NETWORK_TOPICS)]
                if slot == len(SLOTS) - 1:
                    topic = f"Jahrestreffen und Erfolgsbilanz {year}"
            elif kind == "online":
                topic, location = ONLINE_TOPICS[number % len(ONLINE_TOPICS)], ""
            elif kind == "workshop":
                topic = WORKSHOP_TOPICS[number % len(WORKSHOP_TOPICS)]
                subset = (slugs[number % len(slugs)], slugs[(number + 3) % len(slugs)])
            else:
                topic, location = SITE_VISITS[number % len(SITE_VISITS)]
            hour, hours = HOURS[kind]
            plan.append(
                PlannedMeeting(
                    kind,
                    f"{KIND_LABELS[kind]} {MONTHS[month - 1]} {year}: {topic}",
                    when,
                    hour,
                    hours,
                    location,
                    subset,
                    topic,
                    cancelled=skip == "cancelled" and when < today - timedelta(days=140),
                )
            )
    return plan


def _seed_meetings(seeded: Seeded):
    network, today = seeded.network, seeded.today
    slugs = sorted(seeded.memberships)
    existing = set(Meeting.objects.filter(network=network).values_list("title", flat=True))
    agenda, attendances, actions = [], [], []
    plan = meeting_plan(slugs, today)
    # The most recent network meeting held carries the full minutes (Markdown, numbered
    # decisions with votes, action items): what a member opens first.
    latest = max(
        (p for p in plan if p.kind == "network_meeting" and p.day < today and not p.cancelled),
        key=lambda p: p.day,
        default=None,
    )
    for number, planned in enumerate(plan):
        if planned.title in existing:
            continue
        held = planned.day < today and not planned.cancelled
        status = "cancelled" if planned.cancelled else "held" if held else "planned"
        meeting = Meeting.objects.create(
            network=network,
            title=planned.title,
            kind=planned.kind,
            starts_at=_at(planned.day, planned.hour),
            ends_at=_at(planned.day, planned.hour + planned.hours),
            location=planned.location,
            online_url="https://konferenz.example.org/knn" if planned.kind == "online" else "",
            status=status,
            description="Treffen des Kommunalen Netzwerks Nachhaltigkeit.",
        )
        invited = [seeded.memberships[s] for s in (planned.subset or slugs)]
        if planned.subset:
            meeting.participants.set(invited)
        for position, (item, minutes, presenter) in enumerate(AGENDA, start=1):
            if minutes * 60 > planned.hours * 3600:
                break
            if position == 3:
                item = f"Fachimpuls: {planned.topic}"
            agenda.append(
                AgendaItem(
                    meeting=meeting,
                    position=position,
                    title=item,
                    duration_minutes=minutes,
                    presenter=presenter,
                )
            )
        days_ahead = (planned.day - today).days
        for seat, membership in enumerate(invited):
            if held:
                # About one in six excused themselves.
                answer = "excused" if (number + seat) % 6 == 5 else "attended"
            elif status == "planned" and days_ahead <= 21:
                answer = ("registered", "registered", "invited", "excused")[(number + seat) % 4]
            else:
                answer = "invited"
            attendances.append(
                Attendance(
                    meeting=meeting,
                    user=seeded.users[membership.municipality.slug],
                    membership=membership,
                    status=answer,
                )
            )
        if not held:
            continue
        if planned is latest:
            decision = _seed_latest_minutes(seeded, meeting, planned, invited, actions, today)
        else:
            meeting.minutes = (
                f"Protokoll: {planned.title}\n\nDie Teilnehmenden haben den Fachimpuls zu "
                f"„{planned.topic}“ und die Ergebnisse der Arbeitsgruppen besprochen und die "
                "nächsten Schritte vereinbart."
            )
            decision = Decision.objects.create(
                meeting=meeting,
                text=f"Die Mitglieder setzen die Ergebnisse zu „{planned.topic}“ in ihren "
                "Fahrplänen um.",
            )
        # Minutes of the past are released, two days after the meeting, by the moderation.
        meeting.minutes_status = Meeting.MinutesStatus.RELEASED
        meeting.minutes_released_at = _at(planned.day + timedelta(days=2), 9)
        meeting.minutes_released_by = seeded.users["moderator"]
        meeting.save(
            update_fields=[
                "minutes",
                "minutes_status",
                "minutes_released_at",
                "minutes_released_by",
            ]
        )
        due = planned.day + timedelta(days=42)
        for membership in invited[:2]:
            actions.append(
                ActionItem(
                    network=network,
                    decision=decision,
                    membership=membership,
                    owner=seeded.users[membership.municipality.slug],
                    title=f"{planned.topic}: Umsetzung in {membership.municipality.name}",
                    due_on=due,
                    status="done" if due < today else "open",
                )
            )
    for model, rows in ((AgendaItem, agenda), (Attendance, attendances), (ActionItem, actions)):
        if rows:
            bulk_create_with_history(rows, model, batch_size=500)


def _seed_latest_minutes(seeded, meeting, planned, invited, actions, today):
    """Minutes in Markdown that talk about life-cycle cost (the search finds them), three
    numbered decisions with their votes and an action item each for two members. Returns
    the last decision, to which the usual action items are added too."""
    names = [m.municipality.name for m in invited]
    meeting.minutes = (
        f"## Ergebnisse\n\nDie Moderation begrüßt die Vertretungen aus {', '.join(names)}.\n\n"
        "### Lebenszykluskosten in der Wertung\n\n"
        "Die Expertin stellt vor, wie die **Lebenszykluskosten** (Kapitalwertmethode nach "
        "dem Leitfaden WU Hochbau) in die Wertung von Bauvorhaben eingehen:\n\n"
        "- Investition im Jahr 0, laufende Kosten am Ende jedes Jahres\n"
        "- Ersatzinvestitionen nach Nutzungsdauer, Restwert am Ende des Zeitraums\n"
        "- CO₂-Preispfad für Gas und Heizöl\n\n"
        "### Aus den Kommunen\n\n"
        "| Kommune | Stand |\n|---|---|\n"
        + "".join(f"| {name} | Fahrplan in Umsetzung |\n" for name in names[:3])
        + "\n### Nächste Schritte\n\nDie Beschlüsse und Aufgaben stehen unten; das "
        "nächste Netzwerktreffen greift sie auf."
    )
    texts = [
        ("Lebenszykluskosten werden bei Bauvorhaben über 1 Mio. € mit 20 % gewertet.", 9, 0, 1),
        ("Das Bewertungsraster wird in der Fassung des Workshops verwendet.", 8, 1, 1),
        ("Die Mitglieder setzen die Ergebnisse in ihren Fahrplänen um.", 10, 0, 0),
    ]
    decisions = [
        Decision.objects.create(
            meeting=meeting, text=text, votes_yes=yes, votes_no=no, votes_abstained=abstained
        )
        for text, yes, no, abstained in texts
    ]
    for decision, membership in zip(decisions[:2], invited[2:4], strict=False):
        actions.append(
            ActionItem(
                network=seeded.network,
                decision=decision,
                membership=membership,
                owner=seeded.users[membership.municipality.slug],
                title=f"Lebenszykluskosten im nächsten Bauvorhaben von "
                f"{membership.municipality.name} rechnen",
                due_on=planned.day + timedelta(days=60),
                # Done once their date has passed, like the others: the demo's overdue
                # list stays as short on any day it is built for.
                status="done" if planned.day + timedelta(days=60) < today else "open",
            )
        )
    return decisions[-1]


# ---------------------------------------------------------------------------------------


def seed_network(today: date | None = None) -> Seeded:
    today = today or timezone.localdate()
    network, _ = Network.objects.get_or_create(
        slug="knn",
        defaults={
            "name": "Kommunales Netzwerk Nachhaltigkeit",
            "started_on": STARTED_ON,
            "moderating_organisation": "Green Navigation GmbH, Unna",
            "description": (
                "Sechs Kommunen in Westfalen arbeiten gemeinsam an nachhaltiger Beschaffung "
                "und nachhaltigem Bauen."
            ),
        },
    )
    seeded = Seeded(network=network, today=today)
    accounts = _Accounts()
    moderator = accounts.user("moderator@example.org", *PEOPLE["moderator"])
    expert = accounts.user("expert@example.org", *PEOPLE["expert"])
    expert2 = accounts.user("expertin@example.org", *PEOPLE["expertin"])
    _role(moderator, network, Role.Kind.MODERATOR)
    _role(expert, network, Role.Kind.EXPERT)
    _role(expert2, network, Role.Kind.EXPERT)
    seeded.users.update({"moderator": moderator, "expert": expert})

    names = 0
    for row in members_from_csv():
        municipality = _municipality(*row)
        membership, _ = Membership.objects.get_or_create(
            network=network, municipality=municipality, defaults={"joined_on": network.started_on}
        )
        seeded.memberships[municipality.slug] = membership
        coordinator = accounts.user(
            f"{municipality.slug}@example.org",
            *COORDINATORS.get(municipality.slug, ("Kim", municipality.name)),
        )
        _role(coordinator, network, Role.Kind.COORDINATOR, membership)
        seeded.users[municipality.slug] = coordinator
        for name in DEPARTMENTS:
            department, _ = Department.objects.get_or_create(municipality=municipality, name=name)
            person = accounts.user(
                f"{DEPARTMENT_PREFIX[name]}.{municipality.slug}@example.org",
                FIRST_NAMES[names % len(FIRST_NAMES)],
                LAST_NAMES[(names * 7) % len(LAST_NAMES)],
            )
            names += 1
            _role(person, network, Role.Kind.STAFF, membership, department)
            seeded.staff[membership.pk, department.pk] = person

    _seed_meetings(seeded)
    _seed_funding(seeded)
    seed_public(seeded)
    _seed_second_network(accounts, today)
    return seeded


# Funding programmes the KNN members look at. Names and providers are real; rates, amounts,
# dates and conditions are examples (marked so on every page) until the moderation has
# checked them against the current guideline. Every start lies before the earliest demo
# building application (building.demo.EARLIEST_APPLICATION), so the matches do not depend
# on the day the demo is seeded; ends that are not historical count from that day.
def funding_plan(today: date) -> list[dict]:
    K, B = FundingProgramme.Kind, FundingProgramme.BuildingType
    next_year_end = date(today.year + 1, 12, 31)
    return [
        dict(
            name="BEG Nichtwohngebäude – Kommunen (KfW 464)",
            provider="KfW im Auftrag des Bundes",
            url="https://www.kfw.de/464",
            kinds=[K.RENOVATION],
            building_type=B.NON_RESIDENTIAL,
            conditions="Sanierung zum Effizienzgebäude; Zuschuss je nach erreichter Stufe. "
            "Antrag vor Beginn des Vorhabens, Energieeffizienz-Expertin einbinden.",
            grant_rate_pct=Decimal("20"),
            valid_from=date(2021, 7, 1),
            last_checked=today - timedelta(days=45),
        ),
        dict(
            name="BEG Einzelmaßnahmen – Heizung und Gebäudehülle",
            provider="BAFA / KfW",
            url="https://www.bafa.de/beg",
            kinds=[K.RENOVATION, K.HEATING],
            building_type=B.ANY,
            conditions="Einzelmaßnahmen an bestehenden Gebäuden, z. B. Wärmepumpe statt "
            "Gaskessel; Grundförderung, Boni nach Richtlinie.",
            grant_rate_pct=Decimal("30"),
            valid_from=date(2024, 1, 1),
            last_checked=today - timedelta(days=45),
        ),
        dict(
            name="Klimafreundlicher Neubau – Nichtwohngebäude – Kommunen (KfW 499)",
            provider="KfW im Auftrag des Bundes",
            url="https://www.kfw.de/499",
            kinds=[K.NEW_BUILD],
            building_type=B.NON_RESIDENTIAL,
            conditions="Zinsgünstiger Kredit für Neubauten mit geringen Treibhausgasemissionen "
            "im Lebenszyklus (Effizienzgebäude 40); keine Öl-, Gas- oder Biomasseheizung.",
            grant_amount_eur=Decimal("10000000"),
            valid_from=date(2023, 3, 1),
            last_checked=today - timedelta(days=60),
        ),
        dict(
            name="progres.nrw – Klimaschutztechnik",
            provider="Land NRW, Bezirksregierung Arnsberg",
            url="https://www.bra.nrw.de/energie-bergbau/foerderinstrumente/progresnrw",
            kinds=[K.HEATING, K.PV],
            building_type=B.ANY,
            conditions="Zuschuss für Wärmepumpen, Solarthermie und Batteriespeicher zu "
            "PV-Anlagen; Antrag vor Auftragsvergabe.",
            grant_rate_pct=Decimal("25"),
            valid_from=date(2023, 1, 1),
            valid_to=next_year_end,
            last_checked=today - timedelta(days=20),
        ),
        dict(
            name="Kommunalrichtlinie (NKI) – Klimaschutz in Kommunen",
            provider="ZUG im Auftrag des Bundes",
            url="https://www.klimaschutz.de/kommunalrichtlinie",
            kinds=[K.PROCUREMENT, K.RENOVATION],
            building_type=B.ANY,
            conditions="Klimaschutzmanagement und Fokusberatung (auch zur klimafreundlichen "
            "Beschaffung), investive Maßnahmen wie LED-Beleuchtung und Lüftung.",
            grant_rate_pct=Decimal("40"),
            valid_from=date(2022, 1, 1),
            valid_to=next_year_end,
            last_checked=today - timedelta(days=30),
        ),
        dict(
            name="KfW 432 – Energetische Stadtsanierung",
            provider="KfW",
            url="https://www.kfw.de/432",
            kinds=[K.RENOVATION, K.HEATING],
            building_type=B.ANY,
            conditions="Integrierte Quartierskonzepte und Sanierungsmanagement. Stand der "
            "Neuzusagen bitte beim Fördergeber prüfen.",
            grant_rate_pct=Decimal("75"),
            valid_from=date(2011, 11, 1),
            valid_to=date(2024, 12, 31),
            last_checked=today - timedelta(days=120),
        ),
    ]


def _seed_funding(seeded: Seeded):
    """The example register of the KNN; a second run finds every programme by its name."""
    for values in funding_plan(seeded.today):
        name = values.pop("name")
        FundingProgramme.objects.get_or_create(
            network=seeded.network, name=name, defaults={**values, "example_data": True}
        )


# The members that show their work on the KNN's public page (/oeffentlich/knn/).
PUBLIC_MEMBERS = ("luenen", "werne", "herten")


def seed_public(seeded: Seeded):
    """The KNN's public page on (licence dl-de/by-2-0); Lünen, Werne and Herten release
    every installed public section and the moderation approves; the latest done
    Erfolgsbilanz is published if there is one. A second run changes nothing."""
    from .models.public import Publication
    from .public import public_sections
    from .services.public import release_approve, release_set

    Publication.objects.get_or_create(
        network=seeded.network,
        defaults={"is_public": True, "licence": Publication.Licence.DL_DE_BY},
    )
    keys = [section.key for section in public_sections()]
    for slug in PUBLIC_MEMBERS:
        membership = seeded.memberships[slug]
        release_set(membership=membership, sections=keys, user=seeded.users[slug])
        for release in membership.releases.filter(section__in=keys, approved_by__isnull=True):
            release_approve(
                release_id=release.pk,
                version=release.version,
                approve=True,
                user=seeded.users["moderator"],
            )
    publish_annual_report(seeded)


def publish_annual_report(seeded: Seeded):
    """Publish the KNN's latest done Erfolgsbilanz (seed_demo builds it after the rest)."""
    from .models import Report
    from .models.public import Publication

    latest = (
        Report.objects.filter(
            network=seeded.network, kind=Report.Kind.ANNUAL, status=Report.Status.DONE
        )
        .order_by("-period_end", "-pk")
        .first()
    )
    publication = Publication.objects.filter(network=seeded.network).first()
    if latest is None or publication is None or publication.annual_report_id == latest.pk:
        return
    publication.annual_report = latest
    publication.version += 1
    publication.save(update_fields=["annual_report", "version"])


def _seed_second_network(accounts, today):
    network, _ = Network.objects.get_or_create(
        slug="hellweg",
        defaults={
            "name": "Klimanetzwerk Hellweg",
            "started_on": date(2024, 3, 1),
            "moderating_organisation": "Green Navigation GmbH, Unna",
        },
    )
    moderator = User.objects.get(email="moderator@example.org")
    _role(moderator, network, Role.Kind.MODERATOR)
    for index, row in enumerate(SECOND_NETWORK_MEMBERS):
        municipality = _municipality(*row)
        membership, _ = Membership.objects.get_or_create(
            network=network, municipality=municipality, defaults={"joined_on": network.started_on}
        )
        Department.objects.get_or_create(municipality=municipality, name="Zentrale Vergabestelle")
        if index == 0:
            outsider = accounts.user("outsider@example.org", *PEOPLE["outsider"])
            _role(outsider, network, Role.Kind.STAFF, membership)
    kickoff = date(2024, 3, 13)
    following = _wednesday(today + timedelta(days=30))
    for title, day, location in (
        ("Auftakt Klimanetzwerk Hellweg", kickoff, "Rathaus Hamm"),
        ("Kommunale Wärmeplanung im Hellweg", following, "Rathaus Unna"),
    ):
        Meeting.objects.get_or_create(
            network=network,
            title=title,
            defaults={
                "kind": "network_meeting",
                "starts_at": _at(day, 10),
                "ends_at": _at(day, 13),
                "location": location,
                "status": "held" if day < today else "planned",
            },
        )


ANNUAL_INTRO = """Im Jahr {year} wurde aus Beschlüssen Alltag: Die sechs Mitglieder haben
weitere Mindestkriterien mit ihren Fachbereichen abgestimmt und wenden sie in ihren
Ausschreibungen an. Die Netzwerktreffen waren gut besucht, und die ersten Bauvorhaben
wurden nach dem gemeinsamen Raster bewertet.

Für das kommende Jahr empfehlen wir den Räten:

- die noch offenen Kriterien für Reinigung und Catering zu beschließen,
- bei Bauvorhaben die Wirtschaftlichkeit über den ganzen Lebenszyklus zu vergleichen,
- die Fahrpläne um Termine für die Schulung der Vergabestellen zu ergänzen.
"""

PROGRESS_INTRO = """Im Quartal hat die **Zentrale Vergabestelle** die abgestimmten Kriterien
in ihren Ausschreibungen angewendet. Offen sind noch Zustimmungen der Fachbereiche
„Finanzen“ sowie „Umwelt und Klimaschutz“; sie stehen in der nächsten Runde an.
"""


def seed_reports(seeded: Seeded) -> list:
    """Two finished reports, built as the portal builds them: the Erfolgsbilanz of the last
    full year (with the moderation's text) and Lünen's progress report of the last ended
    quarter (with the coordination's). Slow (WeasyPrint); run outside the demo's
    transaction. A report already there is not built again."""
    from .models import Report
    from .progress import Period
    from .services.reports import quarter_before, report_build, report_request

    network, today = seeded.network, seeded.today
    luenen = seeded.memberships["luenen"]
    jobs = [
        (Report.Kind.MUNICIPALITY, luenen, quarter_before(today), "luenen", PROGRESS_INTRO),
    ]
    if network.started_on.year < today.year:
        year = today.year - 1
        jobs.insert(
            0,
            (
                Report.Kind.ANNUAL,
                None,
                Period.year(year),
                "moderator",
                ANNUAL_INTRO.format(year=year),
            ),
        )
    built = []
    for kind, membership, period, who, intro in jobs:
        done = Report.objects.filter(
            network=network,
            kind=kind,
            membership=membership,
            period_start=period.start,
            period_end=period.end,
            status=Report.Status.DONE,
        )
        if done.exists():
            continue
        report, _new = report_request(
            network=network,
            kind=kind,
            membership=membership,
            period=period,
            requested_by=seeded.users[who],
            intro=intro,
            send=False,
        )
        report_build(report_id=report.pk)
        built.append(report)
    return built
