"""The plain context object of a report: the PDF and the HTML preview both render it."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from network import progress
from network.models import Meeting, Membership, Report

from .charts import bar_chart
from .figures import FigureTable, figure_table, snapshot
from .sections_html import SectionPart


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
    charts: list
    meetings_held: list
    next_steps: list
    previous_reference: str | None = None
    changes: list[FigureChange] = field(default_factory=list)

    @property
    def is_annual(self) -> bool:
        return self.kind == Report.Kind.ANNUAL

    def figures_snapshot(self) -> dict:
        return snapshot(self.table)

    @property
    def summary_rows(self) -> list[dict]:
        """Progress report: the member's value and the network median of each figure."""
        row = self.table.row_for(self.membership.pk) if self.membership else None
        return [
            {
                "column": column,
                "value": row.values.get(column.key) if row else None,
                "median": self.table.median(column.key),
            }
            for column in self.table.columns
        ]

    @property
    def summary_groups(self) -> list[dict]:
        """Annual report: one table per section, every member a row."""
        groups = []
        seen = []
        for column in self.table.columns:
            if column.section_key not in seen:
                seen.append(column.section_key)
        for key in seen:
            columns = self.table.columns_of(key)
            groups.append(
                {
                    "title": columns[0].section_title,
                    "columns": columns,
                    "rows": [
                        {
                            "name": row.membership.municipality.name,
                            "values": [row.values.get(c.key) for c in columns],
                        }
                        for row in self.table.rows
                    ],
                }
            )
        return groups


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


def _charts(table: FigureTable, membership) -> list:
    percent_columns = [c for c in table.columns if c.unit == "%"][:4]
    charts = []
    for column in percent_columns:
        if membership is not None:
            row = table.row_for(membership.pk)
            items = [
                (membership.municipality.name, row.values.get(column.key) if row else None),
                (_("Netzwerk (Median)"), table.median(column.key)),
            ]
            charts.append(
                bar_chart(
                    column.label, items, unit=column.unit, highlight=membership.municipality.name
                )
            )
        else:
            items = [(r.membership.municipality.name, r.values.get(column.key)) for r in table.rows]
            charts.append(bar_chart(column.label, items, unit=column.unit))
    return charts


def build_context(
    *,
    network,
    kind: str,
    period: progress.Period,
    membership: Membership | None = None,
    reference: str = "",
    previous: Report | None = None,
    on_progress: Callable[[int], None] | None = None,
    today: date | None = None,
) -> ReportContext:
    """Everything a report shows, read once; no rendering state in here."""
    today = today or timezone.localdate()
    sections = progress.sections()
    all_members = list(
        Membership.objects.filter(network=network)
        .select_related("municipality", "network")
        .order_by("municipality__name")
    )
    table = figure_table(all_members, period, sections)
    shown = [membership] if membership is not None else all_members
    if membership is not None:
        membership = next((m for m in all_members if m.pk == membership.pk), membership)
        shown = [membership]
    members = []
    for index, member in enumerate(shown, start=1):
        members.append(
            MemberPart(
                member,
                [
                    SectionPart.render(s, member, period, compact=kind == Report.Kind.ANNUAL)
                    for s in sections
                ],
            )
        )
        if on_progress:
            on_progress(10 + int(80 * index / len(shown)))
    open_items = []
    for section in sections:
        collect = getattr(section, "open_items", None)
        if collect is not None:
            open_items.extend(collect(shown, today))
    open_items.sort(key=lambda item: (not item.overdue, item.due_on or date.max))
    names = {m.pk: m.municipality.name for m in all_members}
    next_steps = [
        {"item": item, "member": names.get(item.membership_id, "")} for item in open_items
    ]
    meetings = list(
        Meeting.objects.filter(
            network=network,
            status=Meeting.Status.HELD,
            starts_at__date__gte=period.start,
            starts_at__date__lte=period.end,
        ).order_by("starts_at")
    )
    if kind == Report.Kind.ANNUAL:
        title = _("Erfolgsbilanz %(year)s") % {"year": period.end.year}
    else:
        title = _("Fortschrittsbericht %(name)s") % {"name": membership.municipality.name}
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
        charts=_charts(table, membership),
        meetings_held=meetings,
        next_steps=next_steps[:50],
        previous_reference=previous.reference if previous else None,
        changes=_changes(table, membership, previous.figures if previous else {}),
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
    return build_context(
        network=report.network,
        kind=report.kind,
        period=progress.Period(report.period_start, report.period_end),
        membership=report.membership,
        reference=report.reference,
        previous=previous_report(report),
        on_progress=on_progress,
    )


def render_report_html(context: ReportContext, *, preview: bool = False, back_url: str = "") -> str:
    return render_to_string(
        "reports_pdf/report.html", {"report": context, "preview": preview, "back_url": back_url}
    )
