"""Progress sections: how topic apps contribute figures to the dashboard and the reports.

`network` does not import the topic apps. Each topic app lists its sections on its
AppConfig (`progress_sections = ["procurement.progress.ProcurementSection"]`), and
`sections()` collects them from whatever apps are installed, so a later topic plugs in
the same way.
"""

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from network import plugins


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __str__(self):
        return f"{self.start:%d.%m.%Y} – {self.end:%d.%m.%Y}"

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31))


@dataclass(frozen=True)
class Figure:
    """One key figure of one membership."""

    key: str  # "roadmap_done_pct"
    label: str  # gettext_lazy("Fahrplan erledigt")
    value: float | None  # None: not applicable / no data
    unit: str = ""  # "%", "€", "t CO₂", ""
    # Whether a higher value is better; the dashboard colours and sorts by it.
    higher_is_better: bool = True


@dataclass(frozen=True)
class OpenItem:
    """Something a member still has to do, shown on the dashboards (milestone due,
    approval asked of a department, action item)."""

    kind: str  # "milestone", "approval", "action_item", …
    title: str
    membership_id: int | None
    due_on: date | None
    url: str
    overdue: bool = False
    department_id: int | None = None
    owner: str = ""  # who has to act: a department, a person ("" when nobody is named)


@dataclass(frozen=True)
class FigureRow:
    """One row behind one member's key figure (a tender, a milestone, a project …) and
    whether it counts: True counts (into the numerator of a share, into a count), False is
    looked at but does not count (in the denominator only, or not reaching the condition),
    None is left out altogether (e.g. a tender of a product group without agreed criteria).
    `reason` says why, in words a member understands."""

    title: str
    counted: bool | None
    reason: str
    url: str = ""
    detail: str = ""  # date, value, status: what identifies the row beside its title


@dataclass(frozen=True)
class Total:
    """A sum a report states in words („19 von 36 Mindestkriterien …“): of one member (its
    progress report, its page in the annual report) or of the whole network (annual report).

    `figure_key`: the member figure whose sum this total is, if it is a state at the
    period's end (counted since the start); an earlier value then comes from the quarterly
    snapshots (network.timeseries) when there is no earlier report to compare with. Totals
    of what happened within the period (tenders published, meetings held) leave it empty
    and are compared only with an earlier report of the same period length."""

    key: str
    label: str  # what is counted, as a row of the table of network totals
    value: float | None
    unit: str = ""
    of: float | None = None  # the whole it is a part of: „19 von 36“ and a share
    figure_key: str = ""
    detail: str = ""  # what the number is made of, e.g. the ratings „Gold 2, Silber 1“

    @property
    def share_pct(self) -> float | None:
        if self.value is None or not self.of:
            return None
        return 100 * float(self.value) / float(self.of)


@dataclass(frozen=True)
class Scope:
    """Whom a report's sentences are about: one member, or the whole network."""

    name: str  # „Lünen“, or the network's name
    members: int  # 1 for a member
    is_network: bool = False


class ProgressSection(Protocol):
    key: str
    title: str
    template: str  # fragment used by the member page and the PDF report
    # How each figure is computed, by figure key, in a sentence or three that name which
    # rows count: shown under the dashboard's table and above the rows of one member.
    explanations: dict[str, str]
    # Optional: the key figures a report draws over the quarters (network.timeseries), and
    # the words of the section a council member may not know, (word, meaning) pairs for
    # the report's glossary.
    trend_keys: tuple[str, ...]
    glossary: tuple[tuple[str, str], ...]
    # Optional: where the section's sentences stand on a report's first page (lower first,
    # 50 when not given).
    headline_rank: int

    def figures(self, memberships, period: Period) -> dict[int, list[Figure]]:
        """Figures for all `memberships` at once, with a fixed number of queries."""

    def context(self, membership, period: Period) -> dict:
        """What `template` needs to show one membership's progress in detail.

        The template also gets `membership`, `period` and `for_pdf` (True in a member's
        progress report). The annual report does not call it: its page per member is made
        of the figures and totals, which cost a fixed number of queries for all members."""

    def open_items(self, memberships, today: date) -> list[OpenItem]:
        """Open work of these memberships (a fixed number of queries). Optional: a section
        without open items may leave it out; callers use getattr with a default."""

    def totals(self, memberships, period: Period) -> dict[int | None, list[Total]]:
        """The section's totals per membership and, under the key None, of all
        `memberships` together, with a fixed number of queries. Optional, like
        `open_items`; the reports state them in words (`headlines`) and the annual report
        lists the network's in a table."""

    def headlines(self, totals: dict[str, Total], before: dict, since: str, scope: Scope):
        """Sentences for a report's first page from `totals` (by key) of `scope`;
        `before`: earlier values of the same totals by key (may lack any), `since` what
        they are the values of („im letzten Bericht (Stand 30.09.2026)“, „am 31.12.2025“):
        network.reports.summary.compared() words the change. Optional."""

    def figure_rows(self, membership, key: str, period: Period) -> list[FigureRow] | None:
        """The rows behind one membership's figure `key`, each marked counted or not, with
        a fixed number of queries; None for a key the section does not list rows for.
        Optional, like `open_items`."""


def explanation(section, key: str) -> str:
    """How the figure `key` of `section` is computed ("" when the section does not say)."""
    return str(getattr(section, "explanations", {}).get(key, ""))


def sections() -> list[ProgressSection]:
    """Instances of every progress section of every installed app, in app order."""
    return [section() for section in plugins.objects("progress_sections")]


def sections_key(sections) -> str:
    """Which sections a cached result was computed with: part of its cache key."""
    return "+".join(section.key for section in sections)
