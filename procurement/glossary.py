"""One glossary of the status words of procurement, shown as help on the pages that use
them (adoption matrix and page, approval inbox and page, network matrix, roadmap).

The words are the models' own labels, so that the glossary and the pages never disagree;
tests/procurement/test_glossary.py fails for a status without an explanation here. The
same word can mean different things in two places („zugestimmt“ for one department and
for the whole adoption): each kind has its own heading.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Adoption, Criterion, DepartmentApproval, Milestone

NOT_STARTED = "not_started"  # an adoption that does not exist yet


@dataclass(frozen=True)
class Term:
    word: str
    meaning: str
    value: str


def _terms(choices, meanings, extra=()) -> list[Term]:
    return [Term(str(label), str(meanings[value]), value) for value, label in choices] + [
        Term(str(word), str(meaning), value) for value, word, meaning in extra
    ]


MEANINGS = {
    "criterion": {
        Criterion.Status.DRAFT: _(
            "In Arbeit der Moderation, z. B. frisch aus den EU-GPP-Kriterien importiert. "
            "Mitglieder sehen Entwürfe nicht und können sie nicht übernehmen."
        ),
        Criterion.Status.AGREED: _(
            "Im Netzwerk abgestimmt und für alle Mitglieder freigegeben: jede Kommune kann "
            "das Kriterium übernehmen und mit ihren Fachbereichen abstimmen."
        ),
        Criterion.Status.RETIRED: _(
            "Gilt im Netzwerk nicht mehr und wird nicht mehr zur Übernahme angeboten; "
            "begonnene Übernahmen bleiben erhalten."
        ),
    },
    "adoption": {
        NOT_STARTED: _("Die Kommune hat das Kriterium noch nicht aufgegriffen."),
        Adoption.Status.OPEN: _(
            "Übernahme begonnen; noch kein Fachbereich angefragt, oder ein Fachbereich hat "
            "einen Einwand erhoben."
        ),
        Adoption.Status.CONSULTATION: _(
            "Fachbereiche sind um Zustimmung gebeten; mindestens eine Antwort steht aus."
        ),
        Adoption.Status.AGREED: _(
            "Alle angefragten Fachbereiche haben zugestimmt. Das Kriterium gilt für die "
            "Kommune als vereinbart: Ausschreibungen der Warengruppe sollen es anwenden."
        ),
        Adoption.Status.ADOPTED: _(
            "In die eigenen Vorgaben übernommen, z. B. Dienstanweisung, Vergabehandbuch "
            "oder Mustervorlagen."
        ),
        Adoption.Status.APPLIED: _("Wird in den Ausschreibungen der Kommune angewendet."),
        Adoption.Status.DECLINED: _(
            "Die Kommune übernimmt das Kriterium nicht; die Begründung steht bei der Übernahme."
        ),
    },
    "approval": {
        DepartmentApproval.Status.PENDING: _(
            "Der Fachbereich ist um Zustimmung gebeten und hat noch nicht geantwortet."
        ),
        DepartmentApproval.Status.AGREED: _(
            "Dieser Fachbereich stimmt dem Wortlaut des Kriteriums zu."
        ),
        DepartmentApproval.Status.OBJECTION: _(
            "Der Fachbereich stimmt nicht zu (Begründung im Kommentar). Die Übernahme ist "
            "wieder offen und kann nach einer Klärung erneut angefragt werden."
        ),
    },
    "milestone": {
        Milestone.Status.PLANNED: _("Vorgesehen, die Arbeit hat noch nicht begonnen."),
        Milestone.Status.IN_PROGRESS: _("Die Arbeit läuft."),
        Milestone.Status.DONE: _("Abgeschlossen, mit dem Datum der Erledigung."),
        Milestone.Status.DELAYED: _("Die Arbeit läuft, aber später als geplant."),
        Milestone.Status.DROPPED: _(
            "Wird nicht mehr verfolgt; zählt beim Fortschritt des Fahrplans nicht mit."
        ),
        "overdue": _(
            "Kein Status, sondern ein Hinweis: das Fälligkeitsdatum ist vorbei und der "
            "Meilenstein weder erledigt noch entfallen."
        ),
    },
}

HEADINGS = {
    "criterion": _("Kriterien im Katalog"),
    "adoption": _("Übernahme in der Kommune"),
    "approval": _("Antwort eines Fachbereichs"),
    "milestone": _("Meilensteine im Fahrplan"),
}


def glossary(*kinds) -> list[tuple[str, list[Term]]]:
    """[(heading, terms)] for the kinds asked for, in that order."""
    sources = {
        "criterion": lambda: _terms(Criterion.Status.choices, MEANINGS["criterion"]),
        "adoption": lambda: _terms(
            Adoption.Status.choices,
            MEANINGS["adoption"],
            extra=[(NOT_STARTED, _("nicht begonnen"), MEANINGS["adoption"][NOT_STARTED])],
        ),
        "approval": lambda: _terms(DepartmentApproval.Status.choices, MEANINGS["approval"]),
        "milestone": lambda: _terms(
            Milestone.Status.choices,
            MEANINGS["milestone"],
            extra=[("overdue", _("überfällig"), MEANINGS["milestone"]["overdue"])],
        ),
    }
    return [(str(HEADINGS[kind]), sources[kind]()) for kind in kinds]
