"""Documents attached to meetings: upload, permission-checked download, delete.

Files are never served from a public media URL; every download passes the network's
access check and goes out through network.documents (attachment, allow-listed content type,
no caching, no sniffing).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from network import documents
from network.models import Document, Meeting
from network.views.common import network_view
from network.views.edit import form_page


def _post(request):
    """Data and files of a POST (even an empty one, which must show errors)."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


def _meeting(access, pk):
    return access.get(Meeting.objects.filter(network=access.network), pk=pk)


def _document(access, meeting, document_pk):
    return access.get(
        Document.objects.filter(network=access.network, meeting=meeting), pk=document_pk
    )


def _documents_url(meeting):
    return (
        reverse("network:meeting_detail", args=[meeting.network.slug, meeting.pk])
        + "#documents-heading"
    )


@network_view
def document_upload(request, access, pk):
    meeting = _meeting(access, pk)
    access.require(access.can_edit_meeting_content())
    form = documents.DocumentForm(*_post(request))

    def store(form):
        return documents.document_store(
            network=access.network,
            meeting=meeting,
            upload=form.cleaned_data["file"],
            title=form.cleaned_data["title"],
            user=request.user,
        )

    return form_page(
        request,
        access,
        form,
        title=_("Dokument hochladen"),
        breadcrumbs=[
            (_("Termine"), reverse("network:meeting_list", args=[access.network.slug])),
            (
                meeting.title,
                reverse("network:meeting_detail", args=[access.network.slug, meeting.pk]),
            ),
        ],
        back_url=_documents_url(meeting),
        submit_label=_("Hochladen"),
        save=store,
        success_url=_documents_url(meeting),
        message=_("Das Dokument wurde hochgeladen."),
        meeting=meeting,
    )


@network_view
@require_GET
def document_download(request, access, pk, document_pk):
    meeting = _meeting(access, pk)
    return documents.document_response(_document(access, meeting, document_pk))


@network_view
@require_POST
def document_delete(request, access, pk, document_pk):
    meeting = _meeting(access, pk)
    document = _document(access, meeting, document_pk)
    access.require(access.can_edit_meeting_content())
    documents.document_delete(document=document)
    messages.success(request, _("Das Dokument wurde gelöscht."))
    return redirect(_documents_url(meeting))
