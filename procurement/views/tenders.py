"""The tender register of a member: list, form, CSV."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from network.csv_export import csv_response, de_number
from network.views.common import network_view, page_context, posted
from network.views.edit import form_page

from .. import access as scoped
from .. import explain, stats
from ..figures import TenderFacts
from ..forms import (
    TenderForm,
)
from ..models import (
    Tender,
)


@network_view
def tender_list(request, access, municipality_slug):
    membership = access.membership(municipality_slug)
    tenders = (
        Tender.objects.filter(membership=membership)
        .select_related("product_group")
        .order_by("-published_on", "title", "pk")
    )
    year = request.GET.get("jahr", "")
    if not (year.isascii() and year.isdigit() and 1 <= int(year) <= 9999):
        year = ""  # a year the calendar does not have is ignored, not a server error
    if year:
        tenders = tenders.filter(published_on__year=int(year))
    shares = stats.shares_for([membership.pk])
    years = sorted({y for (_m, y) in shares if y is not None})
    page = Paginator(tenders, 50).get_page(request.GET.get("page"))
    # How the tender share counts each tender of the page, and what it misses (one query).
    verdicts = explain.tender_verdicts(page.object_list)
    page.object_list = [(tender, verdicts[tender.pk]) for tender in page.object_list]
    return render(
        request,
        "procurement/tender_list.html",
        page_context(
            access,
            membership=membership,
            page_obj=page,
            query=f"jahr={year}" if year else "",
            year_shares=[(y, shares[(membership.pk, y)]) for y in years],
            total_share=shares.get((membership.pk, None)),
            can_edit=access.can_edit_membership(membership),
            years=years,
            year=year,
            rule=explain.TENDER_RULE,
        ),
    )


@network_view
def tender_edit(request, access, municipality_slug, pk=None):
    membership = access.membership(municipality_slug)
    tender = scoped.tender(membership, pk) if pk else Tender(membership=membership)
    access.require(access.can_edit_membership(membership))
    tenders = reverse("procurement:tender_list", args=[access.network.slug, municipality_slug])
    name = membership.municipality.name
    return form_page(
        request,
        access,
        TenderForm(posted(request), instance=tender),
        title=(_("Ausschreibung bearbeiten") if pk else _("Ausschreibung erfassen")) + f" – {name}",
        intro=_("Zur Auswahl stehen die Kriterien, denen die Kommune zugestimmt hat.")
        + " "
        + str(explain.TENDER_RULE),
        back_url=tenders,
        success_url=tenders,
        message=_saved_message,
        actions_top=True,
    )


def _saved_message(tender) -> str:
    """Saving tells the person how the tender share counts the tender, and why."""
    verdict = explain.tender_verdicts([tender])[tender.pk]
    return f"{_('Ausschreibung gespeichert.')} {verdict.message()}"


@network_view
def tender_csv(request, access, municipality_slug):
    membership = access.membership(municipality_slug)
    tenders = list(
        Tender.objects.filter(membership=membership)
        .select_related("product_group")
        .prefetch_related("applied_criteria")
    )
    required = stats.agreed_criteria([membership.pk])
    rows = []
    for tender in tenders:
        fact = TenderFacts(  # the rule of the key figure, for this one tender
            membership_id=membership.pk,
            year=tender.published_on.year,
            value=tender.estimated_value,
            required=frozenset(required[(membership.pk, tender.product_group_id)]),
            applied=frozenset(c.pk for c in tender.applied_criteria.all()),
        )
        rows.append(
            [
                tender.published_on.strftime("%d.%m.%Y"),
                tender.reference,
                tender.title,
                tender.product_group.name,
                tender.get_procedure_display(),
                de_number(tender.estimated_value),
                ", ".join(c.title for c in tender.applied_criteria.all()),
                _("ja")
                if fact.compliant
                else (_("nein") if fact.relevant else _("keine Kriterien")),
                _("ja") if tender.evidence_received else _("nein"),
            ]
        )
    header = [
        _("Veröffentlicht am"),
        _("Vergabenummer"),
        _("Titel"),
        _("Warengruppe"),
        _("Verfahren"),
        _("Geschätzter Auftragswert (EUR)"),
        _("Angewendete Kriterien"),
        _("Alle zugestimmten Kriterien angewendet"),
        _("Nachweise eingegangen"),
    ]
    return csv_response(f"ausschreibungen-{membership.municipality.slug}.csv", header, rows)
