"""Notifications: what a person should hear of, in the portal (the bell) and by mail.

A `Notification` is written in the transaction of the change that causes it (through
network.notifications.notify); mails are `OutboxMail` rows written in the same
transaction and sent by a task with retries, so a mail server that is down delays mail
but never breaks the request or loses a message (network/notifications/outbox.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .people import Membership, Network


class Kind(models.TextChoices):
    """What a notification is about; a person chooses the mail channel per kind."""

    APPROVAL_REQUESTED = "approval_requested", _("Zustimmung eines Fachbereichs angefragt")
    APPROVAL_ANSWERED = "approval_answered", _("Zustimmung erteilt oder Einwand erhoben")
    CRITERION = "criterion", _("Mindestkriterium freigegeben oder überarbeitet")
    ACTION_ITEM = "action_item", _("Aufgabe zugewiesen, geändert oder fällig")
    MILESTONE = "milestone", _("Meilenstein bald fällig oder überfällig")
    MEETING = "meeting", _("Termin: Einladung, Änderung, Absage, Protokoll")
    REPORT = "report", _("Bericht fertig oder fehlgeschlagen")
    MEMBERSHIP = "membership", _("Kommune beigetreten oder ausgetreten")
    INVITATION = "invitation", _("Einladung angenommen")
    OVERDUE = "overdue", _("Wochenübersicht der Moderation: Überfälliges je Kommune")
    WEIGHTING_VOTE = "weighting_vote", _("Gewichtungsabstimmung geöffnet")
    CASE = "case", _("Fallberatung: neuer Fall, Phase eröffnet, neuer Beitrag")


class Channel(models.TextChoices):
    IMMEDIATELY = "immediately", _("sofort")
    DAILY = "daily", _("tägliche Zusammenfassung")
    WEEKLY = "weekly", _("wöchentliche Zusammenfassung")
    OFF = "off", _("keine E-Mail")


# Sensible defaults (the person changes them in the settings): what needs an answer comes
# at once, the moderator's overview weekly, the rest once a day.
DEFAULT_CHANNEL = {
    Kind.APPROVAL_REQUESTED: Channel.IMMEDIATELY,
    Kind.MEETING: Channel.IMMEDIATELY,
    Kind.WEIGHTING_VOTE: Channel.IMMEDIATELY,
    Kind.OVERDUE: Channel.WEEKLY,
}


def default_channel(kind) -> str:
    return DEFAULT_CHANNEL.get(kind, Channel.DAILY)


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_digest(self):
        """Not yet mailed, neither at once nor in a digest."""
        return self.filter(mailed_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("Person"),
    )
    network = models.ForeignKey(
        Network, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("Netzwerk")
    )
    # The member it concerns, if any: digests group by network and municipality.
    membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Kommune"),
    )
    kind = models.CharField(_("Art"), max_length=30, choices=Kind.choices)
    # Written in the recipient's language when the notification is made.
    title = models.CharField(_("Titel"), max_length=300)
    body = models.TextField(_("Text"), blank=True)
    url = models.CharField(_("Adresse im Portal"), max_length=500, blank=True)
    # Reminders carry a key ("milestone:12:due"), so each is sent once per person.
    key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("Erstellt am"), default=timezone.now)
    read_at = models.DateTimeField(_("Gelesen am"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("Per E-Mail am"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~Q(key=""),
                name="notification_key_once_per_person",
            )
        ]

    def __str__(self):
        return self.title


class MailPreference(models.Model):
    """A person's choice for one kind; without a row the default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preferences"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    channel = models.CharField(max_length=12, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="mail_preference_once")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} → {self.channel}"


class OutboxMail(models.Model):
    """One mail to send. Written in the transaction of its cause; sent by a task that
    claims the row first, so two workers never send the same row (network/notifications/
    outbox.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("wartet")
        SENDING = "sending", _("wird gesendet")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("aufgegeben")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    text = models.TextField()
    html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    calendar = models.TextField(blank=True)  # an iCalendar invitation or cancellation
    calendar_method = models.CharField(max_length=10, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("E-Mail im Postausgang")
        verbose_name_plural = _("Postausgang")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.to}: {self.subject}"

    @property
    def message_id(self) -> str:
        """Stable per row: a mail sent again after a crash reads as the same message."""
        domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "knn-portal"
        return f"<outbox-{self.pk}-{self.created_at:%Y%m%d%H%M%S}@{domain}>"
