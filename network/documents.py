"""Every uploaded file of the portal passes through here: one validation (allow-listed
type, size limit, not empty, first bytes that match the type), one form field, one store
function, one delete, and one download response.

Meeting documents, guideline attachments and score evidence all use it; topic apps import
it, this module imports no topic app. Files are stored under a random name and served only
through permission-checked views, as attachments, never from a public media URL: a file
that passed the checks still never runs in the portal's origin (no inline HTML or SVG).
"""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from network.forms import fields
from network.models import Document

# File endings and the content types they are served with. Nothing else is accepted: no
# HTML, no SVG (it can carry scripts), no executables.
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}

# The first bytes of each allowed type: cheap to check, and it stops a renamed .exe, an
# HTML page or an SVG saved as .pdf or .png.
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (doc, xls, ppt)
_ZIP = b"PK\x03\x04"  # OOXML and ODF are ZIP containers
MAGIC = {
    "pdf": (b"%PDF-",),
    "doc": (_OLE,),
    "xls": (_OLE,),
    "ppt": (_OLE,),
    "docx": (_ZIP,),
    "xlsx": (_ZIP,),
    "pptx": (_ZIP,),
    "odt": (_ZIP,),
    "ods": (_ZIP,),
    "odp": (_ZIP,),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
}
HEAD_BYTES = 16


def extension_of(name: str) -> str:
    """The lower-case ending of a file name without the dot ("" if there is none)."""
    return PurePath(name or "").suffix.lower().lstrip(".")


def content_matches(extension: str, head: bytes) -> bool:
    """Do the first bytes of a file fit its (allow-listed) ending?"""
    if extension == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return any(head.startswith(magic) for magic in MAGIC.get(extension, ()))


def validate_upload(upload) -> str:
    """Check an uploaded file against the portal's rules and answer its ending.

    Raises ValidationError (German message) for a type outside the allow-list, an empty
    file, a file over settings.DOCUMENT_MAX_BYTES, or content whose first bytes do not fit
    the ending. Leaves the file positioned at its start.
    """
    extension = extension_of(upload.name)
    if extension not in ALLOWED_TYPES:
        raise ValidationError(
            gettext("Dateien vom Typ „%(ext)s“ sind nicht erlaubt. Erlaubt sind: %(allowed)s.")
            % {"ext": extension or "?", "allowed": ", ".join(sorted(ALLOWED_TYPES))},
            code="type",
        )
    if not upload.size:
        raise ValidationError(gettext("Die Datei ist leer."), code="empty")
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            gettext("Die Datei ist %(size)s groß; erlaubt sind höchstens %(max)s.")
            % {
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.DOCUMENT_MAX_BYTES),
            },
            code="size",
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if not content_matches(extension, head):
        raise ValidationError(
            gettext(
                "Der Inhalt der Datei passt nicht zur Endung „.%(ext)s“. Bitte laden Sie "
                "die Originaldatei hoch."
            )
            % {"ext": extension},
            code="content",
        )
    return extension


# --- forms ------------------------------------------------------------------------------------


def _allowed_help_text() -> str:
    return gettext("PDF, Office- oder OpenDocument-Datei oder Bild, höchstens %(size)s.") % {
        "size": filesizeformat(settings.DOCUMENT_MAX_BYTES)
    }


# Lazy: in the visitor's language, with the size limit as it is set when shown.
_allowed_help = lazy(_allowed_help_text, str)


class DocumentField(forms.FileField):
    """The one upload field: the browser offers the allowed endings, the server checks
    everything `validate_upload` checks."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Datei"))
        kwargs.setdefault("help_text", _allowed_help())
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(f".{ext}" for ext in ALLOWED_TYPES)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            validate_upload(upload)
        return upload


class DocumentForm(forms.Form):
    """Title and file of one upload. Without `title_required` an empty title falls back to
    the file's name (guideline attachments)."""

    title = fields.CharField(label=_("Titel"), max_length=200)
    file = DocumentField()

    def __init__(self, *args, title_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = title_required


# --- storage ----------------------------------------------------------------------------------


def _original_name(name: str) -> str:
    """The upload's own name, cut to the column but keeping its ending."""
    name = PurePath(name).name
    if len(name) <= 255:
        return name
    suffix = PurePath(name).suffix[:20]
    return name[: 255 - len(suffix)] + suffix


@transaction.atomic
def document_store(
    *, network, upload, user, title: str = "", meeting=None, membership=None
) -> Document:
    """Store an uploaded file as a Document of `network` (of one meeting or one member, or
    the network's own). Checks the upload again, so no caller can store what a form would
    have refused; raises ValidationError then and nothing is written."""
    extension = validate_upload(upload)
    if meeting is not None and meeting.network_id != network.pk:
        raise ValueError("meeting of another network")
    if membership is not None and membership.network_id != network.pk:
        raise ValueError("membership of another network")
    original_name = _original_name(upload.name)
    document = Document(
        network=network,
        meeting=meeting,
        membership=membership,
        title=(title or PurePath(original_name).stem)[:200],
        original_name=original_name,
        content_type=ALLOWED_TYPES[extension],
        size=upload.size,
        uploaded_by=user,
    )
    document.file = upload
    # The stored name comes from document_path; the upload's own name may be long.
    document.full_clean(exclude=["file"])
    document.save()
    return document


def document_delete(*, document) -> None:
    """Delete the record, then (once committed) the stored file."""
    name, storage = document.file.name, document.file.storage
    with transaction.atomic():
        document.delete()
        transaction.on_commit(lambda: storage.delete(name))


# --- download ---------------------------------------------------------------------------------


def file_response(file, *, filename: str, content_type: str) -> FileResponse:
    """A stored file as a download: always an attachment, never cached by a shared cache,
    never sniffed into another type by the browser. 404 if the file is gone."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    return _private_download(response)


def bytes_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """A file made for this request (the minutes as PDF, a signature list) as a download,
    with the same headers as a stored file."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return _private_download(response)


def _private_download(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def document_response(document: Document) -> FileResponse:
    """The download of one document (the caller has checked that the user may read it).
    The content type is one of the allow-list's, whatever a row says."""
    content_type = document.content_type
    if content_type not in ALLOWED_TYPES.values():
        content_type = "application/octet-stream"
    return file_response(document.file, filename=document.original_name, content_type=content_type)
