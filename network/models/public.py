"""What a network shows the public: nothing by default.

The moderator switches a network's public page on (`Publication`); each member's
coordinator releases its sections one by one and the moderator approves each release
(`Release`). A section is public only when the page is on, the member released it and the
moderator approved it; every change is in the history. The sections themselves are the
topic apps' (`public_sections` hook, network.plugins): `network` only stores their keys.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from network.concurrency import VersionedModel
from network.querysets import WatchedManager, WatchedQuerySet

from .people import Membership, Network
from .reports import Report


class Publication(VersionedModel):
    """A network's public page and open data: on or off, under which licence, and which
    Erfolgsbilanz it publishes."""

    class Licence(models.TextChoices):
        DL_DE_BY = "dl-de/by-2-0", _("Datenlizenz Deutschland – Namensnennung – Version 2.0")
        DL_DE_ZERO = "dl-de/zero-2-0", _("Datenlizenz Deutschland – Zero – Version 2.0")
        CC_BY = "CC-BY-4.0", _("Creative Commons Namensnennung 4.0 International (CC BY 4.0)")
        CC0 = "CC0-1.0", _("Creative Commons Zero 1.0 (CC0)")

    network = models.OneToOneField(
        Network, on_delete=models.CASCADE, related_name="publication", verbose_name=_("Netzwerk")
    )
    is_public = models.BooleanField(
        _("Öffentliche Seite eingeschaltet"),
        default=False,
        help_text=_(
            "Zeigt unter /oeffentlich/ die Abschnitte, die Mitglieder freigegeben und Sie "
            "bestätigt haben. Ohne Haken ist nichts öffentlich."
        ),
    )
    licence = models.CharField(
        _("Lizenz der offenen Daten"),
        max_length=20,
        choices=Licence.choices,
        default=Licence.DL_DE_BY,
    )
    annual_report = models.ForeignKey(
        Report,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": Report.Kind.ANNUAL, "status": Report.Status.DONE},
        verbose_name=_("Veröffentlichte Erfolgsbilanz"),
    )
    history = HistoricalRecords()

    # Watched: switching the page on or off moves the network's data stamp, under which
    # the public pages are kept.
    objects = WatchedManager()

    class Meta:
        verbose_name = _("Veröffentlichung")
        verbose_name_plural = _("Veröffentlichungen")

    def __str__(self):
        return str(self.network)


class ReleaseQuerySet(WatchedQuerySet):
    def public(self):
        """Releases the public sees: released by the member, approved by the moderator, on
        a network whose public page is on."""
        return self.filter(
            released=True, approved=True, membership__network__publication__is_public=True
        )


class Release(VersionedModel):
    """One member's choice to show one of its sections (a `public_sections` key) to the
    public, and the moderator's approval of it."""

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="releases", verbose_name=_("Kommune")
    )
    section = models.CharField(_("Abschnitt"), max_length=50)
    released = models.BooleanField(_("Von der Kommune freigegeben"), default=False)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Freigegeben von"),
    )
    released_at = models.DateTimeField(_("Freigegeben am"), null=True, blank=True)
    approved = models.BooleanField(_("Von der Moderation bestätigt"), default=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Bestätigt von"),
    )
    approved_at = models.DateTimeField(_("Bestätigt am"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("Freigabe")
        verbose_name_plural = _("Freigaben")
        ordering = ["membership__municipality__name", "section"]
        constraints = [
            models.UniqueConstraint(fields=["membership", "section"], name="release_once"),
        ]

    def __str__(self):
        return f"{self.membership} – {self.section}"

    @property
    def is_public(self) -> bool:
        return self.released and self.approved
