"""Meetings of a network: agenda, attendance, minutes, decisions and action items."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from network.concurrency import VersionedModel
from network.querysets import WatchedManager, WatchedQuerySet

from .people import Membership, Network


class MeetingQuerySet(WatchedQuerySet):
    def upcoming(self, now=None):
        return self.filter(
            starts_at__gte=now or timezone.now(), status=Meeting.Status.PLANNED
        ).order_by("starts_at")

    def for_membership(self, membership):
        """Meetings a member takes part in: every network meeting, and workshops it is in."""
        return (
            self.filter(network_id=membership.network_id)
            .filter(Q(participants__isnull=True) | Q(participants=membership))
            .distinct()
        )


class Meeting(VersionedModel):
    class Kind(models.TextChoices):
        NETWORK_MEETING = "network_meeting", _("Netzwerktreffen")
        WORKSHOP = "workshop", _("Workshop")
        SITE_VISIT = "site_visit", _("Exkursion")
        ONLINE = "online", _("Online-Treffen")

    class Status(models.TextChoices):
        PLANNED = "planned", _("geplant")
        HELD = "held", _("durchgeführt")
        CANCELLED = "cancelled", _("abgesagt")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("Netzwerk")
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("Thema"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    location = models.CharField(_("Ort"), max_length=200, blank=True)
    online_url = models.URLField(_("Link zur Videokonferenz"), blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    # Empty: the whole network takes part (network meetings); else only these members.
    participants = models.ManyToManyField(
        Membership,
        blank=True,
        related_name="meetings",
        verbose_name=_("Teilnehmende Kommunen"),
        help_text=_("Leer lassen, wenn alle Mitglieder teilnehmen."),
    )
    minutes = models.TextField(_("Protokoll"), blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    history = HistoricalRecords(m2m_fields=[participants])

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("Termin")
        verbose_name_plural = _("Termine")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Das Ende muss nach dem Beginn liegen.")})

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def cancel(self) -> bool:
        return self._set_status(self.Status.CANCELLED)

    def mark_held(self) -> bool:
        """A planned meeting whose attendance is taken has been held (a cancelled one not)."""
        return self._set_status(self.Status.HELD, only_from=[self.Status.PLANNED])

    def _set_status(self, status, *, only_from=None) -> bool:
        """Change the status alone, on the current row: a status change is an action of its
        own, not a form, so it is not refused because someone edited the meeting in the
        meantime; the version still grows, so open edit forms notice it and calendar
        clients get a new SEQUENCE. Returns whether anything changed."""
        with transaction.atomic():
            current = Meeting.objects.select_for_update().get(pk=self.pk)
            allowed = only_from is None or current.status in only_from
            changed = allowed and current.status != status
            if changed:
                current.status = status
                current.version += 1
                current.save(update_fields=["status", "version"])
        self.refresh_from_db()
        return changed


class AgendaItem(VersionedModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("Termin")
    )
    position = models.PositiveIntegerField(_("Reihenfolge"), default=0)
    title = models.CharField(_("Tagesordnungspunkt"), max_length=200)
    duration_minutes = models.PositiveIntegerField(_("Dauer (Minuten)"), default=15)
    presenter = models.CharField(_("Vortragende Person"), max_length=200, blank=True)
    notes = models.TextField(_("Notizen"), blank=True)
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Tagesordnungspunkt")
        verbose_name_plural = _("Tagesordnung")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class Attendance(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("eingeladen")
        REGISTERED = "registered", _("zugesagt")
        ATTENDED = "attended", _("teilgenommen")
        EXCUSED = "excused", _("entschuldigt")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("Termin")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="attendances",
        verbose_name=_("Person"),
    )
    # The member the person represented (none for moderators and experts).
    membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attendances",
        verbose_name=_("Kommune"),
    )
    status = models.CharField(
        _("Teilnahme"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Teilnahme")
        verbose_name_plural = _("Teilnahmen")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attendance_unique")
        ]

    def __str__(self):
        return f"{self.user} – {self.get_status_display()}"


class Decision(VersionedModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("Termin")
    )
    text = models.TextField(_("Beschluss"))
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Beschluss")
        verbose_name_plural = _("Beschlüsse")
        ordering = ["id"]

    def __str__(self):
        return self.text[:80]


class ActionItemQuerySet(WatchedQuerySet):
    def open(self):
        return self.filter(status=ActionItem.Status.OPEN)

    def overdue(self, today=None):
        return self.open().filter(due_on__lt=today or timezone.localdate())


class ActionItem(VersionedModel):
    """A task that came out of a decision: who does what by when."""

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        DONE = "done", _("erledigt")
        DROPPED = "dropped", _("verworfen")

    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("Netzwerk")
    )
    decision = models.ForeignKey(
        Decision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("Beschluss"),
    )
    title = models.CharField(_("Aufgabe"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("Verantwortlich"),
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("Kommune"),
    )
    due_on = models.DateField(_("Fällig am"), null=True, blank=True)
    status = models.CharField(
        _("Status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    history = HistoricalRecords()

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("Aufgabe")
        verbose_name_plural = _("Aufgaben")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.title
