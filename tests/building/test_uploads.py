"""Every upload of the portal goes through network.documents: the same files are refused at
the guideline attachment, the score evidence and the meeting document upload (nothing is
stored: no Document row, no file on disk), a real PDF is accepted at each, and every
download goes out with the same safety headers.

The actors: the moderator and the expert write guidelines and meeting documents; Lünen's
coordinator scores Lünen's project; Herten's coordinator (`other`) may not; the outsider
of another network gets 404; anonymous visitors are sent to the login.
"""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from building.models import BoardCriterion, Score
from network.models import Document
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
    b"<script>alert(document.cookie)</script></svg>"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64

TYPE = "Dateien vom Typ „{}“ sind nicht erlaubt."
CONTENT = "Der Inhalt der Datei passt nicht zur Endung „.{}“."
BAD_FILES = [
    ("seite.html", HTML, TYPE.format("html")),
    ("seite.pdf", HTML, CONTENT.format("pdf")),  # an HTML page renamed
    ("grafik.svg", SVG, TYPE.format("svg")),
    ("grafik.png", SVG, CONTENT.format("png")),  # an SVG with a script renamed
    ("rechnung.pdf", EXE, CONTENT.format("pdf")),  # a Windows executable renamed
    ("leer.pdf", b"", "leer."),  # Django's "Die übertragene Datei ist leer." or ours
]
TOO_LARGE = ("gross.pdf", PDF + b"0" * 2000, "erlaubt sind höchstens 1,0\u00a0KB")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def document_store(**kwargs):
    # Imported here, so the HTTP tests of this file also run against code without the
    # document module (to show that they fail there).
    from network.documents import document_store

    return document_store(**kwargs)


def stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


def b(name, *args):
    return reverse(f"building:{name}", args=["knn", *args])


def n(name, *args):
    return reverse(f"network:{name}", args=["knn", *args])


@pytest.fixture
def meeting(actors):
    return MeetingFactory(network=actors.network, title="Netzwerktreffen Bauen")


def criterion(data, code):
    return BoardCriterion.objects.get(group__board=data.board, code=code)


def attach(client, data, name, content, title="Merkblatt"):
    return client.post(
        b("guideline_attach", data.guideline.pk),
        {"title": title, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def score_with_evidence(client, data, name, content):
    a = data.assessment
    k1 = criterion(data, "K1")
    return client.post(
        b("assessment_score", a.pk),
        {
            "loaded_version": a.version,
            f"points_{k1.pk}": "80",
            f"justification_{k1.pk}": "Nachweis anbei",
            f"evidence_{k1.pk}": SimpleUploadedFile(name, content),
        },
    )


def meeting_upload(client, meeting, name, content, title="Folien"):
    return client.post(
        n("document_upload", meeting.pk),
        {"title": title, "file": SimpleUploadedFile(name, content)},
    )


def assert_download_headers(response):
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


class TestRefusedEverywhere:
    @pytest.mark.parametrize("name, content, message", [*BAD_FILES, TOO_LARGE])
    def test_guideline_attachment(self, actors, data, media, settings, name, content, message):
        settings.DOCUMENT_MAX_BYTES = 1024
        page = attach(actors.client(actors.expert), data, name, content)
        assert message in page.content.decode()
        assert not data.guideline.attachments.exists()
        assert not Document.objects.exists() and not stored_files(media)

    @pytest.mark.parametrize("name, content, message", [*BAD_FILES, TOO_LARGE])
    def test_score_evidence(self, actors, data, media, settings, name, content, message):
        settings.DOCUMENT_MAX_BYTES = 1024
        response = score_with_evidence(actors.client(actors.coordinator), data, name, content)
        assert response.status_code == 200  # the form again, with the error at the file
        assert message in response.content.decode()
        assert not Score.objects.exists()  # the whole form is refused
        assert not Document.objects.exists() and not stored_files(media)

    @pytest.mark.parametrize("name, content, message", [*BAD_FILES, TOO_LARGE])
    def test_meeting_document(self, actors, meeting, media, settings, name, content, message):
        settings.DOCUMENT_MAX_BYTES = 1024
        response = meeting_upload(actors.client(actors.moderator), meeting, name, content)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Document.objects.exists() and not stored_files(media)

    @pytest.mark.parametrize("name, content, _message", [*BAD_FILES, TOO_LARGE])
    def test_the_store_function_checks_too(self, actors, media, settings, name, content, _message):
        """No caller can skip the checks by storing without a form."""
        settings.DOCUMENT_MAX_BYTES = 1024
        with pytest.raises(ValidationError):
            document_store(
                network=actors.network,
                upload=SimpleUploadedFile(name, content),
                user=actors.moderator,
            )
        assert not Document.objects.exists() and not stored_files(media)


class TestRealPdfAcceptedAndServedSafely:
    def test_guideline_attachment(self, actors, data, media):
        page = attach(actors.client(actors.expert), data, "Merkblatt Holzbau.pdf", PDF)
        assert "Der Anhang wurde hochgeladen." in page.content.decode()
        document = data.guideline.attachments.get()
        assert (document.content_type, document.size, document.uploaded_by) == (
            "application/pdf",
            len(PDF),
            actors.expert,
        )
        assert (media / document.file.name).read_bytes() == PDF
        for reader in (actors.coordinator, actors.other, actors.observer):
            response = actors.client(reader).get(b("document", document.pk))
            assert_download_headers(response)
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content) == PDF

    def test_score_evidence(self, actors, data, media):
        client = actors.client(actors.coordinator)
        response = score_with_evidence(client, data, "Waermepumpe.pdf", PDF)
        assert response.status_code == 302
        score = Score.objects.get(criterion=criterion(data, "K1"))
        document = score.evidence.get()
        assert (document.membership, document.network) == (actors.luenen, actors.network)
        assert (media / document.file.name).read_bytes() == PDF
        response = actors.client(actors.other).get(b("document", document.pk))
        assert_download_headers(response)
        assert "Waermepumpe.pdf" in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PDF

    def test_meeting_document(self, actors, meeting, media):
        response = meeting_upload(actors.client(actors.expert), meeting, "Folien.pdf", PDF)
        assert response.status_code == 302
        document = Document.objects.get(meeting=meeting)
        response = actors.client(actors.staff).get(n("document_download", meeting.pk, document.pk))
        assert_download_headers(response)
        assert b"".join(response.streaming_content) == PDF

    def test_an_unexpected_stored_type_is_served_as_bytes(self, actors, data, media):
        """A row whose content type is not one of the allow-list's (written around the
        store function, e.g. in the admin) is not served as that type."""
        document = document_store(
            network=actors.network,
            upload=SimpleUploadedFile("Merkblatt.pdf", PDF),
            user=actors.expert,
        )
        Document.objects.filter(pk=document.pk).update(content_type="text/html")
        data.guideline.attachments.add(document)
        response = actors.client(actors.coordinator).get(b("document", document.pk))
        assert_download_headers(response)
        assert response["Content-Type"] == "application/octet-stream"


class TestWhoMayUpload:
    """The three upload views, by actor: nothing is stored for anyone refused."""

    def test_anonymous_is_sent_to_login(self, client, data, meeting, media):
        for response in (
            client.post(b("guideline_attach", data.guideline.pk), {"file": _pdf()}),
            score_with_evidence(client, data, "a.pdf", PDF),
            meeting_upload(client, meeting, "a.pdf", PDF),
        ):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
        assert not Document.objects.exists() and not stored_files(media)

    def test_outsider_gets_404(self, actors, data, meeting, media):
        client = actors.client(actors.outsider)
        assert attach(client, data, "a.pdf", PDF).status_code == 404
        assert score_with_evidence(client, data, "a.pdf", PDF).status_code == 404
        assert meeting_upload(client, meeting, "a.pdf", PDF).status_code == 404
        assert not Document.objects.exists() and not stored_files(media)

    def test_another_municipality_may_not_add_evidence(self, actors, data, media):
        response = score_with_evidence(actors.client(actors.other), data, "a.pdf", PDF)
        assert response.status_code == 403
        assert not Score.objects.exists()
        assert not Document.objects.exists() and not stored_files(media)

    @pytest.mark.parametrize("who", ["coordinator", "staff", "observer", "other"])
    def test_members_may_not_attach_or_upload_meeting_documents(
        self, actors, data, meeting, media, who
    ):
        client = actors.client(getattr(actors, who))
        assert attach(client, data, "a.pdf", PDF).status_code == 403
        assert meeting_upload(client, meeting, "a.pdf", PDF).status_code == 403
        assert not Document.objects.exists() and not stored_files(media)

    def test_outsider_and_anonymous_do_not_download(self, client, actors, data, media):
        document = document_store(
            network=actors.network, upload=_pdf(), user=actors.expert, membership=actors.luenen
        )
        data.guideline.attachments.add(document)
        assert actors.client(actors.outsider).get(b("document", document.pk)).status_code == 404
        response = client.get(b("document", document.pk))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def _pdf():
    return SimpleUploadedFile("Merkblatt.pdf", PDF)


def test_every_upload_and_download_goes_through_the_document_module():
    """One validation, one store, one download response: a new upload path that builds its
    own FileField, Document or FileResponse fails here until it uses network.documents."""
    root = Path(__file__).resolve().parents[2]
    allowed = {
        r"forms\.FileField\(": {
            "network/documents.py",
            # JSON import of the EU GPP list: read and parsed, never stored or served.
            "procurement/forms.py",
        },
        r"(?<!class )\bDocument(\.objects\.create)?\(": {"network/documents.py"},
        r"\bFileResponse\(": {"network/documents.py"},
    }
    found = {needle: set() for needle in allowed}
    for app in ("network", "building", "procurement"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for needle in allowed:
                if re.search(needle, text):
                    found[needle].add(path.relative_to(root).as_posix())
    for needle, paths in found.items():
        assert paths <= allowed[needle], needle
