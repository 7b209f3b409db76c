"""Uploaded files. They are served only through a permission-checked view; the rules for
what may be uploaded, storing and serving live in network/documents.py."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from network.querysets import WatchedManager

from .meetings import Meeting
from .people import Membership, Network


def document_path(instance, filename):
    # The stored name says nothing about the content; the original name is kept in a field.
    suffix = PurePath(filename).suffix.lower()
    return f"documents/{instance.network_id}/{uuid.uuid4().hex}{suffix}"


class Document(models.Model):
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="documents", verbose_name=_("Netzwerk")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("Termin"),
    )
    # Set when the document belongs to one member (evidence, plans); empty: the network's.
    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("Kommune"),
    )
    title = models.CharField(_("Titel"), max_length=200)
    file = models.FileField(_("Datei"), upload_to=document_path)
    original_name = models.CharField(_("Dateiname"), max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("Hochgeladen von"),
    )
    uploaded_at = models.DateTimeField(_("Hochgeladen am"), auto_now_add=True)
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.title
