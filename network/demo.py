"""The demo network KNN, as a newcomer sees it after `make run`.

Every function here is idempotent: it looks things up by their natural keys
(slug, e-mail, name) and only creates what is missing.
"""

import csv
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings

from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Department,
    Meeting,
    Membership,
    Municipality,
    Network,
    Role,
    User,
)

DEMO_PASSWORD = "demo"
BERLIN = ZoneInfo("Europe/Berlin")
# The app's own copy of shared/data/knn-members.csv (tests/procurement/test_shipped_data.py
# holds it to the original where shared/ is beside the repository).
MEMBERS_CSV = Path(settings.BASE_DIR) / "network" / "data" / "knn-members.csv"
KREIS_POPULATION = {"05978": 390000, "05974": 300000, "05562": 614000}

DEPARTMENTS = [
    "Zentrale Vergabestelle",
    "Gebäudemanagement",
    "IT und Digitalisierung",
    "Umwelt und Klimaschutz",
    "Finanzen",
]

SECOND_NETWORK_MEMBERS = [
    ("Hamm", "hamm", "stadt", "05915000", None, None, 180000),
    ("Unna", "unna", "stadt", "05978036", "Kreis Unna", "05978", 59000),
    ("Soest", "soest", "stadt", "05974040", "Kreis Soest", "05974", 48000),
]


@dataclass
class Seeded:
    network: Network
    memberships: dict[str, Membership] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)


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


def _user(email, first_name, last_name):
    user, created = User.objects.get_or_create(
        email=email, defaults={"first_name": first_name, "last_name": last_name}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
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


MEETINGS = [
    # (kind, title, day, start hour, hours, location, status, workshop members)
    (
        "network_meeting",
        "Auftakt: Nachhaltige Beschaffung",
        date(2022, 9, 14),
        10,
        4,
        "Rathaus Lünen",
        "held",
        None,
    ),
    (
        "network_meeting",
        "Mindestkriterien für Ausschreibungen",
        date(2022, 11, 9),
        10,
        4,
        "Rathaus Herten",
        "held",
        None,
    ),
    (
        "workshop",
        "Workshop Projektteam Recklinghausen",
        date(2022, 12, 6),
        9,
        3,
        "Rathaus Recklinghausen",
        "held",
        ["recklinghausen"],
    ),
    (
        "workshop",
        "Workshop Projektteam Kreis Recklinghausen",
        date(2022, 12, 13),
        9,
        3,
        "Kreishaus Recklinghausen",
        "held",
        ["kreis-recklinghausen"],
    ),
    (
        "network_meeting",
        "Sanierung im Bestand: Praxisbeispiele",
        date(2026, 12, 9),
        10,
        4,
        "Rathaus Werne",
        "planned",
        None,
    ),
    (
        "site_visit",
        "Exkursion: Kita-Neubau in Holzbauweise",
        date(2027, 2, 10),
        10,
        5,
        "Kita Sonnenblume, Welver",
        "planned",
        None,
    ),
    (
        "network_meeting",
        "Bewertungsraster für Bauvorhaben",
        date(2027, 4, 14),
        10,
        4,
        "Kreishaus Recklinghausen",
        "planned",
        None,
    ),
    ("online", "Wärmeplanung und GEG § 71", date(2027, 6, 16), 14, 2, "", "planned", None),
    (
        "network_meeting",
        "Leitlinie Nachhaltiges Bauen und Erfolgsbilanz",
        date(2027, 9, 15),
        10,
        4,
        "Rathaus Lünen",
        "planned",
        None,
    ),
]

AGENDA = [
    ("Begrüßung und Ziele", 15, "Moderation"),
    ("Stand in den Kommunen", 45, "Koordinationen"),
    ("Fachimpuls", 45, "Expertin"),
    ("Arbeit in Kleingruppen", 60, ""),
    ("Beschlüsse und nächste Schritte", 30, "Moderation"),
]


def _seed_meetings(seeded: Seeded):
    network = seeded.network
    members = list(seeded.memberships.values())
    for kind, title, day, hour, hours, location, status, subset in MEETINGS:
        meeting, created = Meeting.objects.get_or_create(
            network=network,
            title=title,
            defaults={
                "kind": kind,
                "starts_at": _at(day, hour),
                "ends_at": _at(day, hour + hours),
                "location": location,
                "online_url": "https://konferenz.example.org/knn" if kind == "online" else "",
                "status": status,
                "description": "Treffen des Kommunalen Netzwerks Nachhaltigkeit.",
            },
        )
        if not created:
            continue
        if subset:
            meeting.participants.set([seeded.memberships[slug] for slug in subset])
        for position, (item, minutes, presenter) in enumerate(AGENDA, start=1):
            if minutes * 60 > (meeting.ends_at - meeting.starts_at).total_seconds():
                break
            AgendaItem.objects.create(
                meeting=meeting,
                position=position,
                title=item,
                duration_minutes=minutes,
                presenter=presenter,
            )
        invited = members if not subset else [seeded.memberships[s] for s in subset]
        for membership in invited:
            user = seeded.users[membership.municipality.slug]
            Attendance.objects.create(
                meeting=meeting,
                user=user,
                membership=membership,
                status="attended" if status == "held" else "invited",
            )
        if status == "held":
            meeting.minutes = (
                f"Protokoll: {title}\n\nDie Teilnehmenden haben die Ergebnisse der "
                "Arbeitsgruppen besprochen und die nächsten Schritte vereinbart."
            )
            meeting.save(update_fields=["minutes"])
            decision = Decision.objects.create(
                meeting=meeting,
                text="Die Mindestkriterien werden mit allen Fachbereichen abgestimmt.",
            )
            for membership in invited[:3]:
                ActionItem.objects.create(
                    network=network,
                    decision=decision,
                    membership=membership,
                    owner=seeded.users[membership.municipality.slug],
                    title=(
                        "Kriterien mit den Fachbereichen in "
                        f"{membership.municipality.name} abstimmen"
                    ),
                    due_on=meeting.starts_at.date() + timedelta(days=60),
                    status="done",
                )


def seed_network() -> Seeded:
    network, _ = Network.objects.get_or_create(
        slug="knn",
        defaults={
            "name": "Kommunales Netzwerk Nachhaltigkeit",
            "started_on": date(2022, 9, 1),
            "moderating_organisation": "Green Navigation GmbH, Unna",
            "description": (
                "Sechs Kommunen in Westfalen arbeiten gemeinsam an nachhaltiger Beschaffung "
                "und nachhaltigem Bauen."
            ),
        },
    )
    seeded = Seeded(network=network)
    moderator = _user("moderator@example.org", "Miriam", "Moderatorin")
    expert = _user("expert@example.org", "Erik", "Experte")
    expert2 = _user("expertin@example.org", "Eva", "Expertin")
    _role(moderator, network, Role.Kind.MODERATOR)
    _role(expert, network, Role.Kind.EXPERT)
    _role(expert2, network, Role.Kind.EXPERT)
    seeded.users.update({"moderator": moderator, "expert": expert})

    for row in members_from_csv():
        municipality = _municipality(*row)
        membership, _ = Membership.objects.get_or_create(
            network=network, municipality=municipality, defaults={"joined_on": network.started_on}
        )
        seeded.memberships[municipality.slug] = membership
        for name in DEPARTMENTS:
            Department.objects.get_or_create(municipality=municipality, name=name)
        coordinator = _user(f"{municipality.slug}@example.org", "Koordination", municipality.name)
        _role(coordinator, network, Role.Kind.COORDINATOR, membership)
        seeded.users[municipality.slug] = coordinator
        procurement = Department.objects.get(municipality=municipality, name=DEPARTMENTS[0])
        staff = _user(
            f"vergabe.{municipality.slug}@example.org", "Vergabestelle", municipality.name
        )
        _role(staff, network, Role.Kind.STAFF, membership, procurement)

    _seed_meetings(seeded)
    _seed_second_network()
    return seeded


def _seed_second_network():
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
            outsider = _user("outsider@example.org", "Olaf", "Außenstehend")
            _role(outsider, network, Role.Kind.STAFF, membership)
    Meeting.objects.get_or_create(
        network=network,
        title="Auftakt Klimanetzwerk Hellweg",
        defaults={
            "kind": "network_meeting",
            "starts_at": _at(date(2027, 1, 20), 10),
            "ends_at": _at(date(2027, 1, 20), 13),
            "location": "Rathaus Hamm",
        },
    )
