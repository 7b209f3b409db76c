"""The public side of a network: what members release and the moderator approves.

Two kinds of pages:

- In the portal (logged in, `network_view`): /n/<netz>/oeffentlich/ shows what is public;
  the moderator switches the public page on and off, sets the licence and the published
  Erfolgsbilanz and approves releases; each member's coordinators release its sections.
- Without login: /oeffentlich/<netz>/… — the network, each member that released
  something, the published Erfolgsbilanz and the embeddable view of a member. 404 for a
  network whose page is off and for anything not released and approved.

The public pages set no cookie: they are rendered without the request (no CSRF token, no
messages, no session) on a base template without the portal's login chrome, and kept
under the network's data stamp (network.freshness), so a visit costs two queries.
"""

import re
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotFound
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from network import freshness, public, timeseries
from network.documents import file_response
from network.forms.public import PublicationForm, ReleaseForm
from network.models import Membership, Network, Report
from network.models.people import still_member_q
from network.models.public import Publication, Release
from network.overview import period_of
from network.reports.summary import filename_of
from network.services.public import release_approve, release_set
from network.views.common import network_view, page_context, posted
from network.views.edit import form_page

# --- in the portal ---------------------------------------------------------------------------


def _manage_url(access):
    return reverse("network:public_manage", args=[access.network.slug])


@network_view
@require_safe
def public_manage(request, access):
    """What the network shows the public, who released what, what waits for approval."""
    network = access.network
    sections = public.public_sections()
    titles = {s.key: s.title for s in sections}
    releases = list(
        Release.objects.filter(membership__network=network).select_related(
            "membership__municipality"
        )
    )
    by_member: dict[int, dict[str, Release]] = {}
    for release in releases:
        by_member.setdefault(release.membership_id, {})[release.section] = release
    memberships = (
        Membership.objects.filter(network=network)
        .filter(still_member_q())
        .select_related("municipality")
        .order_by("municipality__name")
    )
    members = []
    for membership in memberships:
        own = by_member.get(membership.pk, {})
        may_release = membership.pk in access.coordinated_membership_ids
        members.append(
            {
                "membership": membership,
                "rows": [(s, own.get(s.key)) for s in sections],
                "form": ReleaseForm(
                    sections=sections,
                    initial={"sections": [k for k, r in own.items() if r.released]},
                    auto_id=f"release-{membership.pk}-%s",
                )
                if may_release
                else None,
            }
        )
    pending = [
        (r, titles.get(r.section, r.section))
        for r in releases
        if r.released and not r.approved and r.approved_by_id is None
    ]
    return render(
        request,
        "network/public/manage.html",
        page_context(
            access,
            publication=public.publication_of(network),
            members=members,
            pending=pending,
            sections=sections,
            can_manage=access.can_manage_network(),
        ),
    )


@network_view
def public_settings(request, access):
    access.require(access.can_manage_network())
    publication = public.publication_of(access.network) or Publication(network=access.network)
    return form_page(
        request,
        access,
        PublicationForm(posted(request), instance=publication),
        title=_("Öffentliche Seite einstellen"),
        breadcrumbs=[(_("Öffentliche Seite"), _manage_url(access))],
        back_url=_manage_url(access),
        success_url=_manage_url(access),
        message=_("Die Einstellungen der öffentlichen Seite wurden gespeichert."),
    )


@network_view
@require_POST
def public_release(request, access, municipality_slug):
    """A member's coordinator releases (ticked) or withdraws (unticked) its sections."""
    membership = access.membership(municipality_slug)
    access.require(membership.is_active and membership.pk in access.coordinated_membership_ids)
    form = ReleaseForm(request.POST, sections=public.public_sections())
    if not form.is_valid():
        messages.error(request, _("Bitte nur Abschnitte aus der Liste wählen."))
        return redirect(_manage_url(access))
    changed = release_set(
        membership=membership, sections=form.cleaned_data["sections"], user=request.user
    )
    if changed:
        messages.success(
            request,
            _(
                "Die Freigaben von %(name)s wurden gespeichert. Neu freigegebene Abschnitte "
                "erscheinen, sobald die Moderation sie bestätigt hat."
            )
            % {"name": membership.municipality.name},
        )
    else:
        messages.info(request, _("Es hat sich nichts geändert."))
    return redirect(_manage_url(access))


@network_view
@require_POST
def public_approve(request, access, pk):
    """The moderator confirms („approve“) or rejects („reject“) one pending release."""
    access.require(access.can_manage_network())
    release = access.get(Release.objects.filter(membership__network=access.network), pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Bitte „Bestätigen“ oder „Ablehnen“ wählen."))
        return redirect(_manage_url(access))
    done = release_approve(
        release_id=release.pk,
        version=request.POST.get("version"),
        approve=decision == "approve",
        user=request.user,
    )
    if done is None:
        messages.error(
            request,
            _(
                "Die Kommune hat diese Freigabe inzwischen geändert oder zurückgezogen; "
                "bitte prüfen Sie die Liste erneut."
            ),
        )
    elif done.approved:
        messages.success(request, _("Die Freigabe wurde bestätigt: der Abschnitt ist öffentlich."))
    else:
        messages.success(request, _("Die Freigabe wurde abgelehnt: der Abschnitt bleibt intern."))
    return redirect(_manage_url(access))


# --- without login -----------------------------------------------------------------------


def public_page(view):
    """A page read without login: GET/HEAD only, and its 404 (page off, nothing released)
    is the public one, which like the page itself sets no cookie (templates/404.html
    carries the portal's language form and with it a CSRF cookie)."""

    @require_safe
    @wraps(view)
    def page(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return HttpResponseNotFound(render_to_string("network/public/not_found.html"))

    return page


def _state(network) -> dict:
    """What the public pages of `network` rest on, as plain values: whether the page is on,
    its licence, the published Erfolgsbilanz and the members with their public sections."""
    publication = public.publication_of(network)
    if publication is None or not publication.is_public:
        return {"is_public": False}
    installed = {s.key for s in public.public_sections()}
    shown = {m: keys & installed for m, keys in public.released(network).items()}
    members = [
        {"id": m.pk, "slug": m.municipality.slug, "name": m.municipality.name}
        for m in Membership.objects.filter(
            network=network, pk__in=[k for k, v in shown.items() if v]
        )
        .filter(still_member_q())
        .select_related("municipality")
        .order_by("municipality__name")
    ]
    for member in members:
        member["sections"] = sorted(shown[member["id"]])
    report = publication.annual_report
    if report is not None and report.status != Report.Status.DONE:
        report = None
    return {
        "is_public": True,
        "licence": publication.licence,
        "licence_label": str(Publication.Licence(publication.licence).label),
        "members": members,
        "report": None
        if report is None
        else {
            "pdf": report.file.name,
            "html": report.html_file.name,
            "period": f"{report.period_start:%d.%m.%Y} – {report.period_end:%d.%m.%Y}",
            "filename": filename_of(report),
        },
    }


def _public(network_slug):
    """The network, its cache at the current stamp and its public state; 404 when its
    public page is off. Two queries when the state is kept."""
    network = get_object_or_404(Network, slug=network_slug)
    kept = freshness.NetworkCache(network.pk)
    state = kept.get("public-state", lambda: _state(network), get_language(), timezone.localdate())
    if not state["is_public"]:
        raise Http404
    return network, kept, state


def _member(state, municipality_slug) -> dict:
    member = next((m for m in state["members"] if m["slug"] == municipality_slug), None)
    if member is None:
        raise Http404  # released nothing, or nothing approved
    return member


def _page(html: str) -> HttpResponse:
    response = HttpResponse(html)
    response["Cache-Control"] = "public, max-age=60"
    patch_vary_headers(response, ["Cookie"])  # the language cookie chooses the language
    return response


def _sections_html(network, member, today) -> list[dict]:
    """Each public section of one member, rendered with its own template and context."""
    membership = Membership.objects.select_related("municipality", "network").get(pk=member["id"])
    period = period_of(network, today)
    return [
        {
            "key": section.key,
            "title": section.title,
            "html": render_to_string(section.template, section.context(membership, period)),
        }
        for section in public.public_sections()
        if section.key in member["sections"]
    ]


def _base_context(network, state):
    return {
        "network": network,
        "state": state,
        "licence_label": state["licence_label"],
    }


@public_page
def public_network(request, network_slug):
    network, kept, state = _public(network_slug)
    today = timezone.localdate()

    def page():
        return render_to_string(
            "network/public/network.html",
            {**_base_context(network, state), **timeseries.trends(network, kept=kept)},
        )

    return _page(kept.get("public-network", page, get_language(), today))


def _member_page(network_slug, municipality_slug, template) -> HttpResponse:
    """A member's public sections in `template`, kept under the network's stamp."""
    network, kept, state = _public(network_slug)
    member = _member(state, municipality_slug)
    today = timezone.localdate()

    def page():
        return render_to_string(
            template,
            {
                **_base_context(network, state),
                "member": member,
                "sections": _sections_html(network, member, today),
            },
        )

    return _page(kept.get(template, page, member["slug"], get_language(), today))


@public_page
def public_member(request, network_slug, municipality_slug):
    return _member_page(network_slug, municipality_slug, "network/public/member.html")


@public_page
def public_embed(request, network_slug, municipality_slug):
    """A member's public sections, compact, to be framed by the pages of the origins the
    operator lists in KNN_EMBED_ORIGINS (none: nobody may frame it)."""
    response = _member_page(network_slug, municipality_slug, "network/public/embed.html")
    origins = settings.KNN_EMBED_ORIGINS
    if origins:
        # What csp.decorators.csp_replace and clickjacking.xframe_options_exempt do, but
        # with the origins read per request instead of once at import.
        response._csp_replace = {"frame-ancestors": list(origins)}
        response.xframe_options_exempt = True
    return response


@public_page
def public_report(request, network_slug):
    """The published Erfolgsbilanz in its accessible HTML version, as it was stored."""
    network, kept, state = _public(network_slug)
    report = state["report"]
    if not report or not report["html"]:
        raise Http404
    try:
        with Report(html_file=report["html"]).html_file.open("rb") as stored:
            html = stored.read().decode()
    except FileNotFoundError:
        raise Http404 from None
    # The stored version links back into the portal, which the public cannot enter.
    return _page(re.sub(r"<!--portal-link-->.*?<!--/portal-link-->", "", html, flags=re.S))


@public_page
def public_report_pdf(request, network_slug):
    network, kept, state = _public(network_slug)
    report = state["report"]
    if not report or not report["pdf"]:
        raise Http404
    # A Report only to reach the stored file through its field (no query).
    return file_response(
        Report(file=report["pdf"]).file, filename=report["filename"], content_type="application/pdf"
    )
