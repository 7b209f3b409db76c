"""Reports: frozen PDF snapshots, built in the background."""

from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from .people import Membership, Network

INTRO_MAX_LENGTH = 3000  # about one page


def report_path(instance, filename):
    return f"reports/{instance.network_id}/{instance.year}/{instance.pk}-{filename}"


class ReportQuerySet(models.QuerySet):
    def open(self):
        """Jobs still to be built: waiting or being built."""
        return self.filter(status__in=[Report.Status.PENDING, Report.Status.RUNNING])

    def abandoned(self, now=None):
        """Running jobs whose attempt stopped renewing its lease: its process died."""
        return self.filter(_abandoned(now or timezone.now()))

    def unsent(self, now=None):
        """Waiting jobs no worker will pick up by itself: never handed to the broker (it was
        down), or handed over so long ago that the message must be lost."""
        now = now or timezone.now()
        return self.filter(status=Report.Status.PENDING).filter(
            # The request's own send runs right after its commit; give it that moment.
            Q(sent_at__isnull=True, requested_at__lt=now - timedelta(seconds=30))
            | Q(sent_at__lt=now - timedelta(minutes=settings.REPORT_RESEND_MINUTES))
        )


def _abandoned(now) -> Q:
    lease_ended = now - timedelta(seconds=settings.REPORT_LEASE_SECONDS)
    return Q(status=Report.Status.RUNNING, heartbeat_at__lt=lease_ended)


class Report(models.Model):
    """A municipality progress report or a network annual report for a period.

    Once done it never changes: the PDF is the record handed to a council.
    """

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Fortschrittsbericht")
        ANNUAL = "annual", _("Erfolgsbilanz")

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        RUNNING = "running", _("wird erstellt")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="reports", verbose_name=_("Netzwerk")
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("Kommune"),
    )
    kind = models.CharField(_("Art"), max_length=12, choices=Kind.choices)
    period_start = models.DateField(_("Zeitraum von"))
    period_end = models.DateField(_("Zeitraum bis"))
    year = models.PositiveIntegerField(_("Jahr"))
    number = models.PositiveIntegerField(_("Nummer"))
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0)
    error = models.TextField(_("Fehler"), blank=True)
    # Every claim counts up (the number is the claim's ownership token, never reused);
    # lost_attempts counts the claims whose process died, for the limit on tries.
    attempts = models.PositiveSmallIntegerField(default=0)
    lost_attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Angefordert von"),
    )
    requested_at = models.DateTimeField(_("Angefordert am"), default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # The running attempt's last sign of life; its lease ends REPORT_LEASE_SECONDS later.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # When the job was handed to the broker; empty while it could not be (broker down).
    sent_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to=report_path, blank=True)
    # The accessible HTML version (BITV: an alternative to the PDF), made from the same
    # context in the same build, so both show the same numbers.
    html_file = models.FileField(upload_to=report_path, blank=True)
    # What the coordinator (progress report) or the moderator (annual report) writes for the
    # first page, in Markdown; rendered sanitised (network.markdown) and frozen with the PDF.
    intro = models.TextField(
        _("Text für die erste Seite"),
        blank=True,
        max_length=INTRO_MAX_LENGTH,
        help_text=_(
            "Ihre Einordnung für den Rat, z. B. was gut lief und was als Nächstes ansteht. "
            "Absätze mit einer Leerzeile, **fett**, Listen mit „- “ am Zeilenanfang."
        ),
    )
    # The key figures the report showed, {"members": {membership id: {key: value}},
    # "labels": {key: [label, unit]}}: the next report of the same kind compares with it.
    figures = models.JSONField(_("Kennzahlen"), default=dict, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("Bericht")
        verbose_name_plural = _("Berichte")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "year", "number"], name="report_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(kind="annual", membership__isnull=True)
                | Q(kind="municipality", membership__isnull=False),
                name="report_membership_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="report_period_ordered",
            ),
            # A double click on "Bericht anfordern" must not make two numbered reports:
            # one open job per kind, member and period (annual reports: membership 0).
            models.UniqueConstraint(
                F("network"),
                F("kind"),
                Coalesce(F("membership"), Value(0)),
                F("period_start"),
                F("period_end"),
                condition=Q(status__in=["pending", "running"]),
                name="report_one_open_job_per_scope",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.year}/{self.number}"

    @property
    def reference(self) -> str:
        return f"{self.year}-{self.number:03d}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    # --- life cycle -------------------------------------------------------------------------
    #
    # Exactly once: a job is claimed with one conditional UPDATE that also counts the
    # attempt. Whoever holds the current attempt number owns the job; progress, store()
    # and fail() are conditional on (status running, attempts == that number), so a worker
    # that lost its claim can never overwrite the work of the one that took over.
    #
    # The running attempt renews a lease (heartbeat_at) while it works. When its process
    # dies (the OOM killer takes a WeasyPrint child, a worker is killed), the lease runs
    # out within REPORT_LEASE_SECONDS; then the next delivery of the task, or the sweeper,
    # takes the job over. After REPORT_MAX_ATTEMPTS lost attempts the job fails with a
    # German reason instead of being tried for ever, and "Erneut versuchen" starts afresh.

    def _owned(self, attempt: int):
        return type(self).objects.filter(pk=self.pk, status=self.Status.RUNNING, attempts=attempt)

    def claim(self, now=None) -> int | None:
        """Take the job; the attempt number that owns it, or None if it is not ours to run
        (done, failed, or running under a live lease elsewhere)."""
        now = now or timezone.now()
        abandoned = _abandoned(now)
        may_take_over = abandoned & Q(lost_attempts__lt=settings.REPORT_MAX_ATTEMPTS - 1)
        updated = (
            type(self)
            .objects.filter(Q(status=self.Status.PENDING) | may_take_over, pk=self.pk)
            .update(
                # Evaluated against the row as it was: a running job's attempt was lost.
                lost_attempts=Case(
                    When(status=self.Status.RUNNING, then=F("lost_attempts") + 1),
                    default=F("lost_attempts"),
                    output_field=models.PositiveSmallIntegerField(),
                ),
                status=self.Status.RUNNING,
                attempts=F("attempts") + 1,
                started_at=now,
                heartbeat_at=now,
                progress=0,
                error="",
            )
        )
        if not updated:
            self.give_up_if_lost(now)
            return None
        self.refresh_from_db(
            fields=["status", "attempts", "lost_attempts", "started_at", "heartbeat_at"]
            + ["progress", "error"]
        )
        return self.attempts

    def give_up_if_lost(self, now=None, *, nobody_takes_over: bool = False) -> bool:
        """Fail a running job whose process died, when it must not be tried again: it died
        too often, it ran past the hard time limit (Celery killed it), or — with
        `nobody_takes_over`, in-process builds — no worker will ever pick it up."""
        now = now or timezone.now()
        minutes = settings.CELERY_TASK_TIME_LIMIT // 60
        reasons = [
            (
                Q(started_at__lt=now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)),
                gettext(
                    "Die Erstellung hat länger als %(minutes)s Minuten gedauert und wurde "
                    "abgebrochen. Bitte versuchen Sie es erneut."
                )
                % {"minutes": minutes},
            ),
            (
                Q(lost_attempts__gte=settings.REPORT_MAX_ATTEMPTS - 1),
                ngettext(
                    "Die Erstellung wurde %(n)s-mal unterbrochen, weil der Hintergrundprozess "
                    "beendet wurde (zum Beispiel wegen zu wenig Arbeitsspeicher). Bitte "
                    "versuchen Sie es später erneut.",
                    "Die Erstellung wurde %(n)s-mal unterbrochen, weil der Hintergrundprozess "
                    "beendet wurde (zum Beispiel wegen zu wenig Arbeitsspeicher). Bitte "
                    "versuchen Sie es später erneut.",
                    settings.REPORT_MAX_ATTEMPTS,
                )
                % {"n": settings.REPORT_MAX_ATTEMPTS},
            ),
        ]
        if nobody_takes_over:
            reasons.append(
                (
                    Q(),
                    gettext("Die Erstellung wurde unterbrochen. Bitte versuchen Sie es erneut."),
                )
            )
        lost = type(self).objects.filter(_abandoned(now), pk=self.pk)
        for condition, error in reasons:
            if lost.filter(condition).update(
                status=self.Status.FAILED, error=error, finished_at=now
            ):
                self.refresh_from_db(fields=["status", "error", "finished_at"])
                return True
        return False

    def release_lost(self, now=None) -> bool:
        """Put a running job whose process died back to waiting (the sweeper then sends it
        again), unless it must fail instead (see give_up_if_lost)."""
        now = now or timezone.now()
        if self.give_up_if_lost(now):
            return False
        return bool(
            type(self)
            .objects.filter(_abandoned(now), pk=self.pk)
            .update(
                status=self.Status.PENDING,
                progress=0,
                sent_at=None,
                lost_attempts=F("lost_attempts") + 1,
            )
        )

    def lease_remaining(self, now=None) -> float:
        """Seconds until the running attempt's lease ends (0 when it has ended)."""
        if self.status != self.Status.RUNNING or self.heartbeat_at is None:
            return 0.0
        ends = self.heartbeat_at + timedelta(seconds=settings.REPORT_LEASE_SECONDS)
        return max(0.0, (ends - (now or timezone.now())).total_seconds())

    def beat(self, attempt: int) -> bool:
        """The running attempt is alive: renew its lease."""
        return bool(self._owned(attempt).update(heartbeat_at=timezone.now()))

    def set_progress(self, attempt: int, percent: int) -> bool:
        percent = max(0, min(100, int(percent)))
        self.progress = percent
        return bool(self._owned(attempt).update(progress=percent, heartbeat_at=timezone.now()))

    def store(self, attempt: int, pdf: bytes, figures: dict, html: str = "") -> bool:
        """Keep the finished PDF (and its HTML version) and mark the job done (only by the
        attempt that owns it)."""
        name = default_storage.save(
            report_path(self, f"{self.kind}-{self.reference}.pdf"), ContentFile(pdf)
        )
        html_name = (
            default_storage.save(
                report_path(self, f"{self.kind}-{self.reference}.html"),
                ContentFile(html.encode()),
            )
            if html
            else ""
        )
        now = timezone.now()
        updated = self._owned(attempt).update(
            status=self.Status.DONE,
            progress=100,
            file=name,
            html_file=html_name,
            figures=figures,
            finished_at=now,
        )
        if not updated:
            # Somebody else owns the job now: our copy is not the record.
            default_storage.delete(name)
            if html_name:
                default_storage.delete(html_name)
            return False
        self.refresh_from_db()
        return True

    def fail(self, attempt: int, error: str) -> bool:
        updated = self._owned(attempt).update(
            status=self.Status.FAILED, error=error, finished_at=timezone.now()
        )
        if updated:
            self.refresh_from_db()
        return bool(updated)

    def release(self, attempt: int) -> bool:
        """Give the job back (a passing error; the task retries it later)."""
        return bool(self._owned(attempt).update(status=self.Status.PENDING, progress=0))

    def retry(self) -> bool:
        """A failed job goes back to the queue, with its tries counted afresh; done jobs
        never change."""
        updated = (
            type(self)
            .objects.filter(pk=self.pk, status=self.Status.FAILED)
            .update(
                status=self.Status.PENDING,
                progress=0,
                error="",
                finished_at=None,
                lost_attempts=0,
                sent_at=None,
            )
        )
        if updated:
            self.refresh_from_db()
        return bool(updated)
