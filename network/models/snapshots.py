"""Key figures per membership per quarter, kept as they were (DESIGN.md "Time series")."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from network.querysets import WatchedManager

from .people import Membership


class FigureSnapshot(models.Model):
    """One key figure of one membership at the end of one quarter (network.timeseries).

    Derived data, not domain data: without history (it is recomputed from the history of
    the domain data). Watched by network.freshness like every model of `network`, so the
    trend series kept under a network's data stamp are new once a snapshot is; the service
    writes only rows that are new or changed, so a run that finds nothing new does not move
    the stamp.
    """

    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="figure_snapshots",
        verbose_name=_("Kommune"),
    )
    section = models.CharField(_("Bereich"), max_length=50)
    key = models.CharField(_("Kennzahl"), max_length=80)
    period_end = models.DateField(_("Stichtag"))
    value = models.FloatField(_("Wert"), null=True, blank=True)
    # As the section named it (the German msgid, translated when shown) and its unit: a
    # chart or report draws the series without asking the sections again.
    label = models.CharField(_("Bezeichnung"), max_length=200, blank=True)
    unit = models.CharField(_("Einheit"), max_length=20, blank=True)
    taken_at = models.DateTimeField(_("Erfasst am"), default=timezone.now)

    objects = WatchedManager()

    class Meta:
        verbose_name = _("Kennzahl zum Stichtag")
        verbose_name_plural = _("Kennzahlen zu Stichtagen")
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "section", "key", "period_end"],
                name="figure_snapshot_unique",
            )
        ]
        indexes = [models.Index(fields=["period_end"], name="figure_snapshot_end")]

    def __str__(self):
        return f"{self.membership_id} {self.section}.{self.key} {self.period_end}: {self.value}"
