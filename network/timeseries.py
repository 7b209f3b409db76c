"""Key figures over time: one snapshot per membership, key figure and quarter end.

Every key figure of every progress section is kept as it was at the end of each calendar
quarter (`FigureSnapshot`). A daily beat task takes the quarter that ended last if it is
missing (a missed day is caught up the next); `manage.py snapshot_figures --backfill`
computes every quarter since the network started. A quarter's figures are what the
sections answer for `Period(network start, quarter end)`, the period the dashboard shows
today, asked as a `PastPeriod`: the sections answer with the state at its end (from the
dates the rows carry and from their history, see the sections).

Dashboards, member pages and reports draw the same series (`series_for`). A snapshot is
never written again with the same value, so a run that finds nothing new does not move the
network's data stamp (network.freshness); a run that writes moves it once per network,
and with it the series kept under the stamp.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from network import progress
from network.models import FigureSnapshot, Membership, Network

# Figures that mean more per inhabitant, and per how many (a Kreis builds more than a
# Gemeinde); the label of the derived series. Keys of any section; a key no section has
# is simply not drawn.
PER_INHABITANTS = {
    "projects": 100_000,
    "tender_volume_with_criteria": 1_000,
}


@dataclass(frozen=True)
class PastPeriod(progress.Period):
    """A period that has ended, asked for the state at its end.

    Sections read `state_at_end` (getattr, a plain Period has none) and answer from the
    dates their rows carry (done on, agreed on) and from the history of the rows. Only the
    snapshots ask for it: the dashboards show today's state, and a report keeps what it
    was built with.
    """

    state_at_end: bool = True


# --- quarters ----------------------------------------------------------------------------


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_end(day: date) -> date:
    """The last day of the calendar quarter `day` lies in."""
    start = quarter_start(day)
    following = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    return following - timedelta(days=1)


def last_ended_quarter(today: date) -> date:
    """The end of the last quarter that is over (on 31.3. the first quarter still runs)."""
    return quarter_start(today) - timedelta(days=1)


def quarter_ends(start: date, until: date) -> list[date]:
    """Ends of the quarters from the one `start` lies in up to `until` (inclusive)."""
    ends = []
    end = quarter_end(start)
    while end <= until:
        ends.append(end)
        end = quarter_end(end + timedelta(days=1))
    return ends


def quarter_label(day: date) -> str:
    """31.12.2025 → "Q4 2025"."""
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


# --- writing -----------------------------------------------------------------------------


def snapshots_take(
    *, network: Network, period_end: date, memberships=None, sections=None, today=None
) -> int:
    """Snapshot every key figure of the network's members at `period_end`; returns the
    number of rows written (new or changed). Members that had not joined yet or had left by
    then are left out. The sections' queries plus one read and at most two writes.
    `today` is the day the quarter must be over by (the demo tells its story from a day
    of its own)."""
    if period_end >= (today or timezone.localdate()):
        raise ValueError(f"The quarter ending {period_end} is not over yet.")
    sections = progress.sections() if sections is None else sections
    if memberships is None:
        memberships = list(Membership.objects.filter(network=network))
    members = [m for m in memberships if m.is_active_on(period_end)]
    if not members or period_end < network.started_on:
        return 0
    period = PastPeriod(network.started_on, period_end)
    wanted = {}
    # Labels as their German msgids: shown through gettext, so in the reader's language.
    with translation.override(settings.LANGUAGE_CODE):
        for section in sections:
            for membership_id, figures in section.figures(members, period).items():
                for figure in figures:
                    value = None if figure.value is None else float(figure.value)
                    wanted[(membership_id, section.key, figure.key)] = (
                        value,
                        str(figure.label)[:200],
                        figure.unit[:20],
                    )
    existing = {
        (row.membership_id, row.section, row.key): row
        for row in FigureSnapshot.objects.filter(
            membership__in=[m.pk for m in members], period_end=period_end
        )
    }
    now = timezone.now()
    new, changed = [], []
    for (membership_id, section_key, key), (value, label, unit) in wanted.items():
        row = existing.get((membership_id, section_key, key))
        if row is None:
            new.append(
                FigureSnapshot(
                    membership_id=membership_id,
                    section=section_key,
                    key=key,
                    period_end=period_end,
                    value=value,
                    label=label,
                    unit=unit,
                    taken_at=now,
                )
            )
        elif (row.value, row.label, row.unit) != (value, label, unit):
            row.value, row.label, row.unit, row.taken_at = value, label, unit, now
            changed.append(row)
    if new:
        FigureSnapshot.objects.bulk_create(new, batch_size=500)
    if changed:
        FigureSnapshot.objects.bulk_update(
            changed, ["value", "label", "unit", "taken_at"], batch_size=500
        )
    return len(new) + len(changed)


def snapshots_backfill(*, network: Network, today: date | None = None) -> int:
    """Every quarter since the network started that is over, computed as of its end (in one
    transaction, so the network's stamp moves once). Returns the rows written."""
    today = today or timezone.localdate()
    sections = progress.sections()
    memberships = list(Membership.objects.filter(network=network))
    written = 0
    with transaction.atomic():
        for end in quarter_ends(network.started_on, last_ended_quarter(today)):
            written += snapshots_take(
                network=network,
                period_end=end,
                memberships=memberships,
                sections=sections,
                today=today,
            )
    return written


def snapshots_take_due(*, today: date | None = None) -> int:
    """Beat, daily: the quarter that ended last, for every network that has members and
    no snapshot of it yet. Idempotent; returns the rows written."""
    end = last_ended_quarter(today or timezone.localdate())
    done = set(
        FigureSnapshot.objects.filter(period_end=end)
        .values_list("membership__network_id", flat=True)
        .distinct()
    )
    written = 0
    for network in Network.objects.filter(started_on__lte=end).exclude(pk__in=done):
        with transaction.atomic():
            written += snapshots_take(network=network, period_end=end)
    return written


# --- reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One quarter end of one key figure: the values of the members that have one."""

    period_end: date
    values: dict[int, float] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return quarter_label(self.period_end)

    @property
    def median(self) -> float | None:
        return median(self.values.values()) if self.values else None

    def value_of(self, membership_id: int) -> float | None:
        return self.values.get(membership_id)


@dataclass(frozen=True)
class Series:
    key: str
    section: str
    label: str  # German, as stored; gettext(label) in the reader's language
    unit: str
    points: list[Point]

    @property
    def title(self) -> str:
        return _(self.label) if self.label else self.key

    def of(self, membership_id: int) -> list[float | None]:
        return [p.value_of(membership_id) for p in self.points]

    def medians(self) -> list[float | None]:
        return [p.median for p in self.points]

    def per_inhabitants(self, populations: dict[int, int], per: int) -> "Series":
        """The same series divided by each member's population (× `per`), without unit;
        members without a population are left out."""
        points = [
            Point(
                p.period_end,
                {m: v * per / populations[m] for m, v in p.values.items() if populations.get(m)},
            )
            for p in self.points
        ]
        return Series(self.key, self.section, self.label, "", points)


def series_for(memberships, keys=None) -> dict[str, Series]:
    """Per key figure (all, or those in `keys`; in the sections' order) the points of every
    quarter end that has a snapshot, oldest first. `memberships`: Membership rows, ids or
    a queryset. One query."""
    return _read(memberships, keys)[0]


def _read(memberships, keys=None):
    """series_for, and the population of each member that has a snapshot (same query)."""
    if hasattr(memberships, "values_list"):
        rows = FigureSnapshot.objects.filter(membership__in=memberships.values("pk"))
    else:
        rows = FigureSnapshot.objects.filter(
            membership_id__in=[getattr(m, "pk", m) for m in memberships]
        )
    if keys is not None:
        rows = rows.filter(key__in=list(keys))
    points: dict[str, dict[date, dict[int, float]]] = {}
    meta: dict[str, tuple] = {}
    populations: dict[int, int] = {}
    # By id within a quarter: rows are written in the sections' order of figures.
    for key, section, end, membership_id, value, label, unit, population in rows.order_by(
        "period_end", "pk"
    ).values_list(
        "key",
        "section",
        "period_end",
        "membership_id",
        "value",
        "label",
        "unit",
        "membership__municipality__population",
    ):
        meta[key] = (section, label, unit)  # the newest quarter's wording wins
        by_end = points.setdefault(key, {}).setdefault(end, {})
        if value is not None:
            by_end[membership_id] = value
        if population:
            populations[membership_id] = population
    series = {
        key: Series(key, *meta[key], [Point(end, values) for end, values in by_end.items()])
        for key, by_end in points.items()
    }
    return series, populations


def kept_series(kept, network):
    """`_read` of the whole network, kept under its data stamp (`kept`: a
    freshness.NetworkCache). The moderator's overview asks for it too, so a refresh in the
    worker (network.tasks.refresh_overview) computes it with the rest."""
    return kept.get("figure-series", lambda: _read(Membership.objects.filter(network=network)))


# --- what the pages show -----------------------------------------------------------------


def trend_charts(series: dict[str, Series], membership=None, populations=None) -> list[dict]:
    """One chart per key figure: the network median, and the member's own line if
    `membership` is given; after a figure of PER_INHABITANTS its chart per inhabitants.
    Plain dicts for network/_trends.html (the SVG from network.reports.charts)."""
    from network.reports.charts import trend_chart

    charts = []
    for found in series.values():
        if not found.points:
            continue
        charts.append(_chart(found, found.title, found.unit, membership, trend_chart, ""))
        per = PER_INHABITANTS.get(found.key)
        if per and populations:
            label = _("%(figure)s je %(per)s Einwohner") % {
                "figure": found.title,
                "per": f"{per:,}".replace(",", "."),
            }
            per_series = found.per_inhabitants(populations, per)
            charts.append(_chart(per_series, label, found.unit, membership, trend_chart, "-per"))
    return charts


def _chart(series, label, unit, membership, render, suffix):
    quarters = [p.period_end for p in series.points]
    lines = []
    if membership is not None:
        lines.append(
            {"name": str(membership.municipality), "values": series.of(membership.pk), "own": True}
        )
    lines.append({"name": _("Median des Netzwerks"), "values": series.medians(), "own": False})
    chart_id = f"trend-{series.key}{suffix}"
    return {
        "key": series.key,
        "id": chart_id,
        "label": label,
        "unit": unit,
        "svg": render(title=label, unit=unit, quarters=quarters, lines=lines, chart_id=chart_id),
        "rows": [
            (quarter_label(end), [line["values"][i] for line in lines])
            for i, end in enumerate(quarters)
        ],
        "names": [line["name"] for line in lines],
    }


def trends(network, *, membership=None, kept=None, found=None) -> dict:
    """Context of network/_trends.html: a chart per key figure (the member's line against
    the network median if `membership` is given).

    `found`: what kept_series gave the page already (the moderator's overview); else the
    series are read through `kept`, the page's freshness.NetworkCache (one is made if it
    has none: one query for the stamp). One query more when they are not kept yet.
    """
    if found is None:
        from network import freshness

        found = kept_series(kept or freshness.NetworkCache(network.pk), network)
    series, populations = found
    return {
        "trend_charts": trend_charts(series, membership, populations),
        "trend_membership": membership,
    }
