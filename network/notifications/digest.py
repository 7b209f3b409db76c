"""Digests and reminders, run by Celery beat (and `manage.py send_notifications`).

- A digest is one mail per person with everything not yet mailed of the kinds the person
  gets daily (or weekly), grouped by network and municipality. A fixed number of queries
  per run, however many people: the notifications, the choices, the mails (bulk).
- Reminders: a milestone due in the next 14 days and one overdue (the member's
  coordinators and the staff of the responsible department), an action item due or
  overdue (its owner). Each reminder once per person (its key).
- The moderator's weekly overview: overdue approvals and milestones per municipality of
  each network they moderate.
"""

from collections import defaultdict
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network import overview, progress
from network.models import ActionItem, Membership, Network, Role
from network.models.notifications import (
    Channel,
    Kind,
    MailPreference,
    Notification,
    default_channel,
)

from . import mail, notify, outbox

DUE_SOON_DAYS = 14


@transaction.atomic
def digests_send(*, period: str, now=None) -> int:
    """Send the daily or weekly digests; the number of mails."""
    assert period in (Channel.DAILY, Channel.WEEKLY), period
    now = now or timezone.now()
    pending = list(
        Notification.objects.for_digest()
        .filter(created_at__lte=now)
        .select_related("recipient", "network", "membership__municipality")
        .order_by("recipient_id", "network__name", "membership__municipality__name", "created_at")
    )
    if not pending:
        return 0
    chosen = {
        (user_id, kind): channel
        for user_id, kind, channel in MailPreference.objects.filter(
            user_id__in={n.recipient_id for n in pending}
        ).values_list("user_id", "kind", "channel")
    }
    by_user = defaultdict(list)
    for notification in pending:
        channel = chosen.get(
            (notification.recipient_id, notification.kind), default_channel(notification.kind)
        )
        if channel == period:
            by_user[notification.recipient].append(notification)
    mails, sent_ids = [], []
    for user, items in by_user.items():
        groups = defaultdict(lambda: defaultdict(list))
        for notification in items:
            groups[notification.network][notification.membership].append(notification)
        ordered = [
            (network, sorted(members.items(), key=_by_municipality))
            for network, members in sorted(groups.items(), key=lambda kv: kv[0].name)
        ]
        mails.append(mail.digest(user, ordered, period=period))
        sent_ids.extend(n.pk for n in items)
    Notification.objects.filter(pk__in=sent_ids).update(mailed_at=now)
    outbox.enqueue(mails)
    return len(mails)


def _by_municipality(item):
    """The network's own news first, then the members by name (no query: the
    municipality was read with the notification)."""
    membership = item[0]
    return (membership is not None, membership.municipality.name if membership else "")


def _coordinators(membership_ids):
    rows = Role.objects.filter(
        kind=Role.Kind.COORDINATOR, membership_id__in=membership_ids
    ).values_list("membership_id", "user_id")
    found = defaultdict(set)
    for membership_id, user_id in rows:
        found[membership_id].add(user_id)
    return found


def _department_staff(department_ids):
    rows = Role.objects.filter(department_id__in=department_ids).values_list(
        "department_id", "user_id"
    )
    found = defaultdict(set)
    for department_id, user_id in rows:
        found[department_id].add(user_id)
    return found


@transaction.atomic
def reminders_send(*, today=None) -> int:
    """Milestones due soon or overdue and action items due: the number of notifications."""
    today = today or timezone.localdate()
    made = 0
    sections = progress.sections()
    for network in Network.objects.all():
        memberships = list(
            Membership.objects.filter(network=network).active(today).select_related("municipality")
        )
        if not memberships:
            continue
        by_id = {m.pk: m for m in memberships}
        items = [
            item
            for item in overview.open_items(sections, memberships, today)
            if item.kind == "milestone" and item.due_on is not None
        ]
        coordinators = _coordinators(by_id)
        staff = _department_staff({i.department_id for i in items if i.department_id})
        for item in items:
            if item.overdue or item.due_on < today:
                stage, title = "overdue", _("Überfällig: %(title)s (fällig am %(due)s)")
            elif item.due_on <= today + timedelta(days=DUE_SOON_DAYS):
                stage, title = "due", _("Bald fällig: %(title)s (am %(due)s)")
            else:
                continue
            params = {"title": item.title, "due": f"{item.due_on:%d.%m.%Y}"}
            made += len(
                notify(
                    Kind.MILESTONE,
                    network=network,
                    recipients=coordinators[item.membership_id]
                    | staff.get(item.department_id, set()),
                    title=lambda title=title, params=params: title % params,
                    url=item.url,
                    membership=by_id.get(item.membership_id),
                    key=f"milestone:{item.url}:{item.due_on}:{stage}",
                )
            )
        made += _action_item_reminders(network, today)
    return made


def _overview_title(count) -> str:
    return _("Wochenübersicht: %(n)s Punkte überfällig") % {"n": count}


def _action_item_reminders(network, today) -> int:
    made = 0
    due = ActionItem.objects.filter(
        network=network,
        status=ActionItem.Status.OPEN,
        owner__isnull=False,
        due_on__lte=today + timedelta(days=3),
    ).select_related("membership__municipality")
    for item in due:
        overdue = item.due_on < today
        params = {"title": item.title, "due": f"{item.due_on:%d.%m.%Y}"}
        made += len(
            notify(
                Kind.ACTION_ITEM,
                network=network,
                recipients=[item.owner_id],
                title=(lambda p=params: _("Aufgabe überfällig: %(title)s (fällig am %(due)s)") % p)
                if overdue
                else (lambda p=params: _("Aufgabe bald fällig: %(title)s (am %(due)s)") % p),
                url=reverse("network:action_item_list", args=[network.slug]),
                membership=item.membership,
                key=f"action_item:{item.pk}:{item.due_on}:{'overdue' if overdue else 'due'}",
            )
        )
    return made


@transaction.atomic
def overdue_digest_send(*, today=None) -> int:
    """The moderator's weekly overview of what is overdue, per municipality."""
    today = today or timezone.localdate()
    sections = progress.sections()
    made = 0
    for network in Network.objects.filter(roles__kind=Role.Kind.MODERATOR).distinct():
        memberships = list(
            Membership.objects.filter(network=network).active(today).select_related("municipality")
        )
        overdue = [
            item
            for item in overview.open_items(sections, memberships, today)
            if item.overdue and item.kind in ("milestone", "approval")
        ]
        if not overdue:
            continue
        names = {m.pk: m.municipality.name for m in memberships}
        per_member = defaultdict(list)
        for item in overdue:
            per_member[names.get(item.membership_id, "–")].append(item.title)
        moderators = Role.objects.filter(network=network, kind=Role.Kind.MODERATOR).values_list(
            "user_id", flat=True
        )

        def body(per_member=per_member):
            lines = []
            for name, titles in sorted(per_member.items()):
                lines.append(f"{name}: " + _("%(n)s überfällig") % {"n": len(titles)})
                lines.extend(f"  – {title}" for title in titles[:10])
            return "\n".join(lines)

        made += len(
            notify(
                Kind.OVERDUE,
                network=network,
                recipients=moderators,
                title=partial(_overview_title, len(overdue)),
                body=body,
                url=reverse("network:dashboard", args=[network.slug]),
                key=f"overdue:{network.pk}:{today:%G-W%V}",
            )
        )
    return made
