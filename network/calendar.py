"""iCalendar (RFC 5545) feed of a network's meetings, for Outlook, Thunderbird and phones.

Times are written in UTC ("…Z"), which every client understands without a VTIMEZONE
block. The event UID is the meeting's UUID, so a moved or cancelled meeting updates the
entry already in the subscriber's calendar instead of adding a second one; SEQUENCE is
the meeting's version, which grows with every edit.
"""

from datetime import UTC, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from network.models import Meeting

PRODID = "-//KNN-Portal//Termine//DE"

STATUS = {
    Meeting.Status.PLANNED: "CONFIRMED",
    Meeting.Status.HELD: "CONFIRMED",
    Meeting.Status.CANCELLED: "CANCELLED",
}


def agenda_times(starts_at, durations) -> list[tuple]:
    """(start, end) of each agenda item in local time: the items follow each other without
    a gap from the meeting's start, in the order given. 10:00 + 30, 15 → 10:00–10:30,
    10:30–10:45. An agenda longer than the meeting simply runs past its end."""
    # Added in UTC: local wall-clock arithmetic would be an hour off across a change to or
    # from summer time (02:30 + 60 min on the last Sunday of October is 02:30 again).
    times, start = [], starts_at.astimezone(UTC)
    for minutes in durations:
        end = start + timedelta(minutes=minutes)
        times.append((timezone.localtime(start), timezone.localtime(end)))
        start = end
    return times


def agenda_speaker(item) -> str:
    """Who speaks: the person of the network and/or the free text for outside speakers."""
    return ", ".join(str(p) for p in (item.speaker, item.presenter) if p)


def meeting_description(meeting, items=None) -> str:
    """The text of a calendar entry and of the invitation mail. `items`: the agenda, when
    the caller has it already (with the speakers), else it is read."""
    lines = [meeting.description.strip()] if meeting.description.strip() else []
    if items is None:
        items = list(meeting.agenda_items.all())
    if items:
        lines.append(_("Tagesordnung:"))
        times = agenda_times(meeting.starts_at, [item.duration_minutes for item in items])
        for n, (item, (start, end)) in enumerate(zip(items, times, strict=True), start=1):
            line = _("%(start)s–%(end)s Uhr: %(n)d. %(title)s (%(minutes)d Min.)") % {
                "start": f"{start:%H:%M}",
                "end": f"{end:%H:%M}",
                "n": n,
                "title": item.title,
                "minutes": item.duration_minutes,
            }
            speaker = agenda_speaker(item)
            lines.append(f"{line} – {speaker}" if speaker else line)
    if meeting.online_url:
        lines.append(_("Videokonferenz: %(url)s") % {"url": meeting.online_url})
    return "\n".join(lines)


def meeting_invitation(*, meeting, url, attendee_email, method="REQUEST") -> bytes:
    """One meeting as an iTIP message (RFC 5546) for a mail: REQUEST adds or updates the
    entry with this UID in Outlook and Thunderbird (a higher SEQUENCE wins), CANCEL removes
    it. The organiser is the portal's sender address; the attendee is the recipient."""
    from email.utils import parseaddr

    from django.conf import settings

    calendar = build_calendar(
        network=meeting.network, meetings=[meeting], url_for=lambda _m: url, method=method
    )
    parsed = Calendar.from_ical(calendar)
    event = next(iter(parsed.walk("VEVENT")))
    organiser = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "portal@example.org"
    event.add("organizer", f"mailto:{organiser}", parameters={"cn": meeting.network.name})
    event.add(
        "attendee",
        f"mailto:{attendee_email}",
        parameters={"role": "REQ-PARTICIPANT", "partstat": "NEEDS-ACTION", "rsvp": "FALSE"},
    )
    if method == "CANCEL":
        event["status"] = "CANCELLED"
    return parsed.to_ical()


def build_calendar(*, network, meetings, url_for, method="PUBLISH") -> bytes:
    """The feed as bytes. `url_for(meeting)` gives the absolute URL of a meeting's page."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", network.name)
    calendar.add("x-wr-timezone", "Europe/Berlin")
    stamp = timezone.now().astimezone(UTC)
    for meeting in meetings:
        event = Event()
        event.add("uid", str(meeting.uid))
        event.add("dtstamp", stamp)
        event.add("dtstart", meeting.starts_at.astimezone(UTC))
        event.add("dtend", meeting.ends_at.astimezone(UTC))
        event.add("summary", meeting.title)
        event.add("status", STATUS[meeting.status])
        event.add("sequence", meeting.version)
        event.add("categories", [str(meeting.get_kind_display())])
        location = meeting.location or meeting.online_url
        if location:
            event.add("location", location)
        event.add("url", url_for(meeting))
        description = meeting_description(meeting)
        if description:
            event.add("description", description)
        calendar.add_component(event)
    return calendar.to_ical()
