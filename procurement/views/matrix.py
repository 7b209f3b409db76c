"""The network matrix: every member × product group, as a page and as CSV."""

from collections import defaultdict

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils.translation import gettext as _

from network.csv_export import csv_response, de_number
from network.models import Membership
from network.views.common import network_view, page_context

from .. import stats
from ..models import (
    Adoption,
    Criterion,
    ProductGroup,
)


@network_view
def network_matrix(request, access):
    network = access.network
    memberships = list(Membership.objects.filter(network=network).select_related("municipality"))
    groups = list(
        ProductGroup.objects.filter(network=network).annotate(
            agreed_criteria=Count(
                "criteria",
                filter=Q(criteria__is_current=True, criteria__status=Criterion.Status.AGREED),
            )
        )
    )
    counts = defaultdict(dict)
    for row in (
        Adoption.objects.filter(membership__network=network)
        .values("membership_id", "criterion__product_group_id")
        .annotate(
            agreed=Count("pk", filter=Q(status__in=stats.AGREED)),
            adopted=Count("pk", filter=Q(status__in=stats.ADOPTED)),
            applied=Count("pk", filter=Q(status=Adoption.Status.APPLIED)),
        )
    ):
        counts[row["membership_id"]][row["criterion__product_group_id"]] = row
    shares = stats.shares_for([m.pk for m in memberships])
    years = sorted({year for (_m, year) in shares if year is not None})

    def pct(n, total):
        return round(100 * n / total) if total else None

    rows = []
    for membership in memberships:
        cells = []
        for group in groups:
            row = counts[membership.pk].get(group.pk, {})
            cells.append(
                {
                    "group": group,
                    "agreed": pct(row.get("agreed", 0), group.agreed_criteria),
                    "adopted": pct(row.get("adopted", 0), group.agreed_criteria),
                    "applied": pct(row.get("applied", 0), group.agreed_criteria),
                }
            )
        rows.append(
            {
                "membership": membership,
                "cells": cells,
                "share": shares.get((membership.pk, None)),
                "years": [shares.get((membership.pk, year)) for year in years],
            }
        )
    network_years = [(year, shares.get((None, year))) for year in years]
    if request.GET.get("format") == "csv":
        header = [_("Kommune")]
        for group in groups:
            header += [
                f"{group.name}: " + _("zugestimmt %"),
                f"{group.name}: " + _("übernommen %"),
                f"{group.name}: " + _("angewendet %"),
            ]
        header += [_("Ausschreibungen mit Kriterien (Anzahl) %"), _("(Wert) %")]
        lines = []
        for row in rows:
            line = [row["membership"].municipality.name]
            for cell in row["cells"]:
                line += [
                    de_number(cell["agreed"]),
                    de_number(cell["adopted"]),
                    de_number(cell["applied"]),
                ]
            share = row["share"]
            line += [
                de_number(share.count_pct if share else None),
                de_number(share.value_pct if share else None),
            ]
            lines.append(line)
        return csv_response(f"netzwerk-matrix-{network.slug}.csv", header, lines)
    return render(
        request,
        "procurement/network_matrix.html",
        page_context(
            access,
            groups=groups,
            rows=rows,
            years=years,
            network_years=network_years,
            network_share=shares.get((None, None)),
        ),
    )
