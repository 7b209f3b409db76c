"""The personal start page (the portal's home) and its full lists: what waits for me,
what falls due, what is overdue — across all my networks (network.start)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from network.start import LIST_LIMIT, my_items, select, start_page

PAGE_SIZE = 25


def _rows(person, items):
    """(item, network, membership name) for the lists; the network only matters to a
    person in more than one."""
    networks = {network.pk: network for network in person.networks}
    return [
        (
            item,
            networks.get(item.network_id),
            person.memberships[item.membership_id].municipality.name
            if item.membership_id in person.memberships
            else "",
        )
        for item in items
    ]


@login_required
def home(request):
    page = start_page(request.user)
    person = page.person
    waiting, due_soon = page.select("waiting"), page.select("due_soon")
    return render(
        request,
        "network/start.html",
        {
            "person": person,
            "networks": person.networks,
            "several_networks": len(person.networks) > 1,
            "waiting": _rows(person, waiting[:LIST_LIMIT]),
            "waiting_count": len(waiting),
            "due_soon": _rows(person, due_soon[:LIST_LIMIT]),
            "due_soon_count": len(due_soon),
            "overdue_count": len(page.select("overdue")),
            "meetings": page.meetings,
            "changes": page.changes,
            "network_counts": page.counts_by_network(),
            "list_limit": LIST_LIMIT,
        },
    )


LISTS = {
    "ueberfaellig": ("overdue", _("Überfällig"), _("Nichts ist überfällig.")),
    "offen": ("waiting", _("Wartet auf mich"), _("Nichts wartet auf Sie.")),
    "faellig": (
        "due_soon",
        _("In den nächsten 30 Tagen fällig"),
        _("In den nächsten 30 Tagen ist nichts fällig."),
    ),
}


@login_required
def start_list(request, which):
    """One of the start page's lists in full, paginated: only the person's own things."""
    if which not in LISTS:
        raise Http404
    selection, title, empty_text = LISTS[which]
    person, items = my_items(request.user)
    items = select(items, selection, person.today)
    page = Paginator(_rows(person, items), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/start_list.html",
        {
            "title": title,
            "empty_text": empty_text,
            "page_obj": page,
            "rows": page.object_list,
            "count": len(items),
            "several_networks": len(person.networks) > 1,
            "today": person.today,
        },
    )
