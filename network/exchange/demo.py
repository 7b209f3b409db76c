"""The collegial consultation of the KNN demo (seed_demo calls `seed` after the topic apps'
seeders, so that the cases can link to their criteria, milestones, projects and guidelines).

One closed case from Werne – „Die Kämmerei lehnt Lebenszykluskosten in der Wertung ab“ –
with questions, ideas (one from an expert), the conclusion and the guideline draft the
moderation made of it (through the `case_outcomes` hook, so building's own code writes the
guideline); and one open case from Lünen in the ideas phase, on the agenda of the next
network meeting. Told relative to `seeded.today`; idempotent (cases by title).
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from network.access import get_access
from network.models import AgendaItem, Case, CaseLink, Contribution, Meeting
from network.models.exchange import Phase
from network.services.meetings import agenda_item_add

from . import links

BERLIN = ZoneInfo("Europe/Berlin")

CLOSED_TITLE = "Die Kämmerei lehnt Lebenszykluskosten in der Wertung ab"
CLOSED_DESCRIPTION = """\
Wir wollen bei der Beschaffung von Fahrzeugen und Beleuchtung die **Lebenszykluskosten** \
als Zuschlagskriterium werten (Mindestkriterium des Netzwerks, § 59 VgV). Die Kämmerei \
lehnt das ab: Im Haushalt zähle der Anschaffungspreis, Betriebskosten lägen in anderen \
Budgets, und die Berechnung sei angreifbar.

**Frage an die Runde:** Wie haben Sie Ihre Kämmerei überzeugt – oder wie haben Sie die \
Wertung so gestaltet, dass sie mitgeht?
"""
CLOSED_QUESTIONS = [
    (
        "luenen",
        "Hat die Kämmerei ein konkretes Beispiel, bei dem die Berechnung angegriffen wurde?",
    ),
    (
        "herten",
        "Liegen die Strom- und Wartungskosten bei Ihnen im selben Budget wie die Anschaffung?",
    ),
]
CLOSED_ANSWER = (
    "Nein, es gab noch keine Rüge. Die Budgets sind getrennt: Die Stromkosten trägt das "
    "Gebäudemanagement, die Anschaffung der Fachbereich."
)
CLOSED_IDEAS = [
    (
        "expert",
        "Der Leitfaden WU Hochbau und das Berechnungswerkzeug des Umweltbundesamts sind "
        "vergaberechtlich anerkannt. Wenn die Formel in den Vergabeunterlagen steht, ist "
        "sie nicht angreifbar. Ich stelle gern eine Vorlage bereit.",
    ),
    (
        "recklinghausen",
        "Wir haben mit einem Pilot angefangen: zwei Ausschreibungen mit LCC-Wertung, danach "
        "der Vergleich mit den alten Verträgen. Die Ersparnis hat die Kämmerei überzeugt.",
    ),
    (
        "luenen",
        "Bei uns hat ein gemeinsamer Termin mit Kämmerei und Gebäudemanagement geholfen: "
        "Die Betriebskosten über zehn Jahre auf einer Seite.",
    ),
]
CLOSED_CONCLUSION = """\
# Lebenszykluskosten in der Wertung – so überzeugen wir die Kämmerei

1. **Pilot statt Grundsatzstreit:** Zwei Ausschreibungen mit Wertung der \
Lebenszykluskosten, danach der Vergleich mit den bisherigen Verträgen.
2. **Anerkannte Berechnung:** Formel und Werkzeug (UBA) stehen in den Vergabeunterlagen.
3. **Eine Seite für die Kämmerei:** Betriebskosten über zehn Jahre, gemeinsam mit dem \
Gebäudemanagement vorgestellt.
"""

OPEN_TITLE = "Photovoltaik auf denkmalgeschützten Schuldächern"
OPEN_DESCRIPTION = """\
Die Denkmalbehörde verlangt für zwei Schulen eine Einzelfallprüfung der PV-Anlage; die \
Solarpflicht nach § 42a BauO NRW gilt trotzdem. Wie gehen Sie mit dem Zielkonflikt um?
"""
OPEN_QUESTIONS = [("werne", "Betrifft es das ganze Dach oder nur die Straßenseite?")]
OPEN_ANSWER = "Nur die Straßenseite; die Hofseite ist nicht einsehbar."
OPEN_IDEAS = [
    (
        "expert",
        "Das Denkmalschutzgesetz NRW (§ 9 Abs. 3) lässt Anlagen für erneuerbare Energien "
        "in der Regel zu; eine Belegung der Hofseite ist meist genehmigungsfähig.",
    )
]


def _at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=BERLIN)


def seed(seeded) -> None:
    moderator = seeded.users["moderator"]
    closed = _case(
        seeded,
        slug="werne",
        title=CLOSED_TITLE,
        description=CLOSED_DESCRIPTION,
        brought=seeded.today - timedelta(days=120),
        questions=CLOSED_QUESTIONS,
        answer=CLOSED_ANSWER,
        ideas=CLOSED_IDEAS,
        phase=Phase.DONE,
        conclusion=CLOSED_CONCLUSION,
    )
    access = get_access(moderator, seeded.network.slug)
    outcome = links.outcomes().get("leitlinie")
    if outcome is not None and outcome.allowed(access, closed):
        outcome.create(closed, moderator)

    current = _case(
        seeded,
        slug="luenen",
        title=OPEN_TITLE,
        description=OPEN_DESCRIPTION,
        brought=seeded.today - timedelta(days=10),
        questions=OPEN_QUESTIONS,
        answer=OPEN_ANSWER,
        ideas=OPEN_IDEAS,
        phase=Phase.IDEAS,
    )
    meeting = (
        Meeting.objects.filter(network=seeded.network, kind=Meeting.Kind.NETWORK_MEETING)
        .upcoming(_at(seeded.today, 0))
        .first()
    )
    if meeting is not None and not AgendaItem.objects.filter(case=current).exists():
        agenda_item_add(
            meeting=meeting,
            item=AgendaItem(
                title=f"Fallberatung: {current.title}", duration_minutes=30, case=current
            ),
        )


def _case(
    seeded, *, slug, title, description, brought, questions, answer, ideas, phase, conclusion=""
):
    network = seeded.network
    existing = Case.objects.filter(network=network, title=title).first()
    if existing is not None:
        return existing
    owner = seeded.users[slug]
    case = Case(
        network=network,
        membership=seeded.memberships[slug],
        owner=owner,
        title=title,
        description=description,
        phase=phase,
        phase_open=phase != Phase.DONE,
        conclusion=conclusion,
        created_at=_at(brought),
        closed_at=_at(brought + timedelta(days=30)) if phase == Phase.DONE else None,
    )
    case.full_clean()
    case.save()
    _link(case, seeded, slug)
    day = brought + timedelta(days=2)
    for who, text in questions:
        _say(case, seeded, who, Phase.QUESTIONS, text, day)
        day += timedelta(days=1)
    _say(case, seeded, slug, Phase.QUESTIONS, answer, day)
    day += timedelta(days=3)
    for who, text in ideas:
        _say(case, seeded, who, Phase.IDEAS, text, day)
        day += timedelta(days=1)
    return case


def _say(case, seeded, who, phase, text, day):
    membership = seeded.memberships.get(who)
    Contribution.objects.create(
        case=case,
        phase=phase,
        author=seeded.users[who],
        membership=membership,
        by_expert=membership is None and who != "moderator",
        text=text,
        created_at=_at(day, 14),
    )


def _link(case, seeded, slug):
    """The first object of each source that fits: the network's life-cycle-cost criterion
    (or its first), the member's first milestone and project, the network's first guideline."""
    access = get_access(seeded.users["moderator"], seeded.network.slug)
    for source in links.sources().values():
        items = source.linkable(access, seeded.memberships[slug])
        fitting = [i for i in items if "Lebenszyklus" in i.title] or items[:1]
        for item in fitting[:1]:
            CaseLink.objects.create(case=case, source=source.key, object_id=item.object_id)
