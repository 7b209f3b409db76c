"""Meetings of a network: agenda, attendance, minutes, decisions and action items."""

import hashlib
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

    def minutes_readable_by(self, access):
        """Meetings whose minutes `access` may read: released ones, and drafts too for those
        who write minutes (Meeting.minutes_readable_by is the same rule for one meeting)."""
        if access.can_edit_meeting_content():
            return self
        return self.filter(minutes_status=Meeting.MinutesStatus.RELEASED)


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

    class MinutesStatus(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        RELEASED = "released", _("freigegeben")

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
    minutes = models.TextField(
        _("Protokoll"), blank=True, help_text=_("In Markdown: # Überschrift, **fett**, - Liste.")
    )
    # Members read the minutes only once released; a change after that makes them a draft
    # again until released once more (network.services.meetings.minutes_save).
    minutes_status = models.CharField(
        _("Stand des Protokolls"),
        max_length=10,
        choices=MinutesStatus.choices,
        default=MinutesStatus.DRAFT,
    )
    minutes_released_at = models.DateTimeField(_("Protokoll freigegeben am"), null=True, blank=True)
    minutes_released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Protokoll freigegeben von"),
    )
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

    @property
    def minutes_released(self) -> bool:
        return self.minutes_status == self.MinutesStatus.RELEASED

    def minutes_readable_by(self, access) -> bool:
        """The rule of MeetingQuerySet.minutes_readable_by for this meeting."""
        return self.minutes_released or access.can_edit_meeting_content()

    @property
    def minutes_digest(self) -> str:
        """Names the text of the minutes as shown: a release says which text it releases."""
        return hashlib.sha256(self.minutes.encode()).hexdigest()[:16]

    def release_minutes(self, *, user, digest: str) -> bool:
        """Release the draft minutes as they were shown (`digest`). False when they are
        released already; ValidationError when they are empty or changed meanwhile, so
        nobody releases a text they have not read."""
        with transaction.atomic():
            current = Meeting.objects.select_for_update().get(pk=self.pk)
            if not current.minutes.strip():
                raise ValidationError(_("Ein leeres Protokoll kann nicht freigegeben werden."))
            if current.minutes_digest != digest:
                raise ValidationError(
                    _(
                        "Das Protokoll wurde inzwischen geändert. Bitte lesen Sie die "
                        "aktuelle Fassung und geben Sie sie dann frei."
                    )
                )
            changed = not current.minutes_released
            if changed:
                current.minutes_status = self.MinutesStatus.RELEASED
                current.minutes_released_at = timezone.now()
                current.minutes_released_by = user
                current.version += 1
                current.save(
                    update_fields=[
                        "minutes_status",
                        "minutes_released_at",
                        "minutes_released_by",
                        "version",
                    ]
                )
        self.refresh_from_db()
        return changed

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
    # A person of the network who speaks; `presenter` stays for speakers from outside.
    speaker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items_spoken",
        verbose_name=_("Person aus dem Netzwerk"),
    )
    notes = models.TextField(_("Notizen"), blank=True)
    # A case of the collegial consultation put on the agenda (network.exchange).
    case = models.ForeignKey(
        "network.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
        verbose_name=_("Fall der Fallberatung"),
    )
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
    # What the person said with their answer: „komme später“, „Vertretung: Frau X“.
    comment = models.CharField(_("Bemerkung"), max_length=200, blank=True)
    substitute = models.CharField(_("Vertretung"), max_length=200, blank=True)
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


class Guest(models.Model):
    """Someone without an account at one meeting: a speaker from outside, a guest of a
    member. Invited by mail (when an address is known) or written down at the door."""

    class Status(models.TextChoices):
        INVITED = "invited", _("eingeladen")
        ATTENDED = "attended", _("teilgenommen")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="guests", verbose_name=_("Termin")
    )
    name = models.CharField(_("Name"), max_length=200)
    organisation = models.CharField(_("Organisation"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    status = models.CharField(
        _("Teilnahme"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    objects = WatchedManager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Gast")
        verbose_name_plural = _("Gäste")
        ordering = ["name", "pk"]
        constraints = [
            # A guest invited twice by the same address gets one row (and one mail).
            models.UniqueConstraint(
                fields=["meeting", "email"], condition=~Q(email=""), name="guest_unique_email"
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


class DecisionQuerySet(WatchedQuerySet):
    def create(self, **kwargs):
        """A decision made without a number gets the next one of its meeting (the write
        path numbers, so no caller can forget it; a form goes through
        services.meetings.decision_add, which uses the same numbering)."""
        if kwargs.get("number") is not None:
            return super().create(**kwargs)
        meeting_id = kwargs["meeting"].pk if "meeting" in kwargs else kwargs["meeting_id"]
        with transaction.atomic():
            kwargs["number"] = Decision.next_number(meeting_id)
            return super().create(**kwargs)


class Decision(VersionedModel):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("Termin")
    )
    # 1, 2, 3 … within the meeting, given once by services.decision_add and never reused.
    number = models.PositiveIntegerField(_("Nummer"), editable=False)
    text = models.TextField(_("Beschluss"))
    # The vote, when one was counted: all three or none (forms.minutes.DecisionForm).
    votes_yes = models.PositiveIntegerField(_("Ja-Stimmen"), null=True, blank=True)
    votes_no = models.PositiveIntegerField(_("Nein-Stimmen"), null=True, blank=True)
    votes_abstained = models.PositiveIntegerField(_("Enthaltungen"), null=True, blank=True)
    objects = DecisionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Beschluss")
        verbose_name_plural = _("Beschlüsse")
        ordering = ["number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="decision_number_unique")
        ]

    def __str__(self):
        return f"{self.label}: {self.text[:80]}"

    @classmethod
    def next_number(cls, meeting_id) -> int:
        """The next number of a meeting's decisions, inside a transaction: locks the meeting
        row, so two people adding a decision at once get 1 and 2 (the unique constraint is
        the last wall). Counted over the history too, so the number of a deleted decision
        is never given again and „Beschluss 3“ means one thing in every old printout."""
        list(Meeting.objects.select_for_update().filter(pk=meeting_id).values_list("pk"))
        last = max(
            cls.objects.filter(meeting_id=meeting_id).aggregate(n=models.Max("number"))["n"] or 0,
            cls.history.filter(meeting_id=meeting_id).aggregate(n=models.Max("number"))["n"] or 0,
        )
        return last + 1

    @property
    def label(self) -> str:
        return _("Beschluss %(number)d") % {"number": self.number}

    @property
    def reference(self) -> str:
        """Cites the decision outside its meeting: B-<date of the meeting>/<number>."""
        day = timezone.localdate(self.meeting.starts_at)
        return f"B-{day:%Y-%m-%d}/{self.number}"

    @property
    def has_vote(self) -> bool:
        return self.votes_yes is not None

    @property
    def unanimous(self) -> bool:
        return self.has_vote and self.votes_yes > 0 and not self.votes_no


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
