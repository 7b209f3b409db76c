"""Celery tasks. Thin: they take ids and call a service; the retry policy lives here."""

import logging

from celery import shared_task
from django.conf import settings

from network import overview
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
    return report_services.report_build(
        report_id=report_id, final_try=self.request.retries >= self.max_retries
    )


@shared_task
def request_quarterly_reports() -> int:
    """Beat: the quarterly progress reports of the networks that chose them."""
    return len(report_services.reports_request_quarterly())


@shared_task(ignore_result=True)
def refresh_overview(network_id: int, stamp: str) -> bool:
    """After a change: compute the moderator dashboard's overview before a visitor asks."""
    return overview.overview_refresh(network_id=network_id, stamp=stamp)


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
