"""Report pages: request, status, download, retry, preview; who may do what."""

from datetime import date

import pytest
from django.urls import reverse

from network import progress
from network.models import Report
from network.sections import AttendanceSection
from tests.factories import MembershipFactory
from tests.network import test_tasks

FAKE_PDF = test_tasks.FAKE_PDF
# Fixtures shared with the task tests.
builder, eager, media = test_tasks.builder, test_tasks.eager, test_tasks.media

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def only_attendance(monkeypatch):
    monkeypatch.setattr(progress, "sections", lambda: [AttendanceSection()])


def u(name, *args, slug="knn"):
    return reverse(f"network:{name}", args=[slug, *args])


def make_report(actors, status=Report.Status.PENDING, membership="luenen", number=None, **extra):
    member = getattr(actors, membership) if membership else None
    return Report.objects.create(
        network=actors.network,
        membership=member,
        kind=Report.Kind.MUNICIPALITY if member else Report.Kind.ANNUAL,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 6, 30),
        year=2026,
        number=number or (Report.objects.count() + 1),
        status=status,
        **extra,
    )


def done_report(actors, **kwargs):
    report = make_report(actors, **kwargs)
    attempt = report.claim()
    report.store(attempt, FAKE_PDF, {"members": {}, "labels": {}}, STORED_HTML)
    return report


STORED_HTML = "<!DOCTYPE html><html lang=de><title>Fortschrittsbericht</title><p>Gespeichert</p>"


class TestAnonymousAndOutsider:
    @pytest.mark.parametrize(
        "name",
        [
            "report_list",
            "report_detail",
            "report_status",
            "report_download",
            "report_html",
            "report_preview",
        ],
    )
    def test_anonymous_goes_to_login(self, client, actors, name):
        report = done_report(actors)
        args = [] if name == "report_list" else [report.pk]
        response = client.get(u(name, *args))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    @pytest.mark.parametrize(
        "name",
        [
            "report_list",
            "report_detail",
            "report_status",
            "report_download",
            "report_html",
            "report_preview",
        ],
    )
    def test_outsider_gets_404(self, actors, name):
        report = done_report(actors)
        args = [] if name == "report_list" else [report.pk]
        assert actors.client(actors.outsider).get(u(name, *args)).status_code == 404

    def test_outsider_cannot_request_or_retry(self, actors):
        failed = make_report(actors, status=Report.Status.FAILED)
        client = actors.client(actors.outsider)
        assert client.post(u("report_request"), {"kind": "annual", "year": 2026}).status_code == 404
        assert client.post(u("report_retry", failed.pk)).status_code == 404
        assert Report.objects.count() == 1
        assert Report.objects.get().status == "failed"

    def test_report_of_another_network_is_404(self, actors):
        foreign = Report.objects.create(
            network=actors.other_network,
            membership=actors.other_membership,
            kind=Report.Kind.MUNICIPALITY,
            period_start=date(2026, 1, 1),
            period_end=date(2026, 3, 31),
            year=2026,
            number=1,
        )
        client = actors.client(actors.moderator)
        assert client.get(u("report_detail", foreign.pk)).status_code == 404
        assert client.get(u("report_download", foreign.pk)).status_code == 404
        assert client.get(u("report_html", foreign.pk)).status_code == 404


class TestList:
    def test_moderator_sees_reports_and_full_form(self, actors):
        done_report(actors)
        text = actors.client(actors.moderator).get(u("report_list")).content.decode()
        assert "2026-001" in text and "Lünen" in text and "fertig" in text
        assert "Bericht anfordern" in text
        assert 'value="annual"' in text and "Herten" in text

    def test_coordinator_form_offers_own_member_only(self, actors):
        text = actors.client(actors.coordinator).get(u("report_list")).content.decode()
        start = text.index('id="request-title"')
        form = text[start : text.index("</form>", start)]
        assert 'value="annual"' not in form
        assert "Lünen" in form and "Herten" not in form

    def test_observer_reads_without_form(self, actors):
        done_report(actors)
        text = actors.client(actors.observer).get(u("report_list")).content.decode()
        assert "2026-001" in text
        assert "Bericht anfordern" not in text

    @pytest.mark.parametrize("reports", [2, 30])
    def test_fixed_number_of_queries(self, actors, reports, django_assert_max_num_queries):
        for _ in range(reports):
            membership = MembershipFactory(network=actors.network)
            Report.objects.create(
                network=actors.network,
                membership=membership,
                kind=Report.Kind.MUNICIPALITY,
                period_start=date(2026, 1, 1),
                period_end=date(2026, 3, 31),
                year=2026,
                number=Report.objects.count() + 1,
                requested_by=actors.moderator,
            )
        client = actors.client(actors.moderator)
        client.get(u("report_list"))
        with django_assert_max_num_queries(14):
            response = client.get(u("report_list"))
        assert response.content.decode().count("/berichte/") >= min(reports, 25)


class TestRequest:
    def test_moderator_requests_annual_report(
        self, actors, builder, eager, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = actors.client(actors.moderator).post(
                u("report_request"), {"kind": "annual", "year": 2026}
            )
        report = Report.objects.get()
        assert response.status_code == 302
        assert response["Location"] == u("report_detail", report.pk)
        assert (report.kind, report.membership, report.period_start, report.period_end) == (
            "annual",
            None,
            date(2026, 1, 1),
            date(2026, 12, 31),
        )
        assert report.status == "done" and report.requested_by == actors.moderator

    def test_coordinator_requests_own_progress_report(
        self, actors, builder, eager, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            actors.client(actors.staff).post(
                u("report_request"),
                {"kind": "municipality", "membership": actors.luenen.pk, "year": 2026},
            )
        report = Report.objects.get()
        assert report.membership == actors.luenen and report.status == "done"

    def test_the_text_for_the_first_page_is_kept_with_the_report(
        self, actors, builder, eager, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            actors.client(actors.coordinator).post(
                u("report_request"),
                {
                    "kind": "municipality",
                    "membership": actors.luenen.pk,
                    "year": 2026,
                    "intro": "Der Rat hat **Recyclingpapier** beschlossen.<script>x()</script>",
                },
            )
        report = Report.objects.get()
        assert report.intro.startswith("Der Rat hat **Recyclingpapier**")
        page = actors.client(actors.coordinator).get(u("report_detail", report.pk))
        text = page.content.decode()
        assert "<strong>Recyclingpapier</strong>" in text and "<script>x()" not in text

    def test_an_overlong_text_is_refused_in_german_and_nothing_is_requested(self, actors):
        response = actors.client(actors.coordinator).post(
            u("report_request"),
            {
                "kind": "municipality",
                "membership": actors.luenen.pk,
                "year": 2026,
                "intro": "x" * 3001,
            },
        )
        assert response.status_code == 400
        text = response.content.decode()
        assert "Der Text ist 3.001 Zeichen lang; erlaubt sind höchstens 3.000." in text
        assert "x" * 3001 in text  # what was typed comes back, nothing is lost
        assert not Report.objects.exists()

    def test_coordinator_cannot_request_for_another_member(self, actors):
        response = actors.client(actors.coordinator).post(
            u("report_request"),
            {"kind": "municipality", "membership": actors.herten.pk, "year": 2026},
        )
        assert response.status_code == 400
        assert "Bitte eine gültige Auswahl treffen" in response.content.decode()
        assert not Report.objects.exists()

    def test_staff_cannot_request_annual_report(self, actors):
        response = actors.client(actors.staff).post(
            u("report_request"), {"kind": "annual", "year": 2026}
        )
        assert response.status_code == 400
        assert not Report.objects.exists()

    def test_observer_and_expert_cannot_request(self, actors):
        for user in (actors.observer, actors.expert):
            response = actors.client(user).post(
                u("report_request"), {"kind": "annual", "year": 2026}
            )
            assert response.status_code == 403
        assert not Report.objects.exists()

    @pytest.mark.parametrize(
        ("data", "field_error"),
        [
            ({"kind": "annual", "year": 1999}, "Bitte ein Jahr von 2022 bis"),
            ({"kind": "annual", "year": "zwanzig"}, "„zwanzig“ ist keine Zahl."),
            ({"kind": "municipality", "year": 2026}, "Bitte die Kommune auswählen."),
            ({"kind": "quatsch", "year": 2026}, "Bitte eine gültige Auswahl treffen"),
            ({}, "Dieses Feld ist zwingend erforderlich."),
        ],
    )
    def test_bad_input_gives_german_field_errors(self, actors, data, field_error):
        response = actors.client(actors.moderator).post(u("report_request"), data)
        assert response.status_code == 400
        assert field_error in response.content.decode()
        assert not Report.objects.exists()

    def test_get_is_not_allowed(self, actors):
        assert actors.client(actors.moderator).get(u("report_request")).status_code == 405


class TestDetailAndStatus:
    def test_pending_report_polls(self, actors):
        report = make_report(actors)
        text = actors.client(actors.observer).get(u("report_detail", report.pk)).content.decode()
        assert f'hx-get="{u("report_status", report.pk)}"' in text
        assert 'hx-trigger="every 2s"' in text
        assert '<progress id="report-progress"' in text
        assert "Status aktualisieren" in text  # works without JavaScript

    def test_running_partial_shows_progress(self, actors):
        report = make_report(actors)
        attempt = report.claim()
        report.set_progress(attempt, 40)
        text = actors.client(actors.coordinator).get(u("report_status", report.pk)).content.decode()
        assert "wird erstellt – 40 %" in text and 'value="40"' in text
        assert "<html" not in text

    def test_done_report_stops_polling_and_offers_download(self, actors):
        report = done_report(actors)
        text = actors.client(actors.other).get(u("report_status", report.pk)).content.decode()
        assert "hx-trigger" not in text
        assert u("report_download", report.pk) in text

    def test_failed_report_shows_error_and_retry_for_requesters_only(self, actors):
        report = make_report(actors)
        report.fail(report.claim(), "Die Erstellung hat zu lange gedauert und wurde abgebrochen.")
        text = actors.client(actors.coordinator).get(u("report_detail", report.pk)).content.decode()
        assert "zu lange gedauert" in text and "Erneut versuchen" in text
        text = actors.client(actors.other).get(u("report_detail", report.pk)).content.decode()
        assert "zu lange gedauert" in text and "Erneut versuchen" not in text


class TestDownload:
    def test_member_of_network_downloads_pdf(self, actors):
        report = done_report(actors)
        response = actors.client(actors.other).get(u("report_download", report.pk))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        # Served like every download of the portal (network.documents.file_response).
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == FAKE_PDF

    def test_unfinished_report_has_no_download(self, actors):
        report = make_report(actors)
        client = actors.client(actors.moderator)
        assert client.get(u("report_download", report.pk)).status_code == 404
        assert client.get(u("report_html", report.pk)).status_code == 404

    def test_file_name_names_municipality_and_period(self, actors):
        report = done_report(actors)  # Lünen, 01.01.–30.06.2026
        response = actors.client(actors.coordinator).get(u("report_download", report.pk))
        disposition = response["Content-Disposition"]
        assert 'filename="Fortschrittsbericht-Luenen-2026-Q2.pdf"' in disposition
        page = actors.client(actors.coordinator).get(u("report_detail", report.pk))
        assert "Fortschrittsbericht-Luenen-2026-Q2.pdf" in page.content.decode()

    def test_html_version_is_the_stored_one(self, actors):
        """The frozen HTML made with the PDF, for every member of the network (like the
        PDF), not one rendered from today's data."""
        report = done_report(actors)
        response = actors.client(actors.other).get(u("report_html", report.pk))
        assert response.status_code == 200
        assert response.content.decode() == STORED_HTML
        assert response["Cache-Control"] == "private, no-store"
        detail = actors.client(actors.other).get(u("report_detail", report.pk)).content.decode()
        assert u("report_html", report.pk) in detail and "Barrierefreie HTML-Fassung" in detail


class TestRetry:
    def test_coordinator_retries_own_failed_report(
        self, actors, builder, eager, django_capture_on_commit_callbacks
    ):
        report = make_report(actors)
        report.fail(report.claim(), "kaputt")
        with django_capture_on_commit_callbacks(execute=True):
            response = actors.client(actors.coordinator).post(u("report_retry", report.pk))
        assert response.status_code == 302
        report.refresh_from_db()
        assert (report.status, report.attempts) == ("done", 2)

    def test_other_member_cannot_retry(self, actors):
        report = make_report(actors)
        report.fail(report.claim(), "kaputt")
        assert actors.client(actors.other).post(u("report_retry", report.pk)).status_code == 403
        report.refresh_from_db()
        assert (report.status, report.error, report.attempts) == ("failed", "kaputt", 1)

    def test_done_report_is_not_retried(self, actors):
        report = done_report(actors)
        response = actors.client(actors.moderator).post(u("report_retry", report.pk), follow=True)
        assert "Nur fehlgeschlagene Berichte" in response.content.decode()
        report.refresh_from_db()
        assert (report.status, report.attempts) == ("done", 1)


class TestPreview:
    def test_preview_renders_the_report_as_html(self, actors):
        report = make_report(actors)
        response = actors.client(actors.observer).get(u("report_preview", report.pk))
        text = response.content.decode()
        assert response.status_code == 200
        assert '<h1 id="cover-title">Fortschrittsbericht Lünen</h1>' in text
        assert "/static/css/report.css" in text
        assert "style=" not in text and "<script" not in text
        assert u("report_detail", report.pk) in text
