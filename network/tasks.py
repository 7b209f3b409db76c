"""Celery tasks. Thin: they take ids and call a service; the retry policy lives here."""

from celery import shared_task
from django.conf import settings

from network.services import reports as report_services


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
