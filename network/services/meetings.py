"""Writes of the meetings area that touch several rows or models."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from network.calendar import build_calendar
from network.models import AgendaItem, Attendance, Meeting, Membership, Role, User


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
    # Mail only once the invitations are stored; a mail failure does not undo them (the
    # list in the portal is the record, the mail a courtesy).
    recipients = [attendance.user_id for attendance in new]
    transaction.on_commit(lambda: _mail_invitations(meeting, recipients))
    return len(new)


def _mail_invitations(meeting, user_ids) -> None:
    """One German e-mail per invited person, with the meeting as an .ics attachment."""
    if not user_ids:
        return
    link = settings.PORTAL_BASE_URL + reverse(
        "network:meeting_detail", args=[meeting.network.slug, meeting.pk]
    )
    invitation = build_calendar(
        network=meeting.network, meetings=[meeting], url_for=lambda _meeting: link
    )
    when = date_format(timezone.localtime(meeting.starts_at), "SHORT_DATETIME_FORMAT")
    body = render_to_string(
        "network/meetings/invitation_email.txt", {"meeting": meeting, "when": when, "link": link}
    )
    subject = _("Einladung: %(title)s am %(when)s") % {"title": meeting.title, "when": when}
    messages = []
    for email in User.objects.filter(pk__in=user_ids, is_active=True).values_list(
        "email", flat=True
    ):
        message = EmailMessage(
            subject=subject,
            body=body,
            to=[email],
        )
        message.attach("termin.ics", invitation, "text/calendar")
        messages.append(message)
    get_connection(fail_silently=True).send_messages(messages)


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


def meeting_cancel(*, meeting) -> Meeting:
    meeting.cancel()
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
