"""Dashboards: the moderator's view of the whole network, and a member's own view.

What they show of the whole network is computed from many tables; it is kept until the
network's data changes (network.freshness, network.overview).
"""

from datetime import timedelta

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from network import freshness, progress, timeseries
from network.models import ActionItem, Meeting, Role
from network.overview import (
    LIST_LIMIT,
    memberships_of,
    network_overview,
    open_items,
    period_of,
)
from network.reports.figures import FigureTable, kept_figures
from network.views.common import network_view


@network_view
def dashboard(request, access):
    # Network-wide roles see the whole network; coordinators and staff their own member.
    network_wide = bool(access.kinds & {Role.Kind.MODERATOR, Role.Kind.EXPERT, Role.Kind.OBSERVER})
    if access.own_membership_ids and not network_wide:
        return _member_dashboard(request, access)
    return _network_dashboard(request, access)


def _network_dashboard(request, access):
    network = access.network
    overview = network_overview(
        network,
        sort=request.GET.get("sort", "name"),
        descending=request.GET.get("dir") == "desc",
    )
    return render(
        request,
        "network/dashboard.html",
        {
            "access": access,
            "network": network,
            **overview,
            # Not kept: which meetings are still ahead changes with the clock.
            "upcoming_meetings": list(network.meetings.upcoming()[:5]),
            **timeseries.trends(network, found=overview["figure_series"]),
        },
    )


def _member_dashboard(request, access):
    network = access.network
    today = timezone.localdate()
    sections = progress.sections()
    # The stamp first: what the kept figures are computed from must not be older than it.
    kept = freshness.NetworkCache(network.pk)
    memberships = memberships_of(network)
    own = [m for m in memberships() if m.pk in access.own_membership_ids]
    chosen = request.GET.get("kommune")
    membership = next((m for m in own if m.municipality.slug == chosen), own[0])
    columns, values = kept_figures(kept, memberships, period_of(network, today), sections)
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
    items = open_items(sections, [membership], today)
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
            **timeseries.trends(network, membership=membership, kept=kept),
        },
    )
