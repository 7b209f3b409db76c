"""Roadmaps (Fahrpläne) of members and the network's template, with their milestones."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network import funding
from network.csv_export import csv_response
from network.views.common import network_view, page_context, posted
from network.views.edit import form_page

from .. import access as scoped
from .. import services
from ..figures import progress_pct
from ..forms import (
    MilestoneForm,
)
from ..models import (
    Milestone,
    Roadmap,
)


def _roadmap_of(access, municipality_slug, *, create=False):
    """(membership or None, roadmap or None); without a slug: the network's template."""
    if municipality_slug is None:
        if create:
            return None, services.template_roadmap(network=access.network)
        return None, Roadmap.objects.filter(network=access.network, membership=None).first()
    membership = access.membership(municipality_slug)
    if create:
        return membership, services.roadmap_for(membership=membership)
    return membership, Roadmap.objects.filter(membership=membership).first()


def _funding_of(network, milestones) -> list:
    """For each milestone, the procurement programmes of the register valid on its due
    date (none without a date); one query for the whole roadmap."""
    dated = [m for m in milestones if m.due_on]
    procurement = frozenset({funding.Kind.PROCUREMENT})
    found = iter(
        funding.programmes_for_many(network, [funding.Need(procurement, m.due_on) for m in dated])
    )
    return [next(found) if m.due_on else [] for m in milestones]


@network_view
def roadmap(request, access, municipality_slug=None):
    membership, road = _roadmap_of(access, municipality_slug)
    milestones = []
    if road:
        milestones = list(
            road.milestones.select_related("department").prefetch_related(
                "criteria", "action_items"
            )
        )
    today = timezone.localdate()
    if request.GET.get("format") == "csv":
        rows = [
            [
                m.position,
                m.title,
                m.due_on.strftime("%d.%m.%Y") if m.due_on else "",
                m.get_status_display(),
                m.completed_on.strftime("%d.%m.%Y") if m.completed_on else "",
                m.department.name if m.department else "",
                ", ".join(c.title for c in m.criteria.all()),
                _("ja") if m.is_overdue(today) else _("nein"),
            ]
            for m in milestones
        ]
        header = [
            _("Nr."),
            _("Meilenstein"),
            _("Fällig am"),
            _("Status"),
            _("Erledigt am"),
            _("Verantwortlicher Fachbereich"),
            _("Kriterien"),
            _("Überfällig"),
        ]
        slug = membership.municipality.slug if membership else "vorlage"
        return csv_response(f"fahrplan-{slug}.csv", header, rows)
    return render(
        request,
        "procurement/roadmap.html",
        page_context(
            access,
            membership=membership,
            roadmap=road,
            milestones=[
                (m, m.is_overdue(today), programmes)
                for m, programmes in zip(
                    milestones, _funding_of(access.network, milestones), strict=True
                )
            ],
            progress=progress_pct([m.status for m in milestones]),
            can_edit=access.can_edit_roadmap(membership),
            has_template=membership is not None
            and Roadmap.objects.filter(network=access.network, membership=None).exists(),
        ),
    )


@network_view
@require_POST
def roadmap_start(request, access, municipality_slug):
    membership = access.membership(municipality_slug)
    access.require(access.can_edit_membership(membership))
    services.roadmap_for(membership=membership)
    messages.success(request, _("Fahrplan angelegt."))
    return redirect("procurement:roadmap", access.network.slug, municipality_slug)


@network_view
def milestone_edit(request, access, municipality_slug=None, pk=None):
    membership = access.membership(municipality_slug) if municipality_slug else None
    access.require(access.can_edit_roadmap(membership))
    # A GET writes nothing: a missing roadmap is made (from the template) only on saving.
    _m, road = _roadmap_of(access, municipality_slug, create=request.method == "POST")
    numbered_by = road
    if road is None:
        road = Roadmap(network=access.network, membership=membership)
        if membership is not None:  # its roadmap will start with the template's steps
            numbered_by = Roadmap.objects.filter(network=access.network, membership=None).first()
    if pk:
        if road.pk is None:
            raise Http404
        milestone = scoped.milestone(road, pk)
    else:
        last = (
            numbered_by.milestones.order_by("-position").values_list("position", flat=True).first()
            if numbered_by
            else None
        )
        milestone = Milestone(roadmap=road, position=(last or 0) + 1)
    if municipality_slug:
        back = reverse("procurement:roadmap", args=[access.network.slug, municipality_slug])
        whose = membership.municipality.name
    else:
        back = reverse("procurement:roadmap_template", args=[access.network.slug])
        whose = _("Vorlage")
    return form_page(
        request,
        access,
        MilestoneForm(posted(request), instance=milestone),
        title=(_("Meilenstein bearbeiten") if pk else _("Meilenstein anlegen")) + f" – {whose}",
        back_url=back,
        success_url=back,
        message=_("Meilenstein gespeichert."),
        actions_top=True,
    )
