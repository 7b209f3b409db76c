"""Dashboards: the moderator's view of the whole network, and a member's own view.

What they show is computed from many tables; it is kept in the cache until the network's
data changes (network.freshness), so a visit without a change in between costs a few
cache reads.
"""

from datetime import timedelta
from functools import cache

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from network import freshness, progress
from network.access import get_access
from network.models import ActionItem, Meeting, Membership, Role
from network.reports.charts import mini_bar, scale_for
from network.reports.figures import FigureTable, format_figure, kept_figures
from network.reports.history import recent_changes

UPCOMING_DAYS = 30
LIST_LIMIT = 15


def _memberships_of(network):
    """A callable returning the network's memberships, read once and only when asked."""

    @cache
    def memberships():
        return list(
            Membership.objects.filter(network=network)
            .select_related("municipality", "network")
            .order_by("municipality__name")
        )

    return memberships


def _open_items(sections, memberships, today):
    items = []
    for section in sections:
        collect = getattr(section, "open_items", None)
        if collect is not None:
            items.extend(collect(memberships, today))
    return items


def _period(network, today):
    return progress.Period(min(network.started_on, today), today)


def _sections_key(sections) -> str:
    return "+".join(section.key for section in sections)


@login_required
def dashboard(request, network_slug):
    access = get_access(request.user, network_slug)
    # Network-wide roles see the whole network; coordinators and staff their own member.
    network_wide = bool(access.kinds & {Role.Kind.MODERATOR, Role.Kind.EXPERT, Role.Kind.OBSERVER})
    if access.own_membership_ids and not network_wide:
        return _member_dashboard(request, access)
    return _network_dashboard(request, access)


def _network_dashboard(request, access):
    network = access.network
    today = timezone.localdate()
    language = get_language()
    sections = progress.sections()
    memberships = _memberships_of(network)
    kept = freshness.NetworkCache(network.pk)
    columns, values = kept_figures(kept, memberships, _period(network, today), sections)
    sort = request.GET.get("sort", "name")
    if sort != "name" and sort not in {c.key for c in columns}:
        sort = "name"
    descending = request.GET.get("dir") == "desc"
    figure_table_html = kept.get(
        "figure-table-html",
        lambda: _render_figure_table(
            network, FigureTable.of(columns, values, memberships()), sort, descending
        ),
        sort,
        descending,
        today,
        language,
        _sections_key(sections),
    )
    due = kept.get(
        "due-items",
        lambda: _due_items(sections, memberships(), today),
        today,
        language,
        _sections_key(sections),
    )
    return render(
        request,
        "network/dashboard.html",
        {
            "access": access,
            "network": network,
            "figure_table_html": figure_table_html,
            **due,
            "upcoming_meetings": list(network.meetings.upcoming()[:5]),
            "changes": kept.get("recent-changes", lambda: recent_changes(network), language),
        },
    )


def _render_figure_table(network, table, sort, descending) -> str:
    table = table.sorted(sort, descending)
    maxima = {c.key: scale_for(c.unit, table.maximum(c.key)) for c in table.columns}
    # Cells are formatted here, not by template tags: 60 members × 15 figures is 900 cells.
    rows = [
        (
            row.membership,
            [
                (
                    format_figure(row.values.get(c.key), c.unit),
                    mini_bar(row.values.get(c.key), maxima[c.key]),
                )
                for c in table.columns
            ],
        )
        for row in table.rows
    ]
    return render_to_string(
        "network/_figure_table.html",
        {
            "network": network,
            "table": table,
            "rows": rows,
            "sort": sort,
            "descending": descending,
        },
    )


def _due_items(sections, memberships, today) -> dict:
    """What is overdue and what falls due within UPCOMING_DAYS, with the member of each."""
    names = {m.pk: m for m in memberships}
    items = _open_items(sections, memberships, today)
    overdue = sorted((i for i in items if i.overdue), key=lambda i: i.due_on)
    soon = today + timedelta(days=UPCOMING_DAYS)
    upcoming = sorted(
        (i for i in items if not i.overdue and i.due_on and i.due_on <= soon),
        key=lambda i: i.due_on,
    )
    return {
        "overdue_items": [(i, names.get(i.membership_id)) for i in overdue[:LIST_LIMIT]],
        "overdue_count": len(overdue),
        "upcoming_items": [(i, names.get(i.membership_id)) for i in upcoming[:LIST_LIMIT]],
    }


def _member_dashboard(request, access):
    network = access.network
    today = timezone.localdate()
    sections = progress.sections()
    memberships = _memberships_of(network)
    own = [m for m in memberships() if m.pk in access.own_membership_ids]
    chosen = request.GET.get("kommune")
    membership = next((m for m in own if m.municipality.slug == chosen), own[0])
    kept = freshness.NetworkCache(network.pk)
    columns, values = kept_figures(kept, memberships, _period(network, today), sections)
    table = FigureTable.of(columns, values, memberships())
    row = table.row_for(membership.pk)
    comparison = [
        {
            "column": column,
            "value": row.values.get(column.key) if row else None,
            "median": table.median(column.key),
            "maximum": table.maximum(column.key),
        }
        for column in table.columns
    ]
    items = _open_items(sections, [membership], today)
    mine = access.department_ids
    # Approvals asked of the user's own department first, then overdue, then by date.
    items.sort(
        key=lambda i: (
            i.department_id not in mine if i.department_id else True,
            not i.overdue,
            i.due_on or today + timedelta(days=3650),
        )
    )
    action_items = list(
        ActionItem.objects.open()
        .filter(network=network)
        .filter(Q(membership=membership) | Q(owner=request.user))
        .select_related("owner")
        .order_by("due_on", "id")[:LIST_LIMIT]
    )
    meetings = list(
        Meeting.objects.filter(
            Q(participants__isnull=True) | Q(participants=membership), network=network
        )
        .filter(starts_at__gte=timezone.now(), status=Meeting.Status.PLANNED)
        .distinct()
        .order_by("starts_at")[:5]
    )
    return render(
        request,
        "network/dashboard_member.html",
        {
            "access": access,
            "network": network,
            "membership": membership,
            "own_memberships": own,
            "comparison": comparison,
            "comparison_maxima": {c.key: table.maximum(c.key) for c in table.columns},
            "open_items": items[: LIST_LIMIT * 2],
            "my_department_ids": mine,
            "action_items": action_items,
            "upcoming_meetings": meetings,
            "today": today,
        },
    )
