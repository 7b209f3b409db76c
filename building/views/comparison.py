"""The network's project comparison: rankings by score and by cost per tonne CO₂."""

from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render

from network.views.common import network_view, page_context

from .. import presentation
from ..models import (
    BuildingSettings,
    Variant,
)
from .common import _projects

# Rows of each ranking on one page of the comparison (1,500 projects in a 60-member network).
COMPARISON_PAGE_SIZE = 50


@network_view
def comparison(request, access):
    settings_obj = BuildingSettings.for_network(access.network)
    assumptions = settings_obj.assumptions()
    # The score ranking is ordered and cut to the page by the database: a network of 60
    # members has 1,500 projects, and only one page of them is shown.
    scored = (
        _projects(access)
        .filter(latest_assessment__total_pct__isnull=False)
        .select_related("latest_assessment__board")
        # Ties as before: by name, then by municipality (the projects' own order).
        .order_by("-latest_assessment__total_pct", "name", "membership__municipality__name", "pk")
    )
    total_count = scored.count()
    # The cost ranking needs the life-cycle figures of each project's variants, computed
    # in Python; only projects with something to compare (two variants or more) are read.
    comparable = list(
        _projects(access).annotate(variant_count=Count("variants")).filter(variant_count__gte=2)
    )
    variants = defaultdict(list)
    for variant in (
        Variant.objects.filter(project__in=[p.pk for p in comparable])
        .prefetch_related("energy_uses")
        .order_by("-is_reference", "name")
    ):
        variants[variant.project_id].append(variant)
    by_cost = []
    for project in comparable:
        table = presentation.variant_table(variants[project.pk], assumptions)
        best = table.best_per_tonne
        if best is not None:
            reference = table.rows[table.reference]
            avoided = reference.result.tonnes_co2 - best.result.tonnes_co2
            by_cost.append((project, best, reference, avoided))
    by_cost.sort(key=lambda item: item[1].per_tonne)
    # Both rankings cover every project (a rank does not depend on the page), but only
    # COMPARISON_PAGE_SIZE rows of each are rendered; one page number pages both tables.
    longest = max(total_count, len(by_cost))
    page = Paginator(range(longest), COMPARISON_PAGE_SIZE).get_page(request.GET.get("page"))
    first = max(page.start_index() - 1, 0)
    last = first + COMPARISON_PAGE_SIZE
    return render(
        request,
        "building/comparison.html",
        page_context(
            access,
            by_total=list(scored[first:last]),
            by_cost=by_cost[first:last],
            total_count=total_count,
            cost_count=len(by_cost),
            rank_offset=first,
            page_obj=page,
            settings_obj=settings_obj,
        ),
    )
