"""Documents attached to meetings: allow-list, sniffing, size limit, permission-checked
download."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from network.models import Document
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def meeting(actors):
    return MeetingFactory(network=actors.network, title="Netzwerktreffen")


def url(name, *args, slug="knn"):
    return reverse(f"network:{name}", args=[slug, *args])


def upload(client, meeting, name, content, title="Präsentation"):
    return client.post(
        url("document_upload", meeting.pk),
        {"title": title, "file": SimpleUploadedFile(name, content)},
    )


@pytest.fixture
def document(actors, meeting):
    upload(actors.client(actors.expert), meeting, "Kriterien IT.pdf", PDF, title="Kriterien")
    return Document.objects.get()


class TestUpload:
    @pytest.mark.parametrize(
        "name, content, content_type",
        [
            ("Folien.pdf", PDF, "application/pdf"),
            ("Foto.PNG", PNG, "image/png"),
            (
                "Protokoll.docx",
                "docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ),
        ],
    )
    def test_expert_uploads_allowed_types(
        self, actors, meeting, media, name, content, content_type
    ):
        content = docx_bytes() if content == "docx" else content
        response = upload(actors.client(actors.expert), meeting, name, content)
        assert response.status_code == 302
        document = Document.objects.get()
        assert (document.original_name, document.content_type, document.size) == (
            name,
            content_type,
            len(content),
        )
        assert (document.network, document.meeting, document.uploaded_by) == (
            actors.network,
            meeting,
            actors.expert,
        )
        # The stored name says nothing about the content or the person.
        assert name.split(".")[0] not in document.file.name
        assert (media / document.file.name).read_bytes() == content
        page = actors.client(actors.observer).get(url("meeting_detail", meeting.pk))
        assert name in page.content.decode()

    @pytest.mark.parametrize(
        "name, content, message",
        [
            ("setup.exe", EXE, "Dateien vom Typ „exe“ sind nicht erlaubt."),
            ("Rechnung.pdf", EXE, "Der Inhalt der Datei passt nicht zur Endung „.pdf“."),
            ("Bild.png", PDF, "Der Inhalt der Datei passt nicht zur Endung „.png“."),
            ("Tabelle.xlsx", PDF, "Der Inhalt der Datei passt nicht zur Endung „.xlsx“."),
            ("ohne-endung", PDF, "Dateien vom Typ „?“ sind nicht erlaubt."),
            ("seite.html", b"<html></html>", "Dateien vom Typ „html“ sind nicht erlaubt."),
            ("leer.pdf", b"", "Die übertragene Datei ist leer."),
        ],
    )
    def test_disallowed_files_are_refused_in_german(self, actors, meeting, name, content, message):
        response = upload(actors.client(actors.moderator), meeting, name, content)
        assert response.status_code == 200  # the form again, as every form page answers
        assert message in response.content.decode()
        assert not Document.objects.exists()

    def test_oversized_file_is_refused(self, actors, meeting, settings, media):
        settings.DOCUMENT_MAX_BYTES = 1024
        response = upload(actors.client(actors.moderator), meeting, "gross.pdf", PDF + b"0" * 2000)
        assert response.status_code == 200
        assert "erlaubt sind höchstens 1,0\u00a0KB" in response.content.decode()
        assert not Document.objects.exists()
        assert not any(media.rglob("*.pdf"))

    def test_missing_title_and_file(self, actors, meeting):
        response = actors.client(actors.moderator).post(url("document_upload", meeting.pk), {})
        # At each field, and in the list of errors at the top of the form.
        assert response.content.decode().count("Dieses Feld ist zwingend erforderlich.") == 4

    @pytest.mark.parametrize("who", ["coordinator", "staff", "observer", "other"])
    def test_members_may_not_upload(self, actors, meeting, who):
        response = upload(actors.client(getattr(actors, who)), meeting, "a.pdf", PDF)
        assert response.status_code == 403
        assert not Document.objects.exists()

    def test_outsider_and_anonymous(self, client, actors, meeting):
        assert upload(actors.client(actors.outsider), meeting, "a.pdf", PDF).status_code == 404
        response = upload(client, meeting, "a.pdf", PDF)
        assert response.status_code == 302 and "anmelden" in response["Location"]
        assert not Document.objects.exists()


class TestDownload:
    def test_member_downloads_as_attachment(self, actors, meeting, document):
        response = actors.client(actors.other).get(
            url("document_download", meeting.pk, document.pk)
        )
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "Kriterien" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_outsider_anonymous_and_wrong_meeting(self, client, actors, meeting, document):
        assert client.get(url("document_download", meeting.pk, document.pk)).status_code == 302
        outsider = actors.client(actors.outsider)
        assert outsider.get(url("document_download", meeting.pk, document.pk)).status_code == 404
        other_meeting = MeetingFactory(network=actors.network)
        moderator = actors.client(actors.moderator)
        response = moderator.get(url("document_download", other_meeting.pk, document.pk))
        assert response.status_code == 404
        assert moderator.get(f"/n/knn/termine/{meeting.pk}/dokumente/x/").status_code == 404

    def test_no_public_media_url(self, client, actors, document):
        response = actors.client(actors.moderator).get("/nicht-oeffentlich/" + document.file.name)
        assert response.status_code == 404

    def test_missing_file_is_404(self, actors, meeting, document, media):
        (media / document.file.name).unlink()
        response = actors.client(actors.moderator).get(
            url("document_download", meeting.pk, document.pk)
        )
        assert response.status_code == 404


class TestDelete:
    def test_moderator_deletes_record_and_file(
        self, actors, meeting, document, media, django_capture_on_commit_callbacks
    ):
        path = media / document.file.name
        with django_capture_on_commit_callbacks(execute=True):
            response = actors.client(actors.moderator).post(
                url("document_delete", meeting.pk, document.pk)
            )
        assert response.status_code == 302
        assert not Document.objects.exists()
        assert not path.exists()

    @pytest.mark.parametrize("who", ["coordinator", "observer"])
    def test_members_may_not_delete(self, actors, meeting, document, media, who):
        response = actors.client(getattr(actors, who)).post(
            url("document_delete", meeting.pk, document.pk)
        )
        assert response.status_code == 403
        assert Document.objects.count() == 1
        assert (media / document.file.name).exists()

    def test_outsider_may_not_delete(self, actors, meeting, document):
        response = actors.client(actors.outsider).post(
            url("document_delete", meeting.pk, document.pk)
        )
        assert response.status_code == 404
        assert Document.objects.count() == 1
