"""Reports: frozen PDF snapshots, built in the background."""

from django.conf import settings
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
