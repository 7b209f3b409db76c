"""The plain context object of a report: the PDF and the HTML version both render it.

Everything a report shows is read here once, with a fixed number of queries whatever the
number of members: the sections' figures, totals and open items are asked for all members
at once, the quarterly series in one query. Only a member's own progress report renders
its sections' detail fragments (one member: their queries are fixed too).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import median

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from network import progress, timeseries
from network.markdown import render_markdown
from network.models import Meeting, Membership, Report
from network.notifications.mail import absolute

from . import summary
from .charts import bar_chart, trend_chart
from .figures import Column, FigureTable, figure_table, format_figure, snapshot
from .sections_html import SectionPart

NEXT_STEPS = 10  # the report's list; the rest is a count and a link to the portal
NEXT_STEPS_PER_MEMBER = 3  # on a member's page of the annual report
MEMBER_HEADLINES = 3  # sentences on that page: it must stay one page
BAR_CHARTS_MAX_MEMBERS = 25  # beyond, a bar per member no longer reads: the tables do


@dataclass
class MemberPart:
    membership: Membership
    sections: list[SectionPart]


@dataclass
class FigureChange:
    label: str
    unit: str
    old: float | None
    new: float | None

    @property
    def delta(self):
        if self.old is None or self.new is None:
            return None
        return round(self.new - self.old, 1)


@dataclass
class Chart:
    """A chart as the report shows it: a visible title, the SVG (its <title> is the
    alternative text, which WeasyPrint writes as the figure's /Alt), a caption in words,
    and the numbers as a table for those who cannot see the drawing."""

    id: str
    title: str
    svg: SafeString
    caption: str
    names: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    unit: str = ""


@dataclass
class Step:
    item: progress.OpenItem
    member: str


@dataclass
class FigureLine:
    column: Column
    value: float | None
    median: float | None

    @property
    def position(self) -> str:
        return summary.position(self.value, self.median, self.column.higher_is_better)


@dataclass
class MemberPage:
    """One member's compact page of the annual report: its sentences, the figures where it
    is ahead of or behind the network's middle (in words: its numbers are in the tables of
    „Kennzahlen im Überblick“, a table per member would cost the PDF's layout a tenth of a
    second a page), and its most urgent open items."""

    membership: Membership
    headlines: list[str]
    ahead: list[str]
    behind: list[str]
    next_steps: list[Step]
    more_steps: int


@dataclass
class TotalGroup:
    title: str
    totals: list[progress.Total]


@dataclass
class ReportContext:
    network: object
    kind: str
    title: str
    period: progress.Period
    reference: str
    generated_at: object
    membership: Membership | None
    table: FigureTable
    members: list[MemberPart]
    charts: list[Chart]
    meetings_held: list
    next_steps: list[Step]
    headlines: list[str] = field(default_factory=list)
    intro_html: SafeString = mark_safe("")  # noqa: S308 - empty
    intro_author: str = ""
    totals: list[TotalGroup] = field(default_factory=list)
    trends: list[Chart] = field(default_factory=list)
    member_pages: list[MemberPage] = field(default_factory=list)
    more_steps: int = 0
    steps_url: str = ""
    glossary: list[summary.Term] = field(default_factory=list)
    interim: bool = False
    previous_reference: str | None = None
    changes: list[FigureChange] = field(default_factory=list)
    totals_by_scope: dict = field(default_factory=dict)  # kept with the report, see below

    @property
    def is_annual(self) -> bool:
        return self.kind == Report.Kind.ANNUAL

    def figures_snapshot(self) -> dict:
        """What a done report keeps: its figures, and its totals by scope ("all" and each
        membership id) for the sentences of the next report."""
        return {**snapshot(self.table), "totals": self.totals_by_scope}

    @property
    def summary_rows(self) -> list[FigureLine]:
        """Progress report: the member's value and the network's middle of each figure."""
        row = self.table.row_for(self.membership.pk) if self.membership else None
        return [
            FigureLine(
                column, row.values.get(column.key) if row else None, self.table.median(column.key)
            )
            for column in self.table.columns
        ]

    @property
    def summary_groups(self) -> list[dict]:
        """Annual report: one table per section, every member a row, the middle below."""
        return [
            {
                "title": title,
                "columns": columns,
                "rows": [
                    {
                        "name": row.membership.municipality.name,
                        "values": [row.values.get(c.key) for c in columns],
                    }
                    for row in self.table.rows
                ],
                "medians": [self.table.median(c.key) for c in columns],
            }
            for _key, title, columns in self.table.groups()
        ]


def _changes(table: FigureTable, membership, previous: dict) -> list[FigureChange]:
    """Each figure now against the previous report's: the member's own figures in a
    progress report, the network median in an annual report."""
    if not previous:
        return []
    old_members = previous.get("members", {})
    changes = []
    for column in table.columns:
        if membership is not None:
            row = table.row_for(membership.pk)
            new = row.values.get(column.key) if row else None
            old = old_members.get(str(membership.pk), {}).get(column.key)
        else:
            new = table.median(column.key)
            values = [v[column.key] for v in old_members.values() if v.get(column.key) is not None]
            old = median(values) if values else None
        if old is None and new is None:
            continue
        changes.append(FigureChange(column.label, column.unit, old, new))
    return changes


def _bar_charts(table: FigureTable, membership) -> list[Chart]:
    """The share figures (%) as bars: the member against the network's middle, or every
    member in the annual report of a network small enough to read them."""
    if membership is None and len(table.rows) > BAR_CHARTS_MAX_MEMBERS:
        return []
    middle = _("Mitte des Netzwerks")
    charts = []
    shares = [c for c in table.columns if c.unit == "%" and table.values(c.key)]
    for index, column in enumerate(shares):  # a figure nobody has a value for: no chart
        chart_id = f"bars-{index + 1}"
        if membership is not None:
            row = table.row_for(membership.pk)
            own, mid = (row.values.get(column.key) if row else None), table.median(column.key)
            items = [(membership.municipality.name, own), (middle, mid)]
            caption = _("%(name)s: %(value)s, Mitte des Netzwerks: %(median)s.") % {
                "name": membership.municipality.name,
                "value": format_figure(own, column.unit),
                "median": format_figure(mid, column.unit),
            }
            words = summary.position(own, mid, column.higher_is_better)
            if words:
                caption = f"{caption} {_('Einordnung')}: {words}."
            highlight = membership.municipality.name
        else:
            items = [(r.membership.municipality.name, r.values.get(column.key)) for r in table.rows]
            known = [(name, v) for name, v in items if v is not None]
            caption = _("Mitte des Netzwerks: %(median)s.") % {
                "median": format_figure(table.median(column.key), column.unit)
            }
            if known:
                best = max(known, key=lambda item: item[1])
                caption += " " + _("Höchster Wert: %(name)s mit %(value)s.") % {
                    "name": best[0],
                    "value": format_figure(best[1], column.unit),
                }
            highlight = None
        title = _("%(figure)s in Prozent") % {"figure": column.label}
        alt = _("Balkendiagramm „%(title)s“. %(caption)s") % {"title": title, "caption": caption}
        svg = bar_chart(alt, items, unit=column.unit, highlight=highlight, chart_id=chart_id)
        charts.append(Chart(chart_id, title, svg, caption, unit=column.unit))
    return charts


def _trend_charts(series, keys, membership, period, better) -> list[Chart]:
    """The quarterly series of the sections' trend keys up to the period's end: the
    member's line against the network's middle, or the middle alone in the annual report."""
    charts = []
    for key in keys:
        found = series.get(key)
        points = [p for p in found.points if p.period_end <= period.end] if found else []
        if not points:
            continue
        quarters = [p.period_end for p in points]
        medians = [p.median for p in points]
        lines, names = [], []
        if membership is not None:
            own = [p.value_of(membership.pk) for p in points]
            lines.append({"name": membership.municipality.name, "values": own, "own": True})
            names.append(membership.municipality.name)
        lines.append({"name": _("Mitte des Netzwerks"), "values": medians, "own": False})
        names.append(_("Mitte des Netzwerks"))
        caption = _trend_caption(found, points, membership, better.get(key, True))
        title = _("%(figure)s im Verlauf") % {"figure": found.title}
        alt = _("Liniendiagramm „%(title)s“ von %(first)s bis %(last)s. %(caption)s") % {
            "title": title,
            "first": timeseries.quarter_label(quarters[0]),
            "last": timeseries.quarter_label(quarters[-1]),
            "caption": caption,
        }
        chart_id = f"trend-{key}"
        svg = trend_chart(
            title=alt, unit=found.unit, quarters=quarters, lines=lines, chart_id=chart_id
        )
        rows = [
            (timeseries.quarter_label(end), [line["values"][i] for line in lines])
            for i, end in enumerate(quarters)
        ]
        charts.append(Chart(chart_id, title, svg, caption, names, rows, found.unit))
    return charts


def _trend_caption(found, points, membership, higher_is_better) -> str:
    last = points[-1]
    quarter = timeseries.quarter_label(last.period_end)
    if membership is not None:
        own = last.value_of(membership.pk)
        text = _("Ende %(quarter)s: %(name)s %(value)s, Mitte des Netzwerks %(median)s.") % {
            "quarter": quarter,
            "name": membership.municipality.name,
            "value": format_figure(own, found.unit),
            "median": format_figure(last.median, found.unit),
        }
        words = summary.position(own, last.median, higher_is_better)
        return f"{text} {_('Einordnung')}: {words}." if words else text
    first = points[0]
    return _("Die Mitte des Netzwerks ging von %(first)s (%(q1)s) auf %(last)s (%(q2)s).") % {
        "first": format_figure(first.median, found.unit),
        "q1": timeseries.quarter_label(first.period_end),
        "last": format_figure(last.median, found.unit),
        "q2": quarter,
    }


def _scope_totals(sections, memberships, period) -> dict:
    """{section key: {membership id or None: {total key: Total}}} (fixed queries)."""
    found = {}
    for section in sections:
        totals = getattr(section, "totals", None)
        if totals is not None:
            found[section.key] = {
                scope: {t.key: t for t in listed}
                for scope, listed in totals(memberships, period).items()
            }
    return found


def _before(totals, scope_key, membership_ids, previous, series, period):
    """Earlier values of the totals of one scope (None: the network) and what they are the
    values of: the previous report of the same kind, else the quarterly snapshots at the end
    of the quarter before the period. Only states (a figure_key) compare; what happened in
    a period does not compare with another period."""
    states = {
        t.key: t.figure_key
        for by_scope in totals.values()
        for t in by_scope.get(scope_key, {}).values()
        if t.figure_key
    }
    if previous is not None:
        kept = previous.figures.get("totals", {}).get(
            "all" if scope_key is None else str(scope_key)
        )
        if kept:
            since = _("im letzten Bericht (Stand %(date)s)") % {
                "date": date_format(previous.period_end, "SHORT_DATE_FORMAT")
            }
            return {k: v for k, v in kept.items() if k in states}, since
    day = timeseries.quarter_start(period.start) - timedelta(days=1)
    values = {}
    for key, figure_key in states.items():
        found = series.get(figure_key)
        point = next((p for p in found.points if p.period_end == day), None) if found else None
        if point is None:
            continue
        known = [point.values[m] for m in membership_ids if m in point.values]
        if known:
            values[key] = sum(known)
    return values, _("am %(date)s") % {"date": date_format(day, "SHORT_DATE_FORMAT")}


def _headlines(sections, totals, scope_key, scope, before, since, limit) -> list[str]:
    """The sections' sentences, those of a lower `headline_rank` first (the topics before
    the network's own meetings), at most `limit`."""
    lines = []
    for section in sorted(sections, key=lambda s: getattr(s, "headline_rank", 50)):
        make = getattr(section, "headlines", None)
        own = totals.get(section.key, {}).get(scope_key)
        if make is not None and own:
            lines.extend(make(own, before, since, scope))
    return lines[:limit]


def _total_groups(sections, totals) -> list[TotalGroup]:
    """The network's totals per section, in the order of the sentences."""
    return [
        TotalGroup(str(s.title), list(totals[s.key][None].values()))
        for s in sorted(sections, key=lambda s: getattr(s, "headline_rank", 50))
        if s.key in totals and None in totals[s.key]
    ]


def _open_steps(sections, shown, today, names) -> list[Step]:
    """Open items, the most urgent first: overdue by due date, then due by date, then
    those without a date."""
    items = []
    for section in sections:
        collect = getattr(section, "open_items", None)
        if collect is not None:
            items.extend(collect(shown, today))
    items.sort(key=lambda i: (not i.overdue, i.due_on is None, i.due_on or date.max, i.title))
    return [Step(item, names.get(item.membership_id, "")) for item in items]


def _member_pages(sections, members, table, totals, steps, previous, series, period):
    """The annual report's page per member, from what was read for all of them."""
    medians = {c.key: table.median(c.key) for c in table.columns}
    steps_of: dict[int, list[Step]] = {}
    for step in steps:
        steps_of.setdefault(step.item.membership_id, []).append(step)
    pages = []
    for member, row in zip(members, table.rows, strict=True):
        before, since = _before(totals, member.pk, [member.pk], previous, series, period)
        scope = progress.Scope(member.municipality.name, 1)
        own_steps = steps_of.get(member.pk, [])
        ahead, behind = _ahead_and_behind(table.columns, row.values, medians)
        pages.append(
            MemberPage(
                member,
                _headlines(sections, totals, member.pk, scope, before, since, MEMBER_HEADLINES),
                ahead,
                behind,
                own_steps[:NEXT_STEPS_PER_MEMBER],
                max(0, len(own_steps) - NEXT_STEPS_PER_MEMBER),
            )
        )
    return pages


def _ahead_and_behind(columns, values, medians) -> tuple[list[str], list[str]]:
    """The labels of the figures where a member is better, and worse, than the middle; a
    figure where less is better says so („Meilensteine überfällig (weniger)“)."""
    ahead, behind = [], []
    for column in columns:
        value, middle = values.get(column.key), medians[column.key]
        if value is None or middle is None or abs(float(value) - float(middle)) < 0.05:
            continue
        better = (float(value) > float(middle)) == column.higher_is_better
        label = column.label
        if not column.higher_is_better:
            label = _("%(figure)s (weniger)") % {"figure": label} if better else label
        (ahead if better else behind).append(label)
    return ahead, behind


def build_context(
    *,
    network,
    kind: str,
    period: progress.Period,
    membership: Membership | None = None,
    reference: str = "",
    previous: Report | None = None,
    intro: str = "",
    intro_author: str = "",
    on_progress: Callable[[int], None] | None = None,
    today: date | None = None,
) -> ReportContext:
    """Everything a report shows, read once; no rendering state in here."""
    today = today or timezone.localdate()
    if period.end < today:
        # A period that is over (last year's Erfolgsbilanz made today): the sections answer
        # with the state at its end, not with today's, as for the quarterly snapshots.
        period = timeseries.PastPeriod(period.start, period.end)
    annual = kind == Report.Kind.ANNUAL
    sections = progress.sections()
    all_members = list(
        Membership.objects.filter(network=network)
        .select_related("municipality", "network")
        .order_by("municipality__name")
    )
    if membership is not None:
        membership = next((m for m in all_members if m.pk == membership.pk), membership)
    shown = all_members if annual else [membership]
    names = {m.pk: m.municipality.name for m in all_members}
    table = figure_table(all_members, period, sections)
    if on_progress:
        on_progress(20)
    totals = _scope_totals(sections, shown, period)
    trend_keys = [k for s in sections for k in getattr(s, "trend_keys", ())]
    state_keys = {t.figure_key for by in totals.values() for s in by.values() for t in s.values()}
    series = timeseries.series_for(all_members, keys=set(trend_keys) | (state_keys - {""}))
    if on_progress:
        on_progress(40)
    steps = _open_steps(sections, shown, today, names)

    scope_key = None if annual else membership.pk
    scope = (
        progress.Scope(network.name, len(all_members), is_network=True)
        if annual
        else progress.Scope(membership.municipality.name, 1)
    )
    ids = [m.pk for m in shown]
    before, since = _before(totals, scope_key, ids, previous, series, period)
    headlines = _headlines(sections, totals, scope_key, scope, before, since, summary.HEADLINES_MAX)

    if annual:
        members = []
        pages = _member_pages(sections, all_members, table, totals, steps, previous, series, period)
    else:
        members = [
            MemberPart(membership, [SectionPart.render(s, membership, period) for s in sections])
        ]
        pages = []
    if on_progress:
        on_progress(80)
    meetings = list(
        Meeting.objects.filter(
            network=network,
            status=Meeting.Status.HELD,
            starts_at__date__gte=period.start,
            starts_at__date__lte=period.end,
        ).order_by("starts_at")
    )
    if annual:
        title = _("Erfolgsbilanz %(year)s") % {"year": period.end.year}
        steps_url = absolute(reverse("network:dashboard", args=[network.slug]))
    else:
        title = _("Fortschrittsbericht %(name)s") % {"name": membership.municipality.name}
        steps_url = absolute(
            reverse("network:membership", args=[network.slug, membership.municipality.slug])
        )
    totals_by_scope = {
        "all" if key is None else str(key): {
            t.key: t.value for by in totals.values() for t in by.get(key, {}).values()
        }
        for key in [None, *ids]
    }
    return ReportContext(
        network=network,
        kind=kind,
        title=title,
        period=period,
        reference=reference,
        generated_at=timezone.now(),
        membership=membership,
        table=table,
        members=members,
        charts=_bar_charts(table, membership),
        meetings_held=meetings,
        next_steps=steps[:NEXT_STEPS],
        headlines=headlines,
        intro_html=mark_safe(render_markdown(intro, first_heading=3)),  # noqa: S308 - nh3
        intro_author=intro_author,
        totals=_total_groups(sections, totals) if annual else [],
        trends=_trend_charts(
            series,
            trend_keys,
            membership,
            period,
            {c.key: c.higher_is_better for c in table.columns},
        ),
        member_pages=pages,
        more_steps=max(0, len(steps) - NEXT_STEPS),
        steps_url=steps_url,
        glossary=summary.glossary(sections),
        interim=summary.is_interim(period, today),
        previous_reference=previous.reference if previous else None,
        changes=_changes(table, membership, previous.figures if previous else {}),
        totals_by_scope=totals_by_scope,
    )


def previous_report(report: Report) -> Report | None:
    """The last done report of the same kind (and member) before this one."""
    return (
        Report.objects.filter(
            network_id=report.network_id,
            kind=report.kind,
            membership_id=report.membership_id,
            status=Report.Status.DONE,
            requested_at__lt=report.requested_at,
        )
        .order_by("-requested_at")
        .first()
    )


def context_for_report(report: Report, on_progress=None) -> ReportContext:
    author = report.requested_by
    return build_context(
        network=report.network,
        kind=report.kind,
        period=progress.Period(report.period_start, report.period_end),
        membership=report.membership,
        reference=report.reference,
        previous=previous_report(report),
        intro=report.intro,
        intro_author=(author.get_full_name() or str(author)) if author else "",
        on_progress=on_progress,
    )


def render_report_html(
    context: ReportContext, *, web: bool = False, preview: bool = False, back_url: str = ""
) -> str:
    """The report as HTML: for the PDF, or (`web`) as the accessible HTML version, which
    is the same document with a page around it; `preview` marks one made with today's
    data instead of the frozen report's."""
    return render_to_string(
        "reports_pdf/report.html",
        {"report": context, "web": web or preview, "preview": preview, "back_url": back_url},
    )
