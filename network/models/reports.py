"""Reports: frozen PDF snapshots, built in the background."""

from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .people import Membership, Network


def report_path(instance, filename):
    return f"reports/{instance.network_id}/{instance.year}/{instance.pk}-{filename}"


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
    attempts = models.PositiveSmallIntegerField(default=0)
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
    finished_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to=report_path, blank=True)
    # The key figures the report showed, {"members": {membership id: {key: value}},
    # "labels": {key: [label, unit]}}: the next report of the same kind compares with it.
    figures = models.JSONField(_("Kennzahlen"), default=dict, blank=True)

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
    # A running job may be taken over only when its claim is older than the hard time
    # limit: by then the worker that held it has been killed (time limit) or lost, and
    # the broker redelivers only after the visibility timeout, which is longer still.

    def _owned(self, attempt: int):
        return type(self).objects.filter(pk=self.pk, status=self.Status.RUNNING, attempts=attempt)

    def claim(self, now=None) -> int | None:
        """Take the job; the attempt number that owns it, or None if it is not ours to run."""
        now = now or timezone.now()
        stale_before = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
        claimable = Q(status=self.Status.PENDING) | Q(
            status=self.Status.RUNNING, started_at__lt=stale_before
        )
        updated = (
            type(self)
            .objects.filter(claimable, pk=self.pk)
            .update(
                status=self.Status.RUNNING,
                attempts=models.F("attempts") + 1,
                started_at=now,
                progress=0,
                error="",
            )
        )
        if not updated:
            return None
        self.refresh_from_db(fields=["status", "attempts", "started_at", "progress", "error"])
        return self.attempts

    def set_progress(self, attempt: int, percent: int) -> bool:
        percent = max(0, min(100, int(percent)))
        self.progress = percent
        return bool(self._owned(attempt).update(progress=percent))

    def store(self, attempt: int, pdf: bytes, figures: dict) -> bool:
        """Keep the finished PDF and mark the job done (only by the attempt that owns it)."""
        name = default_storage.save(
            report_path(self, f"{self.kind}-{self.reference}.pdf"), ContentFile(pdf)
        )
        now = timezone.now()
        updated = self._owned(attempt).update(
            status=self.Status.DONE, progress=100, file=name, figures=figures, finished_at=now
        )
        if not updated:
            # Somebody else owns the job now: our copy is not the record.
            default_storage.delete(name)
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
        """A failed job goes back to the queue; done jobs never change."""
        updated = (
            type(self)
            .objects.filter(pk=self.pk, status=self.Status.FAILED)
            .update(status=self.Status.PENDING, progress=0, error="", finished_at=None)
        )
        if updated:
            self.refresh_from_db()
        return bool(updated)
