"""Requesting, building and scheduling reports."""

import logging
import os
import time
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import Membership, Network, Report
from network.progress import Period
from network.reports import build

logger = logging.getLogger(__name__)

# Errors that pass: the task gives the job back and retries it later.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError)

NUMBER_ATTEMPTS = 10


def _enqueue(report_id: int) -> None:
    from network.tasks import build_report

    build_report.delay(report_id)


def report_request(
    *,
    network: Network,
    kind: str,
    requested_by=None,
    membership: Membership | None = None,
    period: Period | None = None,
) -> Report:
    """Create the job with the next free number of its network and year, and send the task
    once the transaction commits. The number comes from the unique constraint: two requests
    racing for the same number make one of them retry with the next."""
    today = timezone.localdate()
    if period is None:
        period = (
            Period.year(today.year)
            if kind == Report.Kind.ANNUAL
            else Period(date(today.year, 1, 1), today)
        )
    year = period.end.year
    for _attempt in range(NUMBER_ATTEMPTS):
        highest = Report.objects.filter(network=network, year=year).aggregate(n=Max("number"))["n"]
        report = Report(
            network=network,
            membership=membership if kind == Report.Kind.MUNICIPALITY else None,
            kind=kind,
            period_start=period.start,
            period_end=period.end,
            year=year,
            number=(highest or 0) + 1,
            requested_by=requested_by,
        )
        # The number's uniqueness is the database's job (see the retry below).
        report.full_clean(exclude=["number"])
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            continue
        transaction.on_commit(partial(_enqueue, report.pk))
        return report
    raise IntegrityError("no free report number after several attempts")


def report_retry(*, report: Report) -> bool:
    """Send a failed job again; done jobs never change."""
    if not report.retry():
        return False
    transaction.on_commit(partial(_enqueue, report.pk))
    return True


def _wait_for_test_gate(attempt: int) -> None:
    """Test hook of the worker-kill test: with KNN_REPORT_TEST_GATE set (never in
    production) the build announces itself and waits until the test opens the gate."""
    gate = os.environ.get("KNN_REPORT_TEST_GATE")
    if not gate:
        return
    Path(f"{gate}.started-{attempt}").touch()
    deadline = time.monotonic() + 120
    while not Path(f"{gate}.open").exists() and time.monotonic() < deadline:
        time.sleep(0.1)


def report_build(*, report_id: int, final_try: bool = True) -> str:
    """Run one job: claim it, render outside any transaction, store the PDF, mark done.

    Returns what happened ("done", "failed", "skipped", "missing"). A passing error gives
    the job back (pending) and propagates so the task retries, unless this is the final try.
    """
    report = (
        Report.objects.select_related("network", "membership__municipality")
        .filter(pk=report_id)
        .first()
    )
    if report is None:
        return "missing"
    attempt = report.claim()
    if attempt is None:
        return "skipped"  # done, failed, or running elsewhere
    try:
        _wait_for_test_gate(attempt)
        pdf, figures = build.render_report(
            report, on_progress=lambda percent: report.set_progress(attempt, percent)
        )
    except TRANSIENT_ERRORS:
        if not final_try:
            report.release(attempt)
            raise
        report.fail(attempt, _("Die Datenbank war nicht erreichbar. Bitte erneut versuchen."))
        return "failed"
    except Exception as error:
        from celery.exceptions import SoftTimeLimitExceeded

        logger.exception("report %s failed", report_id)
        if isinstance(error, SoftTimeLimitExceeded):
            message = _("Die Erstellung hat zu lange gedauert und wurde abgebrochen.")
        else:
            message = _("Der Bericht konnte nicht erstellt werden (%(error)s).") % {
                "error": type(error).__name__
            }
        report.fail(attempt, message)
        return "failed"
    return "done" if report.store(attempt, pdf, figures) else "skipped"


def quarter_before(today: date) -> Period:
    """The calendar quarter that ended before the quarter `today` lies in."""
    first_of_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_quarter - timedelta(days=1)
    start = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return Period(start, end)


def reports_request_quarterly(*, today: date | None = None) -> list[Report]:
    """For networks that chose quarterly reports: one progress report per active member for
    the last quarter. Idempotent: a member that already has one for the quarter is skipped."""
    period = quarter_before(today or timezone.localdate())
    created = []
    for network in Network.objects.filter(quarterly_reports=True):
        have = set(
            Report.objects.filter(
                network=network,
                kind=Report.Kind.MUNICIPALITY,
                period_start=period.start,
                period_end=period.end,
            ).values_list("membership_id", flat=True)
        )
        for membership in Membership.objects.filter(network=network).active(period.end):
            if membership.pk in have:
                continue
            with transaction.atomic():
                created.append(
                    report_request(
                        network=network,
                        kind=Report.Kind.MUNICIPALITY,
                        membership=membership,
                        period=period,
                    )
                )
    return created
