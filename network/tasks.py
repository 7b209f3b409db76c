"""Celery tasks. Thin: they take ids and call a service; the retry policy lives here."""

import logging

from celery import shared_task
from django.conf import settings

from network import overview
from network.models import Report
from network.notifications import digest, outbox
from network.services import reports as report_services

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=report_services.TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=settings.CELERY_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.CELERY_TASK_TIME_LIMIT,
)
def build_report(self, report_id: int) -> str:
    """Build report `report_id` exactly once (see Report.claim for the rule)."""
    try:
        return report_services.report_build(
            report_id=report_id,
            final_try=self.request.retries >= self.max_retries,
            in_worker=not self.request.is_eager,
        )
    except report_services.ReportBusy as busy:
        if self.request.is_eager:
            return "skipped"  # in-process: the build that holds it is this process's own
        # Redelivered while the job still holds a live lease (its worker's child was just
        # killed): come back when the lease has run out and take it over then. Not a
        # failure, so it does not use up the retries for passing errors.
        raise self.retry(countdown=busy.retry_in, max_retries=self.request.retries + 1) from None


@shared_task
def request_quarterly_reports() -> int:
    """Beat: the quarterly progress reports of the networks that chose them. Counts the
    reports handed to the broker; the others wait for the sweeper."""
    created = report_services.reports_request_quarterly()
    return Report.objects.filter(pk__in=[r.pk for r in created], sent_at__isnull=False).count()


@shared_task
def sweep_reports() -> dict:
    """Beat, every minute: re-send waiting jobs the broker lost or never got, take over or
    fail jobs whose process died (network.services.reports.reports_sweep)."""
    return report_services.reports_sweep()


@shared_task(ignore_result=True)
def refresh_overview(network_id: int, stamp: str | None, **shown) -> bool:
    """After a change: compute the moderator dashboard's overview before a visitor asks, or
    (stamp None, `shown`: sort, descending, language) when a visitor was served the previous
    figures meanwhile (network.freshness.NetworkCache)."""
    return overview.overview_refresh(network_id=network_id, stamp=stamp, **shown)


def refresh_overview_soon(sender, network_id, stamp, **kwargs):
    """Receiver of network.freshness.data_changed (connected in NetworkConfig.ready).

    Waits a moment, so a burst of changes (thirty scores saved at once) is computed once:
    every task but the one of the newest change finds a newer stamp and stops. Changes of
    every network at once (a municipality renamed) are left to the next visitors.
    """
    if not settings.OVERVIEW_REFRESH or network_id is None:
        return
    try:
        refresh_overview.apply_async(
            (network_id, stamp), countdown=settings.OVERVIEW_REFRESH_DELAY, retry=False
        )
    except Exception:  # noqa: BLE001 - broker unreachable: the next visitor computes it
        logger.warning("overview refresh of network %s not sent", network_id, exc_info=True)


# --- notifications (network.notifications) ---------------------------------------------------


@shared_task(acks_late=True, ignore_result=True)
def send_outbox_mail(mail_id: int) -> str:
    """Send one outbox row (claimed first: never by two workers at once)."""
    return outbox.outbox_send(mail_id=mail_id)


@shared_task(ignore_result=True)
def sweep_outbox() -> dict:
    """Beat, every minute: mails the broker never got, waiting after a refusal, or whose
    sender died."""
    return outbox.outbox_sweep()


@shared_task(ignore_result=True)
def send_digests(period: str) -> int:
    return digest.digests_send(period=period)


@shared_task(ignore_result=True)
def send_reminders() -> int:
    return digest.reminders_send()


@shared_task(ignore_result=True)
def send_overdue_overview() -> int:
    return digest.overdue_digest_send()


# --- key figures over time (network.timeseries) ---------------------------------------------


@shared_task(ignore_result=True)
def snapshot_figures() -> int:
    """Beat, daily: snapshot the key figures of the quarter that ended last, for the
    networks that have none of it yet (a missed quarter end is caught up the next day)."""
    from network import timeseries

    return timeseries.snapshots_take_due()
