"""Notifications: who hears of what, in the portal and by mail.

    from network.notifications import Kind, notify

    notify(
        Kind.APPROVAL_REQUESTED,
        network=network,
        recipients=staff,
        title=lambda: _("Zustimmung erbeten: %(title)s") % {"title": criterion.title},
        url=approval_url,
        membership=membership,
        actor=request_user,
    )

`notify` runs inside the transaction of the change that causes it: the notifications and
the mails (outbox rows) are written with the change or not at all. Mails are sent after
commit by a task (network/notifications/outbox.py); a mail server or broker that is down
delays them, never the request. Texts are callables, evaluated in each recipient's
language. A person only hears of networks they have a role in; the actor does not hear of
their own action.
"""

from django.utils import timezone, translation

from network.models import Role, User
from network.models.notifications import Channel, Kind, MailPreference, Notification
from network.models.notifications import default_channel as default_channel

from . import mail, outbox

__all__ = ["Channel", "Kind", "channel_for", "notify"]


def _text(value) -> str:
    return str(value() if callable(value) else value or "")


def channel_for(users, kind) -> dict[int, str]:
    """Each user's mail channel for `kind` (their choice, else the default); one query."""
    chosen = dict(
        MailPreference.objects.filter(user__in=users, kind=kind).values_list("user_id", "channel")
    )
    return {user.pk: chosen.get(user.pk, default_channel(kind)) for user in users}


def notify(
    kind,
    *,
    network,
    recipients,
    title,
    url: str = "",
    body="",
    membership=None,
    actor=None,
    key: str = "",
    calendar=None,
) -> list[Notification]:
    """Tell `recipients` (users or ids) of something in `network`.

    `title` and `body` are strings or callables giving them in the active language (each
    is evaluated under the recipient's language). `key` makes a reminder once per person.
    `calendar(user)` returns (ics bytes, method) for a meeting mail. Returns the new
    notifications; people outside the network, inactive accounts and the actor are left out.
    """
    ids = {getattr(r, "pk", r) for r in recipients} - {getattr(actor, "pk", actor)}
    if not ids:
        return []
    users = list(
        User.objects.filter(
            pk__in=Role.objects.filter(network=network, user_id__in=ids).values("user_id"),
            is_active=True,
        ).order_by("pk")
    )
    if key:
        done = set(
            Notification.objects.filter(recipient__in=users, key=key).values_list(
                "recipient_id", flat=True
            )
        )
        users = [user for user in users if user.pk not in done]
    if not users:
        return []
    channels = channel_for(users, kind)
    now = timezone.now()
    notifications, mails = [], []
    for user in users:
        with translation.override(user.language):
            notification = Notification(
                recipient=user,
                network=network,
                membership=membership,
                kind=kind,
                title=_text(title)[:300],
                body=_text(body),
                url=url,
                key=key,
                created_at=now,
            )
            channel = channels[user.pk]
            if channel == Channel.IMMEDIATELY:
                mails.append(
                    mail.single(user, notification, calendar=calendar(user) if calendar else None)
                )
            if channel in (Channel.IMMEDIATELY, Channel.OFF):
                # Mailed now, or never: no digest picks it up later.
                notification.mailed_at = now
        notifications.append(notification)
    Notification.objects.bulk_create(notifications)
    if mails:
        outbox.enqueue(mails)
    return notifications
