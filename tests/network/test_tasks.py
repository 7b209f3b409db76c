"""The report job's life cycle and the Celery task (PDF builder mocked)."""

from datetime import date, timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from knn_portal.celery import app as celery_app
from network.models import Report
from network.reports import build
from network.services import reports as services
from network.tasks import build_report, request_quarterly_reports

pytestmark = pytest.mark.django_db

FAKE_PDF = b"%PDF-1.7 test"
FIGURES = {"labels": {"x": ["X", ""]}, "members": {}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def eager():
    """Tasks run in-process, as without a broker (CI sets one for the whole suite)."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def builder(monkeypatch):
    """The PDF builder, replaced: records calls, can fail on demand."""
    calls = []
    failures = []

    def render_report(report, on_progress=None):
        calls.append(report.pk)
        if on_progress:
            on_progress(50)
        if failures:
            raise failures.pop(0)
        return build.Built(FAKE_PDF, "<html></html>", FIGURES)

    monkeypatch.setattr(build, "render_report", render_report)
    render_report.calls = calls
    render_report.failures = failures
    return render_report


def new_report(actors, **kwargs):
    defaults = {
        "network": actors.network,
        "kind": Report.Kind.MUNICIPALITY,
        "membership": actors.luenen,
        "period": None,
        "requested_by": actors.coordinator,
    }
    defaults.update(kwargs)
    report, _created = services.report_request(**defaults)
    return report


class TestLifeCycle:
    def test_claim_is_exclusive(self, actors):
        report = new_report(actors)
        assert report.status == Report.Status.PENDING
        assert report.claim() == 1
        assert report.status == Report.Status.RUNNING
        assert Report.objects.get(pk=report.pk).claim() is None  # a second worker
        assert Report.objects.get(pk=report.pk).attempts == 1

    def test_store_marks_done_once(self, actors, media):
        report = new_report(actors)
        attempt = report.claim()
        assert report.store(attempt, FAKE_PDF, FIGURES)
        report.refresh_from_db()
        assert (report.status, report.progress, report.figures) == ("done", 100, FIGURES)
        assert report.file.read() == FAKE_PDF
        assert report.claim() is None
        assert not report.store(attempt, b"other", {})
        assert not report.retry()  # done reports never change
        assert len(list((media / "reports").rglob("*.pdf"))) == 1

    def test_fail_and_retry(self, actors):
        report = new_report(actors)
        attempt = report.claim()
        assert report.fail(attempt, "Fehler beim Erstellen")
        assert (report.status, report.error) == ("failed", "Fehler beim Erstellen")
        assert report.retry()
        assert (report.status, report.error, report.progress) == ("pending", "", 0)
        assert report.claim() == 2

    def test_dead_worker_claim_is_taken_over_when_its_lease_ends(self, actors, settings, media):
        report = new_report(actors)
        first = report.claim()
        # Its lease is live: nobody else may take it.
        assert Report.objects.get(pk=report.pk).claim() is None
        later = timezone.now() + timedelta(seconds=settings.REPORT_LEASE_SECONDS + 1)
        takeover = Report.objects.get(pk=report.pk)
        second = takeover.claim(now=later)
        assert (first, second) == (1, 2)
        # The first worker wakes up: its progress and result are refused, its file removed.
        assert not report.set_progress(first, 80)
        assert not report.store(first, b"stale", {})
        assert takeover.store(second, FAKE_PDF, FIGURES)
        files = list((media / "reports").rglob("*.pdf"))
        assert [f.read_bytes() for f in files] == [FAKE_PDF]

    def test_numbers_are_unique_per_network_and_year(self, actors):
        a = new_report(actors)
        b = new_report(actors, kind=Report.Kind.ANNUAL, membership=None)
        old = new_report(actors, period=services.Period(date(2025, 1, 1), date(2025, 3, 31)))
        other = new_report(actors, network=actors.other_network, membership=actors.other_membership)
        assert (a.number, b.number, old.number, other.number) == (1, 2, 1, 1)
        assert a.reference == f"{a.year}-001"

    def test_number_race_retries_with_the_next_number(self, actors, monkeypatch):
        """Another request takes the number between our read and our insert."""
        real_full_clean = Report.full_clean
        raced = []

        def full_clean(self, *args, **kwargs):
            # Runs after the number was read and before the insert: the other request wins.
            if not raced:
                raced.append(True)
                Report.objects.create(
                    network=self.network,
                    kind=Report.Kind.ANNUAL,
                    period_start=self.period_start,
                    period_end=self.period_end,
                    year=self.year,
                    number=self.number,
                )
            return real_full_clean(self, *args, **kwargs)

        monkeypatch.setattr(Report, "full_clean", full_clean)
        report = new_report(actors)
        assert report.number == 2
        assert Report.objects.filter(network=actors.network).count() == 2

    def test_task_is_sent_on_commit(
        self, actors, django_capture_on_commit_callbacks, builder, eager
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            report = new_report(actors)
        assert len(callbacks) == 1 and builder.calls == []
        callbacks[0]()
        report.refresh_from_db()
        assert report.status == "done" and builder.calls == [report.pk]


class TestTask:
    def test_builds_and_stores(self, actors, builder):
        report = new_report(actors)
        assert build_report.apply(args=[report.pk]).get() == "done"
        report.refresh_from_db()
        assert (report.status, report.attempts, report.progress) == ("done", 1, 100)
        assert report.file.read() == FAKE_PDF

    def test_runs_exactly_once(self, actors, builder):
        report = new_report(actors)
        assert build_report.apply(args=[report.pk]).get() == "done"
        assert build_report.apply(args=[report.pk]).get() == "skipped"
        report.refresh_from_db()
        assert builder.calls == [report.pk] and report.attempts == 1

    def test_failure_stores_german_error(self, actors, builder):
        builder.failures.append(ValueError("kaputt"))
        report = new_report(actors)
        assert build_report.apply(args=[report.pk]).get() == "failed"
        report.refresh_from_db()
        assert report.status == "failed"
        assert report.error == "Der Bericht konnte nicht erstellt werden (ValueError)."
        assert not report.file

    def test_passing_error_is_retried(self, actors, builder):
        builder.failures.append(OperationalError("database restarting"))
        report = new_report(actors)
        build_report.apply(args=[report.pk])
        report.refresh_from_db()
        assert (report.status, report.attempts) == ("done", 2)
        assert builder.calls == [report.pk, report.pk]

    def test_passing_error_on_the_last_try_fails_the_job(self, actors, builder):
        builder.failures.extend([OperationalError("down")] * 10)
        report = new_report(actors)
        build_report.apply(args=[report.pk])
        report.refresh_from_db()
        assert report.status == "failed"
        assert report.attempts == build_report.max_retries + 1
        assert "Datenbank" in report.error

    def test_missing_report(self, db):
        assert build_report.apply(args=[999_999]).get() == "missing"

    def test_task_options(self):
        from django.conf import settings

        assert build_report.acks_late and build_report.reject_on_worker_lost
        assert build_report.soft_time_limit < build_report.time_limit
        assert (
            build_report.time_limit < settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        )
        assert celery_app.conf.task_routes["network.tasks.build_report"] == {"queue": "reports"}
        assert celery_app.conf.worker_prefetch_multiplier == 1
        assert celery_app.conf.worker_max_memory_per_child > 0


class TestQuarterly:
    @pytest.mark.parametrize(
        ("today", "start", "end"),
        [
            (date(2026, 4, 1), date(2026, 1, 1), date(2026, 3, 31)),
            (date(2026, 6, 30), date(2026, 1, 1), date(2026, 3, 31)),
            (date(2026, 7, 1), date(2026, 4, 1), date(2026, 6, 30)),
            (date(2027, 1, 15), date(2026, 10, 1), date(2026, 12, 31)),
        ],
    )
    def test_quarter_before(self, today, start, end):
        assert services.quarter_before(today) == services.Period(start, end)

    def test_requests_once_per_member_and_quarter(
        self, actors, builder, eager, django_capture_on_commit_callbacks
    ):
        actors.network.quarterly_reports = True
        actors.network.save()
        with django_capture_on_commit_callbacks(execute=True):
            created = services.reports_request_quarterly(today=date(2026, 10, 2))
        assert {r.membership_id for r in created} == {actors.luenen.pk, actors.herten.pk}
        assert {(r.period_start, r.period_end) for r in created} == {
            (date(2026, 7, 1), date(2026, 9, 30))
        }
        assert all(r.status == "done" for r in Report.objects.all())
        # Again in the same quarter: nothing new. The other network did not choose it.
        assert services.reports_request_quarterly(today=date(2026, 11, 20)) == []
        assert Report.objects.count() == 2
        assert not Report.objects.filter(network=actors.other_network).exists()

    def test_beat_schedule_names_the_task(self):
        entry = celery_app.conf.beat_schedule["quarterly-progress-reports"]
        assert entry["task"] == request_quarterly_reports.name
