"""Practice guidelines with revisions and attachments, and the download of building
documents (guideline attachments, score evidence)."""

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network.documents import DocumentForm, document_response, document_store
from network.markdown import render_markdown
from network.models import Document
from network.views.common import network_view, page_context, posted
from network.views.edit import form_page

from ..forms import (
    GuidelineForm,
)
from ..models import (
    Guideline,
)
from .common import _number


@network_view
def document_download(request, access, pk):
    """Evidence of scores and guideline attachments of this network, and nothing else."""
    document = access.get(Document.objects.filter(network=access.network), pk=pk)
    evidence = document.building_scores.filter(
        assessment__project__membership__network=access.network
    ).exists()
    attachment = Guideline.objects.filter(network=access.network, attachments=document)
    if not evidence and not attachment.visible_to(access).exists():
        raise Http404
    return document_response(document)


@network_view
def guideline_list(request, access):
    guidelines = (
        Guideline.objects.filter(network=access.network)
        .visible_to(access)
        .annotate(
            criteria_count=Count("criteria", distinct=True),
            attachment_count=Count("attachments", distinct=True),
        )
    )
    return render(
        request,
        "building/guideline_list.html",
        page_context(access, guidelines=guidelines, can_edit=access.can_edit_meeting_content()),
    )


def _guideline(access, pk):
    return access.get(Guideline.objects.filter(network=access.network).visible_to(access), pk=pk)


@network_view
def guideline_detail(request, access, pk):
    guideline = _guideline(access, pk)
    revisions = list(
        guideline.revisions_visible_to(access)
        .select_related("history_user")
        .only("history_id", "revision", "history_date", "history_user", "status", "body", "title")
    )
    shown = guideline
    wanted = _number(request.GET.get("fassung", ""))
    if wanted is not None and wanted != guideline.revision:
        shown = next((r for r in revisions if r.revision == wanted), None)
        if shown is None:
            raise Http404
    seen, versions = set(), []
    for record in revisions:  # latest record of each revision
        if record.revision not in seen:
            seen.add(record.revision)
            versions.append(record)
    return render(
        request,
        "building/guideline_detail.html",
        page_context(
            access,
            guideline=guideline,
            shown=shown,
            html=render_markdown(shown.body),
            versions=versions,
            criteria=guideline.criteria.select_related("group__board"),
            attachments=guideline.attachments.all(),
            upload_form=DocumentForm(title_required=False),
            can_edit=access.can_edit_meeting_content(),
        ),
    )


@network_view
def guideline_form(request, access, pk=None):
    access.require(access.can_edit_meeting_content())
    guideline = _guideline(access, pk) if pk else Guideline(network=access.network)
    back = (
        reverse("building:guideline_detail", args=[access.network.slug, guideline.pk])
        if pk
        else reverse("building:guideline_list", args=[access.network.slug])
    )
    return form_page(
        request,
        access,
        GuidelineForm(posted(request), instance=guideline, network=access.network),
        title=_("„%(title)s“ bearbeiten") % {"title": guideline.title}
        if pk
        else _("Leitlinie schreiben"),
        intro=_(
            "Der Text wird in Markdown geschrieben (# Überschrift, **fett**, - Liste, "
            "Tabellen). HTML wird aus Sicherheitsgründen entfernt."
        ),
        back_url=back,
        submit_label=_("Leitlinie speichern"),
        success_url=lambda saved: reverse(
            "building:guideline_detail", args=[access.network.slug, saved.pk]
        ),
        message=_("Die Leitlinie wurde gespeichert."),
        actions_top=True,
    )


@network_view
@require_POST
def guideline_attach(request, access, pk):
    access.require(access.can_edit_meeting_content())
    guideline = _guideline(access, pk)
    form = DocumentForm(request.POST, request.FILES, title_required=False)
    if form.is_valid():
        document = document_store(
            network=access.network,
            membership=None,
            upload=form.cleaned_data["file"],
            user=request.user,
            title=form.cleaned_data["title"],
        )
        guideline.attachments.add(document)
        messages.success(request, _("Der Anhang wurde hochgeladen."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("building:guideline_detail", access.network.slug, guideline.pk)
