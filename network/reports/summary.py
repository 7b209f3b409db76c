"""The words of a report: headline sentences, the member against the network's middle,
the glossary, „Zwischenstand“ and the file name.

The sentences themselves come from the progress sections (`headlines`), which know what
their totals mean; this module gives them the wording they share, so every section says
„7 mehr als am 31.12.2025“ the same way.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from network.progress import Period
from network.templatetags.portal import num

from .figures import format_figure

HEADLINES_MAX = 6

# The network's own words; every section adds its own (`glossary` on the section).
GLOSSARY = (
    (
        gettext_lazy("Mitte des Netzwerks (Median)"),
        gettext_lazy(
            "Der Wert in der Mitte, wenn man die Werte aller Mitglieder der Größe nach "
            "ordnet: die eine Hälfte liegt darüber, die andere darunter. Anders als der "
            "Durchschnitt wird er von einem einzelnen sehr hohen oder sehr niedrigen Wert "
            "kaum verschoben."
        ),
    ),
    (
        gettext_lazy("Quartal (Q1 bis Q4)"),
        gettext_lazy(
            "Ein Vierteljahr: Q1 = Januar bis März, Q2 = April bis Juni, Q3 = Juli bis "
            "September, Q4 = Oktober bis Dezember. Die Verläufe zeigen den Stand am Ende "
            "jedes Quartals."
        ),
    ),
)


@dataclass(frozen=True)
class Term:
    word: str
    meaning: str


def glossary(sections) -> list[Term]:
    """The network's words and every section's, alphabetically, each word once."""
    terms = {}
    for word, meaning in (*GLOSSARY, *(t for s in sections for t in getattr(s, "glossary", ()))):
        terms.setdefault(str(word), str(meaning))
    return [Term(w, m) for w, m in sorted(terms.items(), key=lambda item: item[0].lower())]


def compared(now, before, since: str, unit: str = "") -> str:
    """How `now` changed against `before`, to end a sentence: „7 mehr als am 31.12.2025“,
    „2,5 Prozentpunkte weniger als …“, „genauso viele wie …“; "" without an earlier value.
    A share (unit "%") changes by percentage points, not by per cent."""
    if now is None or before is None or not since:
        return ""
    delta = float(now) - float(before)
    if abs(delta) < 0.05:
        if unit:
            return _("genauso viel wie %(since)s") % {"since": since}
        return _("genauso viele wie %(since)s") % {"since": since}
    amount = abs(delta)
    if unit == "%":
        text = ngettext("%(n)s Prozentpunkt", "%(n)s Prozentpunkte", 1 if amount == 1 else 2) % {
            "n": num(amount, 0 if amount.is_integer() else 1)
        }
    else:
        text = format_figure(amount, unit)
    if delta > 0:
        return _("%(amount)s mehr als %(since)s") % {"amount": text, "since": since}
    return _("%(amount)s weniger als %(since)s") % {"amount": text, "since": since}


def sentence(main: str, change: str = "") -> str:
    """„main, change.“ — one headline."""
    return f"{main}, {change}." if change else f"{main}."


def position(value, middle, higher_is_better: bool = True) -> str:
    """The member against the network's middle value, in words a council member reads:
    where it lies, and for a figure where less is better (overdue milestones) that it is
    good to lie below."""
    if value is None or middle is None:
        return ""
    if abs(float(value) - float(middle)) < 0.05:
        return _("in der Mitte")
    above = float(value) > float(middle)
    if higher_is_better:
        return _("über der Mitte") if above else _("unter der Mitte")
    return _("mehr als die Mitte") if above else _("weniger als die Mitte (gut)")


def is_interim(period: Period, generated_on: date) -> bool:
    """A period whose last day has not passed yet when the report is made: „Zwischenstand“."""
    return generated_on <= period.end


def period_label(period: Period) -> str:
    """„2026“ for a calendar year, else the year and quarter the period ends in: „2026-Q4“."""
    whole_year = (period.start.month, period.start.day, period.end.month, period.end.day)
    if whole_year == (1, 1, 12, 31) and period.start.year == period.end.year:
        return str(period.end.year)
    return f"{period.end.year}-Q{(period.end.month - 1) // 3 + 1}"


def ascii_name(text: str) -> str:
    """„Lünen“ → „Luenen“, „Kreis Recklinghausen“ → „Kreis-Recklinghausen“: a file name that
    survives every mail program and file system."""
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe")):
        text = text.replace(umlaut, spelled)
    text = text.replace("Ü", "Ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "Bericht"


def network_short_name(network) -> str:
    """„KNN“ for the network „knn“: short names are abbreviations; longer ones a word."""
    slug = network.slug
    return slug.upper() if len(slug) <= 5 else ascii_name(slug.replace("-", " ").title())


def report_filename(*, kind_label: str, network, municipality_name: str, period, ext="pdf"):
    """`Fortschrittsbericht-Luenen-2026-Q4.pdf`, `Erfolgsbilanz-KNN-2026.pdf`."""
    who = ascii_name(municipality_name) if municipality_name else network_short_name(network)
    return f"{ascii_name(kind_label)}-{who}-{period_label(period)}.{ext}"


def filename_of(report, ext: str = "pdf") -> str:
    """The file name of a stored report (network.models.Report)."""
    return report_filename(
        kind_label=report.Kind(report.kind).label,
        network=report.network,
        municipality_name=report.membership.municipality.name if report.membership_id else "",
        period=Period(report.period_start, report.period_end),
        ext=ext,
    )
