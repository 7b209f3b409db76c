"""Writes of the meetings area that touch several rows or models."""

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from network.calendar import meeting_description, meeting_invitation
from network.models import ActionItem, AgendaItem, Attendance, Meeting, Membership, Role
from network.notifications import Kind, notify


def meeting_invitees(meeting) -> list[tuple[int, int | None]]:
    """(user id, membership id or None) of everyone a meeting is for.

    Moderators and experts of the network, and the coordinators and staff of the
    participating members (all active members when the meeting names none). Observers
    read along but are not invited.
    """
    participant_ids = list(meeting.participants.values_list("pk", flat=True))
    if not participant_ids:
        participant_ids = list(
            Membership.objects.filter(network_id=meeting.network_id)
            .active()
            .values_list("pk", flat=True)
        )
    roles = Role.objects.filter(network_id=meeting.network_id).filter(
        Q(kind__in=[Role.Kind.MODERATOR, Role.Kind.EXPERT])
        | Q(kind__in=Role.MEMBER_KINDS, membership_id__in=participant_ids)
    )
    invitees: dict[int, int | None] = {}
    for user_id, membership_id in roles.values_list("user_id", "membership_id").order_by("pk"):
        # A person with several roles is invited once, for the first member they work for.
        if invitees.get(user_id) is None:
            invitees[user_id] = membership_id
    return list(invitees.items())


@transaction.atomic
def meeting_invite(*, meeting) -> int:
    """Create an invitation (Attendance "invited") for everyone not yet on the list.

    Returns the number of new invitations; running it again after adding members invites
    only the new people.
    """
    already = set(meeting.attendances.values_list("user_id", flat=True))
    new = [
        Attendance(meeting=meeting, user_id=user_id, membership_id=membership_id)
        for user_id, membership_id in meeting_invitees(meeting)
        if user_id not in already
    ]
    for attendance in new:
        attendance.full_clean(validate_unique=False, validate_constraints=False)
    bulk_create_with_history(new, Attendance)
    # Mails go through the outbox in this transaction; a mail server that is down delays
    # them, it never loses the invitations (the list in the portal is the record).
    meeting_tell(meeting=meeting, user_ids=[a.user_id for a in new], what="invited")
    return len(new)


_TITLES = {
    "invited": lambda m, when: _("Einladung: %(title)s am %(when)s") % {"title": m, "when": when},
    "changed": lambda m, when: (
        _("Geändert: %(title)s – jetzt am %(when)s") % {"title": m, "when": when}
    ),
    "cancelled": lambda m, when: _("Abgesagt: %(title)s am %(when)s") % {"title": m, "when": when},
    "minutes": lambda m, when: (
        _("Protokoll veröffentlicht: %(title)s vom %(when)s") % {"title": m, "when": when}
    ),
}
# What the mail carries for the calendar: an entry to add or update, or to remove.
_METHODS = {"invited": "REQUEST", "changed": "REQUEST", "cancelled": "CANCEL"}


def meeting_tell(*, meeting, user_ids, what: str, actor=None) -> int:
    """Tell people of a meeting (invited, changed time or place, cancelled, minutes): in
    the portal and by mail, with the agenda in the text and, except for minutes, an
    iCalendar REQUEST or CANCEL with the meeting's stable UID and its version as SEQUENCE,
    so Outlook and Thunderbird update the entry they have."""
    if not user_ids:
        return 0
    path = reverse("network:meeting_detail", args=[meeting.network.slug, meeting.pk])
    link = settings.PORTAL_BASE_URL + path
    method = _METHODS.get(what)

    def when():
        return date_format(timezone.localtime(meeting.starts_at), "SHORT_DATETIME_FORMAT")

    def body():
        lines = [_("Wann: %(when)s") % {"when": when()}]
        if meeting.location:
            lines.append(_("Wo: %(place)s") % {"place": meeting.location})
        description = meeting_description(meeting)
        if description:
            lines.extend(["", description])
        return "\n".join(lines)

    return len(
        notify(
            Kind.MEETING,
            network=meeting.network,
            recipients=user_ids,
            title=lambda: _TITLES[what](meeting.title, when()),
            body=body,
            url=path,
            actor=actor,
            calendar=(
                lambda user: (
                    meeting_invitation(
                        meeting=meeting, url=link, attendee_email=user.email, method=method
                    ),
                    method,
                )
            )
            if method
            else None,
        )
    )


def meeting_invited_ids(meeting) -> list[int]:
    return list(meeting.attendances.values_list("user_id", flat=True))


@transaction.atomic
def meeting_save(*, form, actor=None):
    """Save the meeting form (with its version check); when time or place changed, every
    invited person hears of it with an updated calendar entry. None on an edit conflict."""
    before = Meeting.objects.filter(pk=form.instance.pk).first() if form.instance.pk else None
    meeting = form.save_checked()
    if meeting is None or before is None:
        return meeting
    where = ("starts_at", "ends_at", "location", "online_url")
    if any(getattr(before, f) != getattr(meeting, f) for f in where):
        meeting_tell(
            meeting=meeting, user_ids=meeting_invited_ids(meeting), what="changed", actor=actor
        )
    return meeting


@transaction.atomic
def minutes_save(*, form, actor=None):
    """Save the minutes; the first time they are written, the invited people hear of it."""
    had_minutes = Meeting.objects.filter(pk=form.instance.pk).exclude(minutes="").exists()
    meeting = form.save_checked()
    if meeting is not None and not had_minutes and meeting.minutes.strip():
        meeting_tell(
            meeting=meeting, user_ids=meeting_invited_ids(meeting), what="minutes", actor=actor
        )
    return meeting


@transaction.atomic
def attendance_respond(*, meeting, user, membership_id, status) -> Attendance:
    """A person registers for (or excuses themselves from) an upcoming meeting."""
    if status not in (Attendance.Status.REGISTERED, Attendance.Status.EXCUSED):
        raise ValueError(f"not a response to an invitation: {status!r}")
    attendance, _created = Attendance.objects.select_for_update().get_or_create(
        meeting=meeting, user=user, defaults={"membership_id": membership_id}
    )
    attendance.status = status
    attendance.full_clean(validate_unique=False, validate_constraints=False)
    attendance.save(update_fields=["status"])
    return attendance


class AttendanceChanged(Exception):
    """Rows someone else changed after the attendance form was loaded (nothing was saved)."""

    def __init__(self, rows):
        super().__init__("attendance changed")
        self.rows = rows


@transaction.atomic
def attendance_record(*, meeting, statuses: dict[int, str], loaded: dict[int, str]) -> int:
    """Store the moderator's attendance list in one go; returns how many rows changed.

    `loaded` holds each row's status when the form was shown. Rows the moderator left as
    they were are not written, so a person who registered or excused themselves in the
    meantime keeps that answer; a row the moderator changed that someone else changed too
    raises AttendanceChanged and nothing is saved. A row without a loaded status (an old
    form) counts as loaded with its current status. A planned meeting whose start has
    passed is marked as held at the same time.
    """
    rows = list(meeting.attendances.select_for_update().filter(pk__in=statuses))
    changed, clashes = [], []
    for row in rows:
        was, new = loaded.get(row.pk) or row.status, statuses[row.pk]
        if new == was:
            continue
        if row.status not in (was, new):
            clashes.append(row)
        elif row.status != new:
            row.status = new
            row.full_clean(validate_unique=False, validate_constraints=False)
            changed.append(row)
    if clashes:
        raise AttendanceChanged(clashes)
    if changed:
        bulk_update_with_history(changed, Attendance, ["status"])
    if meeting.starts_at <= timezone.now():
        meeting.mark_held()
    return len(changed)


@transaction.atomic
def meeting_cancel(*, meeting, actor=None) -> Meeting:
    """Cancel; the invited people get the cancellation, which removes the calendar entry."""
    meeting.cancel()
    meeting_tell(
        meeting=meeting, user_ids=meeting_invited_ids(meeting), what="cancelled", actor=actor
    )
    return meeting


@transaction.atomic
def agenda_item_add(*, meeting, item) -> AgendaItem:
    """Append `item` (unsaved) at the end of the meeting's agenda."""
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"]
    item.meeting = meeting
    item.position = 0 if last is None else last + 1
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_item_move(*, item, direction: str) -> bool:
    """Swap `item` with its neighbour ("up" or "down"); False when it is already at the end.

    Positions are renumbered 0…n-1 on the way, so gaps and ties left by deletions or by
    older data never make a move jump over an item.
    """
    items = list(
        AgendaItem.objects.select_for_update()
        .filter(meeting_id=item.meeting_id)
        .order_by("position", "pk")
    )
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items):
        if other.position != position:
            other.position = position
            other.version += 1
            other.save(update_fields=["position", "version"])
    return True


def agenda_item_delete(*, item) -> None:
    item.delete()


@transaction.atomic
def action_item_save(*, form, actor=None):
    """Save an action item form; its owner hears of a new assignment and of a changed title
    or due date (not of their own changes). None on an edit conflict."""
    before = ActionItem.objects.filter(pk=form.instance.pk).first() if form.instance.pk else None
    item = form.save_checked()
    if item is None or item.owner_id is None:
        return item
    path = reverse("network:action_item_list", args=[item.network.slug])

    if before is None or before.owner_id != item.owner_id:
        text = gettext_lazy("Ihnen wurde eine Aufgabe übertragen: %(title)s")
    elif (before.title, before.due_on) != (item.title, item.due_on):
        text = gettext_lazy("Aufgabe geändert: %(title)s")
    else:
        return item

    def title():
        line = str(text) % {"title": item.title}
        if item.due_on:
            line += " – " + _("fällig am %(due)s") % {"due": f"{item.due_on:%d.%m.%Y}"}
        return line

    notify(
        Kind.ACTION_ITEM,
        network=item.network,
        recipients=[item.owner_id],
        title=title,
        url=path,
        membership=item.membership,
        actor=actor,
    )
    return item
