"""What the moderator dashboard shows of a whole network, computed once per data stamp.

Used by the dashboard view and, after a change, by a background task that computes it
before the next visitor asks (network.tasks.refresh_overview), so a visit rarely waits.
"""

from datetime import timedelta
from functools import cache

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language

from network import freshness, progress, timeseries
from network.models import Membership, Network
from network.reports.charts import mini_bar, scale_for
from network.reports.figures import FigureTable, format_figure, kept_figures
from network.reports.history import recent_changes

UPCOMING_DAYS = 30
LIST_LIMIT = 15
DEFAULT_SORT = "name"


def memberships_of(network):
    """A callable returning the network's memberships, read once and only when asked."""

    @cache
    def memberships():
        return list(
            Membership.objects.filter(network=network)
            .select_related("municipality", "network")
            .order_by("municipality__name")
        )

    return memberships


def open_items(sections, memberships, today):
    items = []
    for section in sections:
        collect = getattr(section, "open_items", None)
        if collect is not None:
            items.extend(collect(memberships, today))
    return items


def period_of(network, today) -> progress.Period:
    return progress.Period(min(network.started_on, today), today)


def network_overview(network, sort: str = DEFAULT_SORT, descending: bool = False) -> dict:
    """The figure table as HTML (sorted by `sort`, a figure key or "name"; an unknown key
    sorts by name), what is overdue and due soon, and the latest changes."""
    today = timezone.localdate()
    language = get_language()
    sections = progress.sections()
    sections_key = progress.sections_key(sections)
    # The stamp first: what the kept values are computed from must not be older than it
    # (memberships are read lazily, inside the computations).
    # After a change one process computes; who asks meanwhile sees the previous figures,
    # marked „wird aktualisiert“ (not the person who made the change). With a worker the
    # first visitor's computation goes to the worker too (refresh_overview).
    kept = freshness.NetworkCache(
        network.pk,
        previous=True,
        refresh=_refresh_in_worker(network.pk, sort, descending, language)
        if settings.OVERVIEW_REFRESH
        else None,
    )
    memberships = memberships_of(network)
    columns, values = kept_figures(kept, memberships, period_of(network, today), sections)
    if sort != DEFAULT_SORT and sort not in {c.key for c in columns}:
        sort = DEFAULT_SORT
    figure_table_html = kept.get(
        "figure-table-html",
        lambda: _render_figure_table(
            network, FigureTable.of(columns, values, memberships()), sort, descending
        ),
        sort,
        descending,
        today,
        language,
        sections_key,
        network.slug,  # in the links; the network may have been read before the stamp
    )
    due = kept.get(
        "due-items",
        lambda: _due_items(sections, memberships(), today),
        today,
        language,
        sections_key,
    )
    return {
        "sort": sort,
        "descending": descending,
        "figure_table_html": figure_table_html,
        "figure_series": timeseries.kept_series(kept, network),  # the trend charts
        **due,
        "changes": kept.get("recent-changes", lambda: recent_changes(network), language),
        "refreshing": kept.refreshing,  # last: set by any of the entries above
    }


def _refresh_in_worker(network_id, sort, descending, language):
    def send():
        from network.tasks import refresh_overview  # the tasks module imports this one

        refresh_overview.apply_async(
            (network_id, None),
            {"sort": sort, "descending": descending, "language": language},
            retry=False,
        )

    return send


def overview_refresh(
    *,
    network_id: int,
    stamp: str | None,
    sort: str = DEFAULT_SORT,
    descending: bool = False,
    language: str | None = None,
) -> bool:
    """Compute a network's overview as most visitors see it (German, sorted by name) after
    the change that gave it `stamp`. Nothing is done if a newer change came meanwhile (its
    own refresh follows) or the network is gone; returns whether it computed.

    `stamp` None: a visitor was served the previous figures and handed the computation
    over (with their sort order and language); computed at whatever the stamp is now."""
    if stamp is not None and freshness.stamp(network_id) != stamp:
        return False
    # Read after the stamp, like everything the overview is computed from.
    network = Network.objects.filter(pk=network_id).first()
    if network is None:
        return False
    with translation.override(language or settings.LANGUAGE_CODE), freshness.refreshing():
        network_overview(network, sort, descending)
    return True


def _render_figure_table(network, table, sort, descending) -> str:
    table = table.sorted(sort, descending)
    maxima = {c.key: scale_for(c.unit, table.maximum(c.key)) for c in table.columns}
    # One reverse() per column, not per cell: the member's slug ends the URL.
    probe = "x"
    prefixes = {
        c.key: reverse("network:figure_rows", args=[network.slug, c.key, probe])[: -len(probe) - 1]
        for c in table.columns
        if c.has_rows
    }
    # Cells are formatted here, not by template tags: 60 members × 15 figures is 900 cells.
    rows = [
        (
            row.membership,
            [
                (
                    format_figure(row.values.get(c.key), c.unit),
                    mini_bar(row.values.get(c.key), maxima[c.key]),
                    f"{prefixes[c.key]}{row.membership.municipality.slug}/"
                    if c.key in prefixes
                    else "",
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
            "groups": table.groups(),
            "rows": rows,
            "sort": sort,
            "descending": descending,
        },
    )


def overdue_items(network, today=None) -> list:
    """Everything overdue in the network, oldest first, as (item, membership): the full list
    behind the dashboard's first LIST_LIMIT (the sections' fixed number of queries)."""
    today = today or timezone.localdate()
    memberships = memberships_of(network)()
    names = {m.pk: m for m in memberships}
    items = open_items(progress.sections(), memberships, today)
    overdue = sorted(
        (i for i in items if i.overdue), key=lambda i: (i.due_on, str(i.title).lower())
    )
    return [(i, names.get(i.membership_id)) for i in overdue]


def _due_items(sections, memberships, today) -> dict:
    """What is overdue and what falls due within UPCOMING_DAYS, with the member of each."""
    names = {m.pk: m for m in memberships}
    items = open_items(sections, memberships, today)
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
