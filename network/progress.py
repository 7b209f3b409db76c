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


class ProgressSection(Protocol):
    key: str
    title: str
    template: str  # fragment used by the member page and the PDF report

    def figures(self, memberships, period: Period) -> dict[int, list[Figure]]:
        """Figures for all `memberships` at once, with a fixed number of queries."""

    def context(self, membership, period: Period) -> dict:
        """What `template` needs to show one membership's progress in detail.

        The template also gets `membership`, `period`, `for_pdf` (True in reports) and
        `compact`: True in the network's annual report, which shows every member, so a
        section should then render only its summary (the annual report of 60 members must
        stay under 30 s of PDF layout)."""

    def open_items(self, memberships, today: date) -> list[OpenItem]:
        """Open work of these memberships (a fixed number of queries). Optional: a section
        without open items may leave it out; callers use getattr with a default."""


def sections() -> list[ProgressSection]:
    """Instances of every progress section of every installed app, in app order."""
    return [section() for section in plugins.objects("progress_sections")]


def sections_key(sections) -> str:
    """Which sections a cached result was computed with: part of its cache key."""
    return "+".join(section.key for section in sections)
