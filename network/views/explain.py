"""Pages behind the dashboard: the rows behind one member's key figure, and the full list
of what is overdue in the network."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from network import progress
from network.overview import overdue_items, period_of
from network.reports.figures import format_figure
from network.views.common import network_view, page_context

ROWS_PER_PAGE = 100
OVERDUE_PER_PAGE = 50


def _year(request, network, today):
    """The optional ?jahr= of a page (a year of the network, else None: since its start)."""
    year = request.GET.get("jahr", "")
    if year.isascii() and year.isdigit() and network.started_on.year <= int(year) <= today.year:
        return int(year)
    return None


@network_view
def figure_rows(request, access, key, municipality_slug):
    """How one member's figure `key` is computed and which rows count (readable by the whole
    network, like the dashboard; the rows link to the member's pages)."""
    membership = access.membership(municipality_slug)
    network = access.network
    section = next((s for s in progress.sections() if key in getattr(s, "explanations", {})), None)
    if section is None or not hasattr(section, "figure_rows"):
        raise Http404
    today = timezone.localdate()
    year = _year(request, network, today)
    period = period_of(network, today)
    if year:
        period = progress.Period(
            max(period.start, progress.Period.year(year).start),
            min(period.end, progress.Period.year(year).end),
        )
    rows = section.figure_rows(membership, key, period)
    if rows is None:
        raise Http404
    figure = next(
        (f for f in section.figures([membership], period).get(membership.pk, []) if f.key == key),
        None,
    )
    counted = sum(1 for row in rows if row.counted is True)
    left_out = sum(1 for row in rows if row.counted is None)
    return render(
        request,
        "network/figure_rows.html",
        page_context(
            access,
            membership=membership,
            section=section,
            key=key,
            label=figure.label if figure else key,
            value=format_figure(figure.value, figure.unit) if figure else "–",
            explanation=progress.explanation(section, key),
            period=period,
            year=year,
            years=list(range(today.year, min(network.started_on.year, today.year) - 1, -1)),
            counted=counted,
            not_counted=len(rows) - counted - left_out,
            left_out=left_out,
            page_obj=Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page")),
            query=f"jahr={year}" if year else "",
        ),
    )


@network_view
def overdue_list(request, access):
    """Everything overdue in the network, oldest first, paginated."""
    items = overdue_items(access.network)
    return render(
        request,
        "network/overdue_list.html",
        page_context(
            access,
            title=_("Überfällig"),
            page_obj=Paginator(items, OVERDUE_PER_PAGE).get_page(request.GET.get("page")),
        ),
    )
