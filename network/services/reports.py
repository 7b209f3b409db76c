"""Requesting, building and scheduling reports."""

import logging
import os
import threading
import time
from contextlib import contextmanager
from datetime import date, timedelta
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import Membership, Network, Report
from network.notifications import Kind, notify
from network.progress import Period
from network.reports import build

logger = logging.getLogger(__name__)

# Errors that pass: the task gives the job back and retries it later.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError)

NUMBER_ATTEMPTS = 10


class ReportBusy(Exception):
    """The job runs elsewhere under a live lease; ask again in `retry_in` seconds (by
    then it is finished, or its lease has run out and the job can be taken over)."""

    def __init__(self, retry_in: float):
        super().__init__(f"running elsewhere, retry in {retry_in:.0f} s")
        self.retry_in = retry_in


def builds_in_process() -> bool:
    """True without a broker (the embedded default): tasks run at once in this process."""
    from network.tasks import build_report

    return bool(build_report.app.conf.task_always_eager)


def report_send(*, report_id: int) -> bool:
    """Hand the job to the broker. False when the broker cannot be reached: the job stays
    waiting with no `sent_at`, and the sweeper sends it once the broker is back. Never
    raises, so a broker outage neither breaks the request nor loses the job."""
    from network.tasks import build_report

    Report.objects.filter(pk=report_id).update(sent_at=timezone.now())
    try:
        build_report.apply_async((report_id,))
    except Exception:  # noqa: BLE001 - kombu's errors vary by transport; all mean "not sent"
        logger.warning("report %s could not be sent to the broker", report_id, exc_info=True)
        Report.objects.filter(pk=report_id, status=Report.Status.PENDING).update(sent_at=None)
        return False
    return True


def _same_open_job(report: Report) -> Report | None:
    return (
        Report.objects.open()
        .filter(
            network_id=report.network_id,
            kind=report.kind,
            membership_id=report.membership_id,
            period_start=report.period_start,
            period_end=report.period_end,
        )
        .first()
    )


def report_request(
    *,
    network: Network,
    kind: str,
    requested_by=None,
    membership: Membership | None = None,
    period: Period | None = None,
    intro: str = "",
    send: bool = True,
) -> tuple[Report, bool]:
    """The job for this report, and whether it is new.

    A new job gets the next free number of its network and year, and its task is sent
    once the transaction commits. The same report asked for again while it is still
    waiting or being built (a double click) answers with that job: the database's
    one-open-job constraint decides races. The number comes from the unique constraint
    too: two requests racing for the same number make one of them retry with the next.
    `send=False`: the caller builds the job itself (the demo, with report_build)."""
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
            intro=intro,
        )
        existing = _same_open_job(report)
        if existing is not None:
            return existing, False
        # The number's uniqueness is the database's job (see the retry below).
        try:
            report.full_clean(exclude=["number"])
        except ValidationError:
            existing = _same_open_job(report)  # requested by someone else just now
            if existing is not None:
                return existing, False
            raise
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            continue
        if send:
            transaction.on_commit(partial(report_send, report_id=report.pk))
        return report, True
    raise IntegrityError("no free report number after several attempts")


def report_retry(*, report: Report) -> bool:
    """Send a failed job again; done jobs never change. False as well when the same report
    was requested anew meanwhile and is waiting or being built."""
    try:
        with transaction.atomic():
            retried = report.retry()
    except IntegrityError:
        return False
    if not retried:
        return False
    transaction.on_commit(partial(report_send, report_id=report.pk))
    return True


def reports_sweep(*, now=None) -> dict[str, int]:
    """Beat, every minute: nothing stays waiting or "wird erstellt" for ever.

    A running job whose process died (its lease ran out) goes back to waiting and is sent
    again, or fails with a German reason when it ran past the time limit or died too
    often. A waiting job the broker never got (it was down) or got long ago without any
    worker taking it is sent again; a duplicate delivery only finds the job taken.
    """
    now = now or timezone.now()
    counts = {"released": 0, "failed": 0, "sent": 0}
    for report in Report.objects.abandoned(now):
        if report.release_lost(now):
            counts["released"] += 1
        elif report.status == Report.Status.FAILED:
            counts["failed"] += 1
            report_tell(report=report)
    for report_id in Report.objects.unsent(now).values_list("pk", flat=True):
        counts["sent"] += report_send(report_id=report_id)
    return counts


def report_tell(*, report: Report) -> None:
    """The person who asked for the report hears that it is ready or failed."""
    if report.requested_by_id is None or not report.is_finished:
        return
    path = reverse("network:report_detail", args=[report.network.slug, report.pk])
    whose = report.membership.municipality.name if report.membership_id else ""

    def title():
        name = f"{report.get_kind_display()} {report.reference}" + (f" – {whose}" if whose else "")
        if report.status == Report.Status.DONE:
            return _("Ihr Bericht ist fertig: %(name)s") % {"name": name}
        return _("Ihr Bericht konnte nicht erstellt werden: %(name)s") % {"name": name}

    notify(
        Kind.REPORT,
        network=report.network,
        recipients=[report.requested_by_id],
        title=title,
        body=lambda: report.error if report.status == Report.Status.FAILED else "",
        url=path,
        membership=report.membership,
    )


def _wait_for_test_gate(attempt: int) -> None:
    """Test hook of the worker-kill tests: with KNN_REPORT_TEST_GATE set (never in
    production) the build announces itself with its process id and waits until the test
    opens the gate."""
    gate = os.environ.get("KNN_REPORT_TEST_GATE")
    if not gate:
        return
    Path(f"{gate}.started-{attempt}").write_text(str(os.getpid()))
    deadline = time.monotonic() + 120
    while not Path(f"{gate}.open").exists() and time.monotonic() < deadline:
        time.sleep(0.1)


@contextmanager
def _lease_renewed(report: Report, attempt: int, *, in_thread: bool):
    """Renew the attempt's lease while the block runs. In a worker a thread does it every
    quarter lease, so a long WeasyPrint step between two progress updates is not taken
    for a dead process. In-process (eager) builds rely on the progress updates, which
    renew it too: a thread of their own would need a database connection of its own."""
    if not in_thread:
        yield
        return
    stop = threading.Event()
    interval = max(1.0, settings.REPORT_LEASE_SECONDS / 4)

    def renew():
        try:
            while not stop.wait(interval):
                try:
                    report.beat(attempt)
                except DatabaseError:
                    logger.warning("lease of report %s not renewed", report.pk, exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=renew, name=f"report-{report.pk}-lease", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 5)


def report_build(*, report_id: int, final_try: bool = True, in_worker: bool = False) -> str:
    """Run one job: claim it, render outside any transaction, store the PDF, mark done.

    Returns what happened ("done", "failed", "skipped", "missing"). Raises ReportBusy when
    the job runs elsewhere under a live lease (a redelivery right after its worker's child
    was killed: the lease of the dead attempt has not run out yet). A passing error gives
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
        report.refresh_from_db(fields=["status", "heartbeat_at"])
        if report.status == Report.Status.RUNNING:
            raise ReportBusy(report.lease_remaining() + 1)
        return "skipped"  # done or failed
    try:
        with _lease_renewed(report, attempt, in_thread=in_worker):
            _wait_for_test_gate(attempt)
            built = build.render_report(
                report, on_progress=lambda percent: report.set_progress(attempt, percent)
            )
    except TRANSIENT_ERRORS:
        if not final_try:
            report.release(attempt)
            raise
        if report.fail(attempt, _("Die Datenbank war nicht erreichbar. Bitte erneut versuchen.")):
            report_tell(report=report)
        return "failed"
    except Exception as error:
        from celery.exceptions import SoftTimeLimitExceeded

        logger.exception("report %s failed", report_id)
        if isinstance(error, SoftTimeLimitExceeded):
            message = _(
                "Die Erstellung hat länger als %(minutes)s Minuten gedauert und wurde "
                "abgebrochen. Bitte versuchen Sie es erneut."
            ) % {"minutes": settings.CELERY_TASK_SOFT_TIME_LIMIT // 60}
        else:
            message = _("Der Bericht konnte nicht erstellt werden (%(error)s).") % {
                "error": type(error).__name__
            }
        if report.fail(attempt, message):
            report_tell(report=report)
        return "failed"
    if not report.store(attempt, built.pdf, built.figures, built.html):
        return "skipped"
    report_tell(report=report)
    return "done"


def quarter_before(today: date) -> Period:
    """The calendar quarter that ended before the quarter `today` lies in."""
    first_of_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    end = first_of_quarter - timedelta(days=1)
    start = date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return Period(start, end)


def reports_request_quarterly(*, today: date | None = None) -> list[Report]:
    """For networks that chose quarterly reports: one progress report per active member for
    the last quarter. Idempotent: a member that already has one for the quarter is skipped.
    A broker outage fails none of them: they wait, and the sweeper sends them later."""
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
                report, _new = report_request(
                    network=network,
                    kind=Report.Kind.MUNICIPALITY,
                    membership=membership,
                    period=period,
                )
            created.append(report)
    return created
