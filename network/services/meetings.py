"""Writes of the meetings area that touch several rows or models."""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from network.calendar import meeting_description, meeting_invitation
from network.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Guest,
    Meeting,
    Membership,
    Notification,
    OutboxMail,
    Role,
    User,
)
from network.notifications import Kind, notify, outbox


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
def meeting_invite(*, meeting, user_ids=None, guests=(), message: str = "") -> int:
    """Invite people to a meeting; returns how many were invited (people and guests).

    `user_ids` None: everyone the meeting is for who is not on the list yet, so running it
    again after adding members invites only the new people. Else the people chosen on the
    invitation page, limited to those the meeting is for: someone not yet on the list gets
    an invitation (Attendance "invited"), someone already on it the mail once more.
    `guests`: (name, organisation, e-mail) of people without an account; each gets a Guest
    row and, with an address, the mail directly through the outbox. `message`: a personal
    line of the moderator added to every mail. The moderator who sends it is invited like
    everyone else (no actor is passed on): they want the calendar entry too.
    """
    invitees = dict(meeting_invitees(meeting))
    already = set(meeting.attendances.values_list("user_id", flat=True))
    if user_ids is None:
        chosen = [pk for pk in invitees if pk not in already]
    else:
        wanted = set(user_ids)
        chosen = [pk for pk in invitees if pk in wanted]
    new = [
        Attendance(meeting=meeting, user_id=pk, membership_id=invitees[pk])
        for pk in chosen
        if pk not in already
    ]
    for attendance in new:
        attendance.full_clean(validate_unique=False, validate_constraints=False)
    bulk_create_with_history(new, Attendance)
    # Mails go through the outbox in this transaction; a mail server that is down delays
    # them, it never loses the invitations (the list in the portal is the record).
    meeting_tell(meeting=meeting, user_ids=chosen, what="invited", message=message)
    invited_guests = guests_invite(meeting=meeting, guests=guests, message=message)
    return len(chosen) + len(invited_guests)


def meeting_invitee_groups(meeting):
    """The people the invitation page offers, grouped: [(heading, [(user, invited)])] —
    one group per participating member (by name), then experts, then the moderation;
    `invited`: already on the list. A fixed number of queries."""
    invitees = meeting_invitees(meeting)
    users = User.objects.in_bulk([pk for pk, _m in invitees])
    already = set(meeting.attendances.values_list("user_id", flat=True))
    moderators = set(
        Role.objects.filter(
            network_id=meeting.network_id, kind=Role.Kind.MODERATOR, user_id__in=users
        ).values_list("user_id", flat=True)
    )
    member_ids = {m for _u, m in invitees if m}
    members = {
        m.pk: m.municipality.name
        for m in Membership.objects.filter(pk__in=member_ids).select_related("municipality")
    }
    groups: dict[tuple, list] = {}
    for user_id, membership_id in invitees:
        if membership_id is not None:
            key = (0, members[membership_id])
        elif user_id in moderators:
            key = (2, str(_("Moderation")))
        else:
            key = (1, str(_("Expertinnen und Experten")))
        groups.setdefault(key, []).append((users[user_id], user_id in already))

    def by_name(row):
        user = row[0]
        return (user.last_name.lower(), user.first_name.lower(), user.email)

    return [(label, sorted(rows, key=by_name)) for (_order, label), rows in sorted(groups.items())]


def invitation_preview(*, meeting, user, message: str = "") -> tuple[str, str]:
    """(subject, text) of the invitation as `user` would get it, with `message`."""
    from network.notifications import mail

    title, body, path = meeting_texts(meeting, "invited", message=message)
    notification = Notification(
        network=meeting.network, kind=Kind.MEETING, title=title()[:300], body=body(), url=path
    )
    preview = mail.single(user, notification)
    return preview.subject, preview.text


def guests_invite(*, meeting, guests, message: str = "") -> list[Guest]:
    """Add guests (name, organisation, e-mail) and mail those with an address. A guest
    whose address is already on the meeting's list gets the mail again, no second row.
    Guests have no account and no role, so `notify` cannot reach them: their mail goes to
    the outbox directly, in the portal's language, with the same calendar entry."""
    if not guests:
        return []
    known = {g.email: g for g in meeting.guests.exclude(email="")}
    rows, new = [], []
    for name, organisation, email in guests:
        email = email.strip().lower()
        if email and email in known:
            if known[email] not in rows:
                rows.append(known[email])
            continue
        guest = Guest(meeting=meeting, name=name, organisation=organisation, email=email)
        guest.full_clean(validate_constraints=False)
        new.append(guest)
        rows.append(guest)
        if email:
            known[email] = guest
    bulk_create_with_history(new, Guest)
    mails = [guest_mail(meeting=meeting, guest=g, message=message) for g in rows if g.email]
    if mails:
        outbox.enqueue(mails)
    return rows


def guest_mail(*, meeting, guest, message: str = "") -> OutboxMail:
    """The invitation of one guest (unsaved): the text a member gets, without the links
    into the portal (a guest cannot log in)."""
    with translation.override(settings.LANGUAGE_CODE):
        title, body, path = meeting_texts(meeting, "invited", message=message)
        subject = f"[{meeting.network.name}] {title()}"
        text = render_to_string(
            "network/meetings/guest_invitation.txt",
            {"guest": guest, "title": title(), "body": body(), "network": meeting.network},
        )
    ics = meeting_invitation(
        meeting=meeting,
        url=settings.PORTAL_BASE_URL + path,
        attendee_email=guest.email,
        method="REQUEST",
    )
    return OutboxMail(
        to=guest.email,
        subject=" ".join(subject.split())[:300],
        text=text,
        headers={"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"},
        calendar=ics.decode(),
        calendar_method="REQUEST",
    )


_TITLES = {
    "invited": lambda m, when: _("Einladung: %(title)s am %(when)s") % {"title": m, "when": when},
    "changed": lambda m, when: (
        _("Geändert: %(title)s – jetzt am %(when)s") % {"title": m, "when": when}
    ),
    "cancelled": lambda m, when: _("Abgesagt: %(title)s am %(when)s") % {"title": m, "when": when},
    "minutes": lambda m, when: (
        _("Protokoll veröffentlicht: %(title)s vom %(when)s") % {"title": m, "when": when}
    ),
    "minutes_again": lambda m, when: (
        _("Protokoll geändert: %(title)s vom %(when)s") % {"title": m, "when": when}
    ),
}
# What the mail carries for the calendar: an entry to add or update, or to remove.
_METHODS = {"invited": "REQUEST", "changed": "REQUEST", "cancelled": "CANCEL"}


def meeting_tell(*, meeting, user_ids, what: str, actor=None, message: str = "") -> int:
    """Tell people of a meeting (invited, changed time or place, cancelled, minutes): in
    the portal and by mail, with the agenda in the text and, except for minutes, an
    iCalendar REQUEST or CANCEL with the meeting's stable UID and its version as SEQUENCE,
    so Outlook and Thunderbird update the entry they have."""
    if not user_ids:
        return 0
    title, body, path = meeting_texts(meeting, what, message=message)
    link = settings.PORTAL_BASE_URL + path
    method = _METHODS.get(what)

    return len(
        notify(
            Kind.MEETING,
            network=meeting.network,
            recipients=user_ids,
            title=title,
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


def meeting_texts(meeting, what: str, *, message: str = ""):
    """(title, body, path) of a mail about a meeting (see meeting_tell): title and body are
    callables, so that each recipient gets them in their language; the invitation page
    shows them as a preview. `message`: the moderator's personal words, put first."""
    path = reverse("network:meeting_detail", args=[meeting.network.slug, meeting.pk])
    items = list(meeting.agenda_items.select_related("speaker"))

    def when():
        return date_format(timezone.localtime(meeting.starts_at), "SHORT_DATETIME_FORMAT")

    def body():
        lines = [message.strip(), ""] if message.strip() else []
        lines.append(_("Wann: %(when)s") % {"when": when()})
        if meeting.location:
            lines.append(_("Wo: %(place)s") % {"place": meeting.location})
        # Released minutes travel in the mail itself (Markdown reads well as plain text).
        description = meeting.minutes if what.startswith("minutes") else ""
        description = description or meeting_description(meeting, items)
        if description:
            lines.extend(["", description])
        return "\n".join(lines)

    return (lambda: _TITLES[what](meeting.title, when())), body, path


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
    """Save the minutes (None on an edit conflict). Nobody is told yet: the invitees hear of
    the minutes when they are released. A change to released minutes makes them a draft
    again, so members never read a text that was not released; releasing it again tells
    the invitees once more. Every saved text stays in the meeting's history."""
    meeting = form.instance
    before = Meeting.objects.filter(pk=meeting.pk).values_list("minutes", flat=True).first()
    if meeting.minutes_released and before is not None and meeting.minutes != before:
        meeting.minutes_status = Meeting.MinutesStatus.DRAFT
    return form.save_checked()


@transaction.atomic
def minutes_release(*, meeting, actor, digest: str) -> bool:
    """Release the minutes as shown (`digest`, see Meeting.release_minutes) and tell the
    invitees: in the portal and by mail, with the text. False if they were released
    already. The people the meeting is for are told when nobody was invited through the
    portal."""
    again = meeting.minutes_released_at is not None
    if not meeting.release_minutes(user=actor, digest=digest):
        return False
    recipients = meeting_invited_ids(meeting) or [u for u, _m in meeting_invitees(meeting)]
    meeting_tell(
        meeting=meeting,
        user_ids=recipients,
        what="minutes_again" if again else "minutes",
        actor=actor,
    )
    return True


@transaction.atomic
def decision_add(*, form):
    """Save a new decision from its form with the next number of its meeting."""
    decision = form.instance
    decision.number = Decision.next_number(decision.meeting_id)
    return form.save_checked()


@transaction.atomic
def attendance_respond(
    *, meeting, user, membership_id, status, comment: str = "", substitute: str = ""
) -> Attendance:
    """A person registers for (or excuses themselves from) an upcoming meeting, with an
    optional remark („komme später“) and the name of who comes instead. A new answer
    replaces the remark and the substitute of the last one."""
    if status not in (Attendance.Status.REGISTERED, Attendance.Status.EXCUSED):
        raise ValueError(f"not a response to an invitation: {status!r}")
    attendance, _created = Attendance.objects.select_for_update().get_or_create(
        meeting=meeting, user=user, defaults={"membership_id": membership_id}
    )
    attendance.status = status
    attendance.comment = comment.strip()
    attendance.substitute = substitute.strip()
    attendance.full_clean(validate_unique=False, validate_constraints=False)
    attendance.save(update_fields=["status", "comment", "substitute"])
    return attendance


class AttendanceChanged(Exception):
    """Rows someone else changed after the attendance form was loaded (nothing was saved)."""

    def __init__(self, rows):
        super().__init__("attendance changed")
        self.rows = rows


@transaction.atomic
def attendance_record(
    *,
    meeting,
    statuses: dict[int, str],
    loaded: dict[int, str],
    guest_statuses: dict[int, str] | None = None,
    guest_loaded: dict[int, str] | None = None,
) -> int:
    """Store the moderator's attendance list in one go; returns how many rows changed.

    `loaded` holds each row's status when the form was shown. Rows the moderator left as
    they were are not written, so a person who registered or excused themselves in the
    meantime keeps that answer; a row the moderator changed that someone else changed too
    raises AttendanceChanged and nothing is saved. A row without a loaded status (an old
    form) counts as loaded with its current status. The guests' rows (`guest_statuses`,
    `guest_loaded`) follow the same rule. A planned meeting whose start has passed is
    marked as held at the same time.
    """
    rows = list(meeting.attendances.select_for_update().filter(pk__in=statuses))
    changed, clashes = _changed_rows(rows, statuses, loaded)
    guest_statuses = guest_statuses or {}
    guests = list(meeting.guests.select_for_update().filter(pk__in=guest_statuses))
    guests_changed, guest_clashes = _changed_rows(guests, guest_statuses, guest_loaded or {})
    if clashes or guest_clashes:
        raise AttendanceChanged(clashes + guest_clashes)
    if changed:
        bulk_update_with_history(changed, Attendance, ["status"])
    if guests_changed:
        bulk_update_with_history(guests_changed, Guest, ["status"])
    if meeting.starts_at <= timezone.now():
        meeting.mark_held()
    return len(changed) + len(guests_changed)


def _changed_rows(rows, statuses, loaded):
    """(rows to write, rows someone else changed meanwhile) — the rule of attendance_record."""
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
    return changed, clashes


@transaction.atomic
def attendance_confirm_registered(*, meeting) -> int:
    """„Alle Zugesagten als teilgenommen“: every person still registered has attended.

    Only rows that are "registered" now are written (read under a row lock), so a row the
    moderator or the person changed a moment ago keeps that change. Returns the number of
    rows changed; the meeting is marked as held. Refused before the meeting starts."""
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Teilnahme kann erst ab Beginn des Termins erfasst werden."))
    rows = list(meeting.attendances.select_for_update().filter(status=Attendance.Status.REGISTERED))
    for row in rows:
        row.status = Attendance.Status.ATTENDED
    if rows:
        bulk_update_with_history(rows, Attendance, ["status"])
    meeting.mark_held()
    return len(rows)


@transaction.atomic
def guest_add(*, meeting, name: str, organisation: str = "", email: str = "") -> Guest:
    """A guest written down on the attendance page: after the start they have attended."""
    started = meeting.starts_at <= timezone.now()
    guest = Guest(
        meeting=meeting,
        name=name.strip(),
        organisation=organisation.strip(),
        email=email.strip().lower(),
        status=Guest.Status.ATTENDED if started else Guest.Status.INVITED,
    )
    guest.full_clean()
    guest.save()
    return guest


@dataclass(frozen=True)
class Representation:
    """Whether one participating member was at a meeting, from its people's attendances."""

    membership: Membership
    state: str  # "attended", "registered", "excused", "open"
    names: tuple[str, ...]  # who attended or is coming (substitutes named)

    @property
    def label(self) -> str:
        return str(REPRESENTATION_LABELS[self.state])


REPRESENTATION_LABELS = {
    "attended": gettext_lazy("vertreten"),
    "registered": gettext_lazy("angemeldet"),
    "excused": gettext_lazy("entschuldigt"),
    "open": gettext_lazy("keine Rückmeldung"),
}


def member_representation(memberships, attendances) -> list[Representation]:
    """One line per participating member (in the order given): "attended" when one of its
    people attended; else "registered" when one registered or an excused person named a
    substitute; else "excused" when everyone invited excused themselves; else "open".
    Plain values in, no queries: callers pass what their page has loaded."""
    by_member: dict[int, list] = {}
    for attendance in attendances:
        if attendance.membership_id is not None:
            by_member.setdefault(attendance.membership_id, []).append(attendance)
    lines = []
    for membership in memberships:
        rows = by_member.get(membership.pk, [])
        attended = [a for a in rows if a.status == Attendance.Status.ATTENDED]
        coming = [
            a
            for a in rows
            if a.status == Attendance.Status.REGISTERED
            or (a.status == Attendance.Status.EXCUSED and a.substitute)
        ]
        if attended:
            state, shown = "attended", attended
        elif coming:
            state, shown = "registered", coming
        elif rows and all(a.status == Attendance.Status.EXCUSED for a in rows):
            state, shown = "excused", []
        else:
            state, shown = "open", []
        names = tuple(
            _("%(substitute)s (für %(person)s)") % {"substitute": a.substitute, "person": a.user}
            if a.status == Attendance.Status.EXCUSED
            else str(a.user)
            for a in shown
        )
        lines.append(Representation(membership=membership, state=state, names=names))
    return lines


def meeting_members(meeting, participants=None):
    """The members a meeting is for, by name: its participants, or every active member of
    the network when it names none. `participants`: the prefetched list, if any."""
    if participants is None:
        participants = list(meeting.participants.select_related("municipality"))
    if participants:
        return sorted(participants, key=lambda m: m.municipality.name)
    return list(
        Membership.objects.filter(network_id=meeting.network_id)
        .active()
        .select_related("municipality")
        .order_by("municipality__name")
    )


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
def agenda_items_add_lines(*, meeting, lines, people) -> list[AgendaItem]:
    """Append the items of an agenda typed at once (network.forms.agenda_lines), in order.

    A speaker whose name is the full name of one of `people` (the network's) is linked to
    that person, as if chosen in the single form; any other name stays free text."""
    by_name: dict[str, list] = {}
    for person in people:
        if full_name := person.get_full_name().casefold():
            by_name.setdefault(full_name, []).append(person)
    items = []
    for line in lines:
        matches = by_name.get(line.presenter.casefold(), [])
        speaker = matches[0] if len(matches) == 1 else None  # two of one name: say nothing
        item = AgendaItem(
            title=line.title,
            duration_minutes=line.duration_minutes,
            speaker=speaker,
            presenter="" if speaker else line.presenter,
        )
        items.append(agenda_item_add(meeting=meeting, item=item))
    return items


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
