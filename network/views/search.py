"""The search page behind the header's search field (network.search): hits of every
network the person belongs to, grouped by kind; one kind in full with ?art=."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from network.search import PAGE_SIZE, PER_KIND, Query, Searcher, search, source_by_key

MAX_PAGE = 500  # a page number beyond any real result list


def _page_number(raw) -> int:
    try:
        return min(max(int(raw), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def _message(query: Query, groups) -> str:
    if query.is_empty:
        return _("Bitte geben Sie einen Suchbegriff ein.")
    if query.is_too_short:
        return _("Bitte geben Sie mindestens drei Buchstaben oder Ziffern ein.")
    if not groups:
        return _(
            "Keine Treffer. Prüfen Sie die Schreibweise oder versuchen Sie ein anderes oder "
            "kürzeres Wort."
        )
    return ""


@login_required
def search_page(request):
    query = Query.parse(request.GET.get("q"))
    everywhere = Searcher.of(request.user)
    network_slug = request.GET.get("netz", "")[:100]
    searcher = everywhere.narrowed(network_slug) if network_slug else everywhere
    if network_slug and not searcher.networks:
        raise Http404  # not one of theirs: as for every URL of a network, nothing revealed
    source = source_by_key(request.GET.get("art", ""))
    page = _page_number(request.GET.get("page"))
    if source is None:
        groups = search(searcher, query)
    else:
        offset = (page - 1) * PAGE_SIZE
        groups = search(searcher, query, only=source.key, offset=offset, limit=PAGE_SIZE)
    params = {"q": query.text, **({"netz": network_slug} if network_slug else {})}
    return render(
        request,
        "network/search.html",
        {
            "query": query,
            "groups": groups,
            "message": _message(query, groups),
            "networks": list(everywhere.networks.values()),
            "several_networks": len(everywhere.networks) > 1,
            "network_slug": network_slug,
            "source": source,
            "page_number": page,
            "per_kind": PER_KIND,
            "base_query": urlencode(params),
            "total": sum(group.total for group in groups),
        },
    )
