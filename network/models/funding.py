"""The register of funding programmes (Förderprogramme) of a network.

A programme is network core, not part of a topic app: building projects and procurement
milestones both look it up (network.funding), and neither topic app may import the other.
Its validity is dated like the legal rules in building/legal.py: "from D" and "until D"
include D itself; an empty end means "until further notice".
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from network.concurrency import VersionedModel
from network.querysets import WatchedQuerySet

from .people import Network


class FundingProgrammeQuerySet(WatchedQuerySet):
    def valid_on(self, day):
        """Programmes in force on `day` (both ends included, an open end never ends)."""
        return self.filter(valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class FundingProgramme(VersionedModel):
    class Kind(models.TextChoices):
        NEW_BUILD = "new_build", _("Neubau")
        RENOVATION = "renovation", _("Sanierung im Bestand")
        HEATING = "heating", _("Heizungstausch")
        PV = "pv", _("Photovoltaik")
        PROCUREMENT = "procurement", _("Beschaffung")

    class BuildingType(models.TextChoices):
        ANY = "", _("alle Gebäude")
        NON_RESIDENTIAL = "non_residential", _("nur Nichtwohngebäude")
        RESIDENTIAL = "residential", _("nur Wohngebäude")

    network = models.ForeignKey(
        Network,
        on_delete=models.CASCADE,
        related_name="funding_programmes",
        verbose_name=_("Netzwerk"),
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    provider = models.CharField(_("Fördergeber"), max_length=200)
    url = models.URLField(_("Link"), max_length=500, blank=True)
    # A multiple choice of Kind values; matching reads it in Python (network.funding), so
    # no JSON lookups are needed (SQLite has no `contains` on JSON).
    kinds = models.JSONField(_("Was gefördert wird"), default=list)
    building_type = models.CharField(
        _("Gebäudeart"),
        max_length=20,
        choices=BuildingType.choices,
        blank=True,
        default=BuildingType.ANY,
    )
    conditions = models.TextField(_("Bedingungen"), blank=True)
    grant_rate_pct = models.DecimalField(
        _("Förderquote (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Förderquote oder Förderbetrag angeben, mindestens eines von beiden."),
    )
    grant_amount_eur = models.DecimalField(
        _("Förderbetrag (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    valid_from = models.DateField(_("Gültig ab"))
    valid_to = models.DateField(
        _("Gültig bis"), null=True, blank=True, help_text=_("Leer lassen: bis auf Weiteres.")
    )
    last_checked = models.DateField(_("Zuletzt geprüft am"))
    example_data = models.BooleanField(
        _("Beispieldaten, bitte prüfen"),
        default=False,
        help_text=_("Die Angaben sind Beispiele und noch nicht mit der Richtlinie abgeglichen."),
    )
    history = HistoricalRecords()

    objects = FundingProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("Förderprogramm")
        verbose_name_plural = _("Förderprogramme")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="funding_valid_to_after_from",
            ),
            models.CheckConstraint(
                condition=Q(grant_rate_pct__isnull=False) | Q(grant_amount_eur__isnull=False),
                name="funding_rate_or_amount",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        errors = {}
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = _("Das Ende der Gültigkeit liegt vor ihrem Beginn.")
        if self.grant_rate_pct is None and self.grant_amount_eur is None:
            errors["grant_rate_pct"] = _("Bitte eine Förderquote oder einen Förderbetrag angeben.")
        unknown = set(self.kinds or []) - set(self.Kind.values)
        if not self.kinds or unknown:
            errors["kinds"] = _("Bitte angeben, was das Programm fördert.")
        if errors:
            raise ValidationError(errors)

    def kind_labels(self) -> list[str]:
        labels = dict(self.Kind.choices)
        return [str(labels[k]) for k in self.Kind.values if k in self.kinds]

    def is_valid_on(self, day) -> bool:
        """valid_on() for one programme in memory (the same rule, both ends included)."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)
