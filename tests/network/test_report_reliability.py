"""Report jobs survive what the audit did to them (issue 9: F2, F3, F13, F17).

F2: a job whose attempt died is taken over when its lease ends, and fails with a German
reason after too many lost attempts or past the hard time limit ("Erneut versuchen" then
works). F3: with the broker down a request succeeds, the job waits and the sweeper sends
it once the broker is back; the quarterly job orphans nothing. F13: a double submit makes
one report. F17: the status says what to expect. The PDF builder is replaced; the real
worker is in test_worker.py.
"""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from knn_portal.celery import app as celery_app
from network.models import Report
from network.services import reports as services
from network.tasks import build_report, request_quarterly_reports
from tests.network import test_tasks

pytestmark = pytest.mark.django_db

builder, eager, media = test_tasks.builder, test_tasks.eager, test_tasks.media
new_report = test_tasks.new_report


def u(name, *args):
    return reverse(f"network:{name}", args=["knn", *args])


@pytest.fixture
def broker_down():
    """A real broker address nothing listens on: every send fails as in an outage."""
    conf = celery_app.conf
    before = (conf.broker_url, conf.broker_write_url, conf.task_always_eager)
    nowhere = "redis://127.0.0.1:1/0"
    conf.broker_url, conf.broker_write_url, conf.task_always_eager = nowhere, nowhere, False
    celery_app._pool, celery_app.amqp._producer_pool = None, None
    yield
    conf.broker_url, conf.broker_write_url, conf.task_always_eager = before
    celery_app._pool, celery_app.amqp._producer_pool = None, None


def later(seconds):
    return timezone.now() + timedelta(seconds=seconds)


class TestLease:
    def test_a_live_lease_keeps_the_job_and_an_ended_one_lets_it_go(self, actors, settings):
        report = new_report(actors)
        assert report.claim() == 1
        almost = later(settings.REPORT_LEASE_SECONDS - 1)
        assert Report.objects.get(pk=report.pk).claim(now=almost) is None
        # The old rule waited for the hard time limit (15 min); the lease is one minute.
        assert settings.REPORT_LEASE_SECONDS < settings.CELERY_TASK_TIME_LIMIT
        taken = Report.objects.get(pk=report.pk)
        assert taken.claim(now=later(settings.REPORT_LEASE_SECONDS + 1)) == 2
        assert (taken.status, taken.lost_attempts) == ("running", 1)

    def test_progress_and_heartbeat_renew_the_lease(self, actors, settings):
        report = new_report(actors)
        attempt = report.claim()
        Report.objects.filter(pk=report.pk).update(
            heartbeat_at=timezone.now() - timedelta(seconds=settings.REPORT_LEASE_SECONDS + 5)
        )
        assert report.beat(attempt)
        assert Report.objects.get(pk=report.pk).claim() is None
        Report.objects.filter(pk=report.pk).update(
            heartbeat_at=timezone.now() - timedelta(seconds=settings.REPORT_LEASE_SECONDS + 5)
        )
        assert report.set_progress(attempt, 30)
        assert Report.objects.get(pk=report.pk).claim() is None

    def test_a_redelivery_under_a_live_lease_is_asked_to_come_back(self, actors, builder):
        report = new_report(actors)
        report.claim()
        with pytest.raises(services.ReportBusy) as busy:
            services.report_build(report_id=report.pk)
        assert 55 <= busy.value.retry_in <= 62  # the lease's rest, plus a second
        assert builder.calls == []

    def test_after_too_many_lost_attempts_the_job_fails_in_german(self, actors, settings):
        settings.REPORT_MAX_ATTEMPTS = 3
        report = new_report(actors)
        step = settings.REPORT_LEASE_SECONDS + 1
        assert report.claim() == 1
        assert Report.objects.get(pk=report.pk).claim(now=later(step)) == 2
        assert Report.objects.get(pk=report.pk).claim(now=later(2 * step + 1)) == 3
        # The third attempt dies too: nobody tries a fourth time.
        final = Report.objects.get(pk=report.pk)
        assert final.claim(now=later(3 * step + 2)) is None
        final.refresh_from_db()
        assert final.status == "failed"
        assert "3-mal unterbrochen" in final.error and "Arbeitsspeicher" in final.error
        # "Erneut versuchen" starts afresh.
        assert services.report_retry(report=final)
        final.refresh_from_db()
        assert (final.status, final.lost_attempts) == ("pending", 0)
        assert final.claim(now=later(3 * step + 3)) == 4


class TestSweeper:
    def test_a_job_killed_at_the_hard_time_limit_fails_with_a_reason(self, actors, settings):
        report = new_report(actors)
        report.claim()
        # Celery killed the child at the hard limit and acknowledged the message: no
        # redelivery will come. The lease has ended long since.
        started = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 30)
        Report.objects.filter(pk=report.pk).update(started_at=started, heartbeat_at=started)
        counts = services.reports_sweep()
        report.refresh_from_db()
        assert counts["failed"] == 1
        assert report.status == "failed"
        assert "länger als 15 Minuten" in report.error
        assert report.retry()

    def test_a_dead_attempt_goes_back_to_waiting_and_is_sent_again(
        self, actors, settings, builder, eager, django_capture_on_commit_callbacks
    ):
        report = new_report(actors)
        report.claim()
        old = timezone.now() - timedelta(seconds=settings.REPORT_LEASE_SECONDS + 5)
        Report.objects.filter(pk=report.pk).update(heartbeat_at=old, requested_at=old)
        counts = services.reports_sweep()
        report.refresh_from_db()
        # Released, then sent (in-process here): built by the second attempt.
        assert counts == {"released": 1, "failed": 0, "sent": 1}
        assert (report.status, report.attempts, report.lost_attempts) == ("done", 2, 1)
        assert builder.calls == [report.pk]

    def test_a_live_job_and_a_fresh_request_are_left_alone(self, actors, builder):
        running = new_report(actors)
        running.claim()
        waiting = new_report(actors, kind=Report.Kind.ANNUAL, membership=None)
        assert services.reports_sweep() == {"released": 0, "failed": 0, "sent": 0}
        assert Report.objects.get(pk=running.pk).status == "running"
        assert Report.objects.get(pk=waiting.pk).status == "pending"
        assert builder.calls == []

    def test_beat_runs_the_sweeper_every_minute(self, settings):
        entry = celery_app.conf.beat_schedule["sweep-reports"]
        assert entry["task"] == "network.tasks.sweep_reports"
        assert entry["schedule"] == settings.REPORT_SWEEP_SECONDS == 60


class TestBrokerOutage:
    def test_request_succeeds_waits_and_is_sent_after_recovery(
        self, actors, builder, broker_down, django_capture_on_commit_callbacks
    ):
        client = actors.client(actors.moderator)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                u("report_request"), {"kind": "annual", "year": 2026}, follow=True
            )
        assert response.status_code == 200  # was a 500 after the row was committed
        text = response.content.decode()
        assert "Hintergrunddienst ist gerade nicht erreichbar" in text
        assert "wird automatisch erstellt" in text
        report = Report.objects.get()
        assert (report.status, report.sent_at) == ("pending", None)
        # Still down: the sweeper tries and keeps it waiting.
        Report.objects.filter(pk=report.pk).update(requested_at=later(-60))
        assert services.reports_sweep()["sent"] == 0
        assert Report.objects.get(pk=report.pk).sent_at is None

    def test_after_recovery_the_sweeper_sends_what_waited(
        self, actors, builder, eager, broker_down
    ):
        report = new_report(actors)
        services.report_send(report_id=report.pk)
        assert Report.objects.get(pk=report.pk).sent_at is None
        Report.objects.filter(pk=report.pk).update(requested_at=later(-60))
        celery_app.conf.task_always_eager = True  # the broker is back (in-process here)
        assert services.reports_sweep()["sent"] == 1
        report.refresh_from_db()
        assert report.status == "done" and report.sent_at is not None
        assert builder.calls == [report.pk]

    def test_quarterly_job_orphans_nothing_and_counts_only_what_was_sent(
        self, actors, builder, broker_down, django_capture_on_commit_callbacks
    ):
        actors.network.quarterly_reports = True
        actors.network.save()
        with django_capture_on_commit_callbacks(execute=True):
            created = services.reports_request_quarterly(today=date(2026, 10, 2))
        # Every member got its report (the old code stopped at the first, which stayed
        # pending for good), none of them sent.
        assert {r.membership_id for r in created} == {actors.luenen.pk, actors.herten.pk}
        assert set(Report.objects.values_list("status", "sent_at")) == {("pending", None)}
        assert services.reports_request_quarterly(today=date(2026, 10, 3)) == []
        with django_capture_on_commit_callbacks(execute=True):
            assert request_quarterly_reports.run() == 0


class TestDoubleSubmit:
    def test_a_second_request_of_the_same_report_finds_the_first(self, actors):
        client = actors.client(actors.coordinator)
        data = {"kind": "municipality", "membership": actors.luenen.pk, "year": 2026}
        first = client.post(u("report_request"), data)
        second = client.post(u("report_request"), data, follow=True)
        report = Report.objects.get()  # one numbered report, not two
        assert first["Location"] == u("report_detail", report.pk)
        assert second.redirect_chain[-1][0] == u("report_detail", report.pk)
        assert "ein zweiter wurde nicht angelegt" in second.content.decode()

    def test_the_database_refuses_a_second_open_job_for_the_same_scope(self, actors):
        from django.db import IntegrityError, transaction

        report = new_report(actors)
        duplicate = Report(
            network=report.network,
            membership=report.membership,
            kind=report.kind,
            period_start=report.period_start,
            period_end=report.period_end,
            year=report.year,
            number=report.number + 1,
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            duplicate.save()
        # Once the first is finished, the same report may be made again (a new snapshot).
        report.fail(report.claim(), "kaputt")
        again, created = services.report_request(
            network=report.network,
            kind=report.kind,
            membership=report.membership,
            period=services.Period(report.period_start, report.period_end),
        )
        assert created and again.number == report.number + 1

    def test_retrying_a_failed_job_while_the_same_is_open_is_refused_in_german(self, actors):
        report = new_report(actors)
        report.fail(report.claim(), "kaputt")
        new_report(actors)  # requested anew meanwhile
        response = actors.client(actors.coordinator).post(u("report_retry", report.pk), follow=True)
        assert "wird schon erstellt" in response.content.decode()
        assert Report.objects.get(pk=report.pk).status == "failed"

    def test_an_annual_report_is_requested_once_too(self, actors):
        client = actors.client(actors.moderator)
        for _ in range(2):
            client.post(u("report_request"), {"kind": "annual", "year": 2026})
        assert Report.objects.filter(kind="annual").count() == 1


class TestWhatToExpect:
    def test_waiting_and_running_say_how_long_it_may_take(self, actors):
        report = new_report(actors)
        Report.objects.filter(pk=report.pk).update(sent_at=timezone.now())  # handed over
        client = actors.client(actors.coordinator)
        text = client.get(u("report_status", report.pk)).content.decode()
        assert "Meist beginnt die Erstellung innerhalb einer Minute" in text
        report.claim()
        text = client.get(u("report_status", report.pk)).content.decode()
        assert "nach spätestens 2 Minuten neu gestartet" in text

    def test_an_in_process_build_that_died_ends_failed_with_retry(self, actors, eager):
        report = new_report(actors)
        report.claim()
        Report.objects.filter(pk=report.pk).update(heartbeat_at=later(-3600))
        text = actors.client(actors.coordinator).get(u("report_status", report.pk))
        text = text.content.decode()
        assert "Die Erstellung wurde unterbrochen" in text and "Erneut versuchen" in text
        assert Report.objects.get(pk=report.pk).status == "failed"

    def test_time_limits_fit_the_visibility_timeout(self, settings):
        # Default visibility timeout 20 min: above the 15 min hard limit, and a worker
        # killed as a whole loses its other messages for 20 min, not an hour.
        assert settings.CELERY_VISIBILITY_TIMEOUT == 1200
        assert (
            settings.CELERY_TASK_SOFT_TIME_LIMIT
            < settings.CELERY_TASK_TIME_LIMIT
            < settings.CELERY_VISIBILITY_TIMEOUT
        )

    def test_the_task_returns_skipped_in_process_when_busy(self, actors, builder):
        report = new_report(actors)
        report.claim()
        assert build_report.apply(args=[report.pk]).get() == "skipped"
        assert builder.calls == []
