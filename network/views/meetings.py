"""Meetings: list, detail, edit, agenda, invitations, attendance, the iCalendar feed and its
subscription page. Minutes, decisions and action items: network.views.minutes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from network.calendar import agenda_times, build_calendar
from network.documents import DocumentForm, bytes_response
from network.forms.agenda_lines import AgendaLinesForm
from network.forms.meetings import (
    AgendaItemForm,
    AttendanceForm,
    GuestForm,
    InviteForm,
    MeetingFilterForm,
    MeetingForm,
    ResponseForm,
    network_people,
)
from network.forms.minutes import DecisionForm
from network.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Document,
    Meeting,
    Role,
)
from network.reports.pdf import html_to_pdf
from network.services import meetings as services
from network.views import minutes as minutes_views
from network.views.common import network_view, page_context, posted
from network.views.edit import form_page

PAST_PAGE_SIZE = 20


# --- lookups, always scoped by the network ------------------------------------------------


def _meeting(access, pk, queryset=None):
    queryset = queryset if queryset is not None else Meeting.objects.all()
    return access.get(queryset.filter(network=access.network), pk=pk)


def _detail_url(meeting):
    return reverse("network:meeting_detail", args=[meeting.network.slug, meeting.pk])


def _participation(access, meeting, participant_ids):
    """The membership a user would attend `meeting` for, and whether they may at all.

    Moderators and experts take part in every meeting (for no member); coordinators and
    staff when their member takes part and is still a member; observers only read.
    """
    if access.is_moderator or access.is_expert:
        return True, None
    own = sorted(access.active_own_membership_ids)
    eligible = [pk for pk in own if not participant_ids or pk in participant_ids]
    return (bool(eligible), eligible[0] if eligible else None)


# --- list and detail -------------------------------------------------------------------


@network_view
def meeting_list(request, access):
    network = access.network
    filters = MeetingFilterForm(request.GET or None)
    meetings = Meeting.objects.filter(network=network).prefetch_related(
        Prefetch("participants", queryset=network.memberships.select_related("municipality"))
    )
    if filters.is_valid():
        if filters.cleaned_data["kind"]:
            meetings = meetings.filter(kind=filters.cleaned_data["kind"])
        if filters.cleaned_data["status"]:
            meetings = meetings.filter(status=filters.cleaned_data["status"])
    now = timezone.now()
    upcoming = meetings.filter(ends_at__gte=now).order_by("starts_at")
    past = Paginator(meetings.filter(ends_at__lt=now).order_by("-starts_at"), PAST_PAGE_SIZE)
    page = past.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "network/meetings/meeting_list.html",
        {
            "access": access,
            "network": network,
            "filters": filters,
            "upcoming": upcoming,
            "page_obj": page,
            "query": query.urlencode(),
            "can_manage": access.can_manage_network(),
        },
    )


@network_view
def meeting_detail(request, access, pk):
    meeting = _meeting(
        access,
        pk,
        Meeting.objects.select_related("network").prefetch_related(
            Prefetch(
                "participants",
                queryset=access.network.memberships.select_related("municipality"),
            ),
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("speaker")),
            "guests",
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related(
                    "user", "membership__municipality"
                ).order_by("membership__municipality__name", "user__last_name", "user__email"),
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.prefetch_related(
                    Prefetch(
                        "action_items",
                        queryset=ActionItem.objects.select_related(
                            "owner", "membership__municipality"
                        ),
                    )
                ),
            ),
            Prefetch("documents", queryset=meeting_documents()),
        ),
    )
    attendances = list(meeting.attendances.all())
    mine = next((a for a in attendances if a.user_id == request.user.pk), None)
    participant_ids = {m.pk for m in meeting.participants.all()}
    may_take_part, _membership_id = _participation(access, meeting, participant_ids)
    counts = {status: 0 for status, _label in Attendance.Status.choices}
    for attendance in attendances:
        counts[attendance.status] += 1
    return render(
        request,
        "network/meetings/meeting_detail.html",
        {
            "access": access,
            "network": access.network,
            "meeting": meeting,
            **_agenda_context(meeting, list(meeting.agenda_items.all())),
            "attendances": attendances,
            "guests": list(meeting.guests.all()),
            "representation": services.member_representation(
                services.meeting_members(meeting, list(meeting.participants.all())), attendances
            )
            if attendances
            else [],
            "response_form": ResponseForm(initial=_response_initial(mine)),
            "attendance_counts": [
                (label, counts[status]) for status, label in Attendance.Status.choices
            ],
            # Once the meeting has begun, the usual case is one click from here.
            "registered_to_confirm": counts[Attendance.Status.REGISTERED]
            if meeting.starts_at <= timezone.now() and meeting.status != Meeting.Status.CANCELLED
            else 0,
            "my_attendance": mine,
            "can_respond": may_take_part
            and meeting.status == Meeting.Status.PLANNED
            and meeting.starts_at > timezone.now(),
            "can_manage": access.can_manage_network(),
            "can_edit_content": access.can_edit_meeting_content(),
            "document_form": DocumentForm() if access.can_edit_meeting_content() else None,
            # A decision is written down during the meeting: its form is on the page.
            "decision_form": DecisionForm(instance=Decision(meeting=meeting), auto_id="decision_%s")
            if access.can_edit_meeting_content() and meeting.status != Meeting.Status.CANCELLED
            else None,
            "agenda_lines_form": AgendaLinesForm(auto_id="agenda_lines_%s")
            if access.can_manage_network() and meeting.status == Meeting.Status.PLANNED
            else None,
            **minutes_views.minutes_context(access, meeting),
        },
    )


def _response_initial(attendance):
    """The answer form starts with what the person said last time."""
    if attendance is None:
        return {}
    return {"comment": attendance.comment, "substitute": attendance.substitute}


def meeting_documents():
    return Document.objects.select_related("uploaded_by").order_by("title", "pk")


# --- create, edit, cancel -----------------------------------------------------------------


def _crumbs(access, meeting=None):
    """Breadcrumbs of the meetings area: the list, and the meeting when there is one."""
    crumbs = [(_("Termine"), reverse("network:meeting_list", args=[access.network.slug]))]
    if meeting is not None:
        crumbs.append((meeting.title, _detail_url(meeting)))
    return crumbs


@network_view
def meeting_create(request, access):
    access.require(access.can_manage_network())
    form = MeetingForm(
        posted(request), instance=Meeting(network=access.network), network=access.network
    )
    return form_page(
        request,
        access,
        form,
        title=_("Termin anlegen"),
        breadcrumbs=_crumbs(access),
        back_url=reverse("network:meeting_list", args=[access.network.slug]),
        submit_label=_("Termin speichern"),
        success_url=_detail_url,
        message=_("Der Termin wurde angelegt."),
    )


@network_view
def meeting_edit(request, access, pk):
    meeting = _meeting(access, pk)
    access.require(access.can_manage_network())
    return form_page(
        request,
        access,
        MeetingForm(posted(request), instance=meeting, network=access.network),
        save=lambda form: services.meeting_save(form=form, actor=request.user),
        title=_("Termin bearbeiten"),
        breadcrumbs=_crumbs(access, meeting),
        back_url=_detail_url(meeting),
        submit_label=_("Termin speichern"),
        success_url=_detail_url(meeting),
        message=_("Der Termin wurde gespeichert."),
        meeting=meeting,
    )


@network_view
@require_POST
def meeting_cancel(request, access, pk):
    meeting = _meeting(access, pk)
    access.require(access.can_manage_network())
    if meeting.status != Meeting.Status.CANCELLED:
        services.meeting_cancel(meeting=meeting, actor=request.user)
        messages.success(request, _("Der Termin wurde abgesagt."))
    return redirect(_detail_url(meeting))


@network_view
def meeting_history(request, access, pk):
    meeting = _meeting(access, pk)
    return minutes_views.meeting_history(request, access, meeting, back_url=_detail_url(meeting))


# --- agenda -------------------------------------------------------------------------------


def _agenda_item(access, meeting, item_pk):
    return access.get(AgendaItem.objects.filter(meeting=meeting), pk=item_pk)


@network_view
def agenda_item_create(request, access, pk):
    meeting = _meeting(access, pk)
    access.require(access.can_manage_network())

    def add(form):
        item = services.agenda_item_add(meeting=meeting, item=form.save(commit=False))
        return item

    def next_page(item):
        if "add_another" in request.POST:
            url = reverse("network:agenda_item_create", args=[access.network.slug, meeting.pk])
            return url + "?weiter=1"
        return _detail_url(meeting) + "#agenda-heading"

    form = AgendaItemForm(
        posted(request), instance=AgendaItem(meeting=meeting), network=access.network
    )
    if "weiter" in request.GET:
        # Several items in a row: the next title can be typed at once.
        form.fields["title"].widget.attrs["autofocus"] = True
    items = list(meeting.agenda_items.select_related("speaker"))
    return form_page(
        request,
        access,
        form,
        **_agenda_context(meeting, items),
        template="network/meetings/agenda_item_form.html",
        title=_("Tagesordnungspunkt hinzufügen"),
        breadcrumbs=_crumbs(access, meeting),
        back_url=_detail_url(meeting),
        submit_label=_("Tagesordnungspunkt speichern"),
        save=add,
        success_url=next_page,
        message=_("Der Tagesordnungspunkt wurde hinzugefügt."),
        meeting=meeting,
    )


@network_view
def agenda_items_paste(request, access, pk):
    """Several agenda items at once, one per line (network.forms.agenda_lines): the agenda
    as it stands in the invitation letter, pasted instead of typed item by item. The
    detail page carries the same form; a text with unreadable lines comes back here in
    full, with each such line named."""
    meeting = _meeting(access, pk)
    access.require(access.can_manage_network())

    def add(form):
        return services.agenda_items_add_lines(
            meeting=meeting,
            lines=form.cleaned_data["lines"],
            people=network_people(access.network),
        )

    return form_page(
        request,
        access,
        AgendaLinesForm(posted(request)),
        title=_("Mehrere Tagesordnungspunkte hinzufügen"),
        breadcrumbs=_crumbs(access, meeting),
        back_url=_detail_url(meeting),
        submit_label=_("Tagesordnungspunkte hinzufügen"),
        save=add,
        success_url=_detail_url(meeting) + "#agenda-heading",
        message=lambda items: (
            ngettext(
                "%(count)d Tagesordnungspunkt wurde hinzugefügt.",
                "%(count)d Tagesordnungspunkte wurden hinzugefügt.",
                len(items),
            )
            % {"count": len(items)}
        ),
        meeting=meeting,
    )


@network_view
def agenda_item_edit(request, access, pk, item_pk):
    meeting = _meeting(access, pk)
    item = _agenda_item(access, meeting, item_pk)
    access.require(access.can_manage_network())
    return form_page(
        request,
        access,
        AgendaItemForm(posted(request), instance=item, network=access.network),
        template="network/meetings/agenda_item_form.html",
        title=_("Tagesordnungspunkt bearbeiten"),
        breadcrumbs=_crumbs(access, meeting),
        back_url=_detail_url(meeting),
        submit_label=_("Tagesordnungspunkt speichern"),
        success_url=_detail_url(meeting) + "#agenda-heading",
        message=_("Der Tagesordnungspunkt wurde gespeichert."),
        meeting=meeting,
        item=item,
    )


@network_view
@require_POST
def agenda_item_delete(request, access, pk, item_pk):
    meeting = _meeting(access, pk)
    item = _agenda_item(access, meeting, item_pk)
    access.require(access.can_manage_network())
    services.agenda_item_delete(item=item)
    messages.success(request, _("Der Tagesordnungspunkt wurde entfernt."))
    return redirect(_detail_url(meeting) + "#agenda-heading")


@network_view
@require_POST
def agenda_item_move(request, access, pk, item_pk, direction):
    meeting = _meeting(access, pk)
    item = _agenda_item(access, meeting, item_pk)
    access.require(access.can_manage_network())
    direction = {"hoch": "up", "runter": "down"}[direction]
    services.agenda_item_move(item=item, direction=direction)
    if not request.htmx:
        return redirect(_detail_url(meeting) + "#agenda-heading")
    # htmx: the agenda alone, with the focus back on the moved item's button and its new
    # place announced, so keyboard and screen reader users keep their position.
    items = list(meeting.agenda_items.select_related("speaker"))
    position = next(n for n, other in enumerate(items, start=1) if other.pk == item.pk)
    return render(
        request,
        "network/meetings/_agenda.html",
        {
            "network": access.network,
            "meeting": meeting,
            "can_manage": True,
            **_agenda_context(meeting, items, moved=(item.pk, direction)),
            "announcement": _("„%(title)s“ ist jetzt Punkt %(n)d von %(count)d.")
            % {"title": item.title, "n": position, "count": len(items)},
        },
    )


def _agenda_context(meeting, items, *, moved=None):
    """The agenda with each item's clock times (10:00–10:30), for the detail page and the
    fragment htmx swaps in. `moved`: (item id, "up"/"down") of the item just moved."""
    times = agenda_times(meeting.starts_at, [item.duration_minutes for item in items])
    minutes = sum(item.duration_minutes for item in items)
    return {
        "agenda": [(item, start, end) for item, (start, end) in zip(items, times, strict=True)],
        "agenda_minutes": minutes,
        "agenda_too_long": minutes > meeting.duration_minutes,
        "moved_pk": moved[0] if moved else None,
        "moved_direction": moved[1] if moved else "",
    }


# --- invitations and attendance -----------------------------------------------------------


@network_view
def meeting_invite(request, access, pk):
    """The invitation page: the mail as it goes out, the people to tick, guests, a personal
    message. A POST without the page's marker (an older page, a script) invites everyone
    not yet invited, as the button did before this page existed."""
    meeting = _meeting(access, pk)
    access.require(access.can_manage_network())
    back = _detail_url(meeting) + "#attendance-heading"
    if meeting.status == Meeting.Status.CANCELLED:
        messages.error(request, _("Zu einem abgesagten Termin kann nicht eingeladen werden."))
        return redirect(back)
    if request.method == "POST" and "invite_page" not in request.POST:
        return _invited(request, services.meeting_invite(meeting=meeting), back)
    groups = services.meeting_invitee_groups(meeting)
    invitees = [row for _label, rows in groups for row in rows]
    form = InviteForm(
        posted(request),
        invitees=invitees,
        initial={"recipients": [user.pk for user, already in invitees if not already]},
    )
    previewing = "preview" in request.POST
    if request.method == "POST" and not previewing and form.is_valid():
        count = services.meeting_invite(
            meeting=meeting,
            user_ids=form.cleaned_data["recipients"],
            guests=form.cleaned_data["guests"],
            message=form.cleaned_data["message"],
        )
        return _invited(request, count, back)
    message = form.data.get("message", "") if form.is_bound else ""
    subject, text = services.invitation_preview(
        meeting=meeting, user=request.user, message=message[:5000]
    )
    return render(
        request,
        "network/meetings/invite.html",
        page_context(
            access,
            meeting=meeting,
            form=form,
            groups=groups,
            chosen={str(pk) for pk in form["recipients"].value() or []},
            preview_subject=subject,
            preview_text=text,
            title=_("Einladen: %(title)s") % {"title": meeting.title},
            breadcrumbs=_crumbs(access, meeting),
            back_url=_detail_url(meeting),
        ),
    )


def _invited(request, count, back):
    messages.success(
        request,
        _("%(count)d Personen wurden eingeladen.") % {"count": count}
        if count
        else _("Alle Beteiligten sind bereits eingeladen."),
    )
    return redirect(back)


@network_view
@require_POST
def attendance_respond(request, access, pk):
    """The logged-in person accepts („Zusagen“) or excuses themselves from a meeting."""
    meeting = _meeting(access, pk)
    participant_ids = set(meeting.participants.values_list("pk", flat=True))
    may_take_part, membership_id = _participation(access, meeting, participant_ids)
    access.require(may_take_part)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        _error_messages(request, form)
    elif meeting.status != Meeting.Status.PLANNED or meeting.starts_at <= timezone.now():
        messages.error(
            request, _("Für diesen Termin sind keine Zusagen oder Absagen mehr möglich.")
        )
    else:
        services.attendance_respond(
            meeting=meeting,
            user=request.user,
            membership_id=membership_id,
            status=form.cleaned_data["status"],
            comment=form.cleaned_data["comment"],
            substitute=form.cleaned_data["substitute"],
        )
        messages.success(
            request,
            _("Sie haben zugesagt.")
            if form.cleaned_data["status"] == Attendance.Status.REGISTERED
            else _("Sie sind entschuldigt."),
        )
    return redirect(_detail_url(meeting) + "#attendance-heading")


@network_view
def attendance_record(request, access, pk):
    meeting = _meeting(access, pk)
    access.require(access.can_manage_network())
    attendances = meeting.attendances.select_related("user", "membership__municipality").order_by(
        "membership__municipality__name", "user__last_name", "user__email"
    )
    guests = list(meeting.guests.all())
    form = AttendanceForm(posted(request), attendances=attendances, meeting=meeting, guests=guests)

    def record(form):
        try:
            services.attendance_record(
                meeting=meeting,
                statuses=form.statuses(),
                loaded=form.loaded(),
                guest_statuses=form.statuses(guests),
                guest_loaded=form.loaded(guests),
            )
        except services.AttendanceChanged as changed:
            form.refuse_changed(changed.rows)  # says so at each row; nothing was saved
            return None
        return meeting

    return form_page(
        request,
        access,
        form,
        template="network/meetings/attendance_form.html",
        title=_("Teilnahme erfassen: %(title)s") % {"title": meeting.title},
        breadcrumbs=_crumbs(access, meeting),
        back_url=_detail_url(meeting),
        submit_label=_("Teilnahme speichern"),
        save=record,
        success_url=_detail_url(meeting) + "#attendance-heading",
        message=_("Die Teilnahme wurde gespeichert."),
        meeting=meeting,
        started=meeting.starts_at <= timezone.now(),
        registered_count=sum(a.status == Attendance.Status.REGISTERED for a in form.attendances),
        representation=services.member_representation(
            services.meeting_members(meeting), form.attendances
        ),
        guest_form=GuestForm(),
    )


@network_view
@require_POST
def attendance_confirm_registered(request, access, pk):
    """„Alle Zugesagten als teilgenommen“: one click instead of a choice per person."""
    meeting = _meeting(access, pk)
    access.require(access.can_manage_network())
    try:
        count = services.attendance_confirm_registered(meeting=meeting)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(_attendance_url(meeting))
    messages.success(
        request,
        ngettext(
            "%(count)d zugesagte Person als teilgenommen erfasst.",
            "%(count)d zugesagte Personen als teilgenommen erfasst.",
            count,
        )
        % {"count": count},
    )
    return redirect(_attendance_url(meeting))


@network_view
@require_POST
def guest_add(request, access, pk):
    """A guest without an account written down on the attendance page."""
    meeting = _meeting(access, pk)
    access.require(access.can_manage_network())
    form = GuestForm(request.POST)
    if form.is_valid():
        guest = services.guest_add(meeting=meeting, **form.cleaned_data)
        messages.success(request, _("%(name)s wurde als Gast eingetragen.") % {"name": guest})
    else:
        _error_messages(request, form)
    return redirect(_attendance_url(meeting) + "#guests-heading")


def _error_messages(request, form):
    """A small form posted from a page that is not its own (answer, guest at the door):
    its errors go back as messages, each with its field's label."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {errors[0]}" if label else errors[0])


def _attendance_url(meeting):
    return reverse("network:attendance_record", args=[meeting.network.slug, meeting.pk])


@network_view
def attendance_signatures(request, access, pk):
    """The signature list to print (PDF): names by member, guests, an empty column to sign."""
    meeting = _meeting(access, pk, Meeting.objects.select_related("network"))
    access.require(access.can_manage_network())
    day = timezone.localtime(meeting.starts_at).date()
    return bytes_response(
        signature_list_pdf(meeting),
        filename=f"Unterschriftenliste-{meeting.network.slug}-{day:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )


def signature_list_pdf(meeting) -> bytes:
    """The PDF of the signature list (WeasyPrint, the reports' safe fetcher, tagged)."""
    attendances = list(
        meeting.attendances.select_related("user", "membership__municipality").order_by(
            "membership__municipality__name", "user__last_name", "user__email"
        )
    )
    members = services.meeting_members(meeting)
    by_member = {m.pk: [] for m in members}
    for attendance in attendances:
        if attendance.status == Attendance.Status.EXCUSED and not attendance.substitute:
            continue
        by_member.setdefault(attendance.membership_id, []).append(attendance)
    staff = by_member.pop(None, [])  # moderation and experts: no member
    sections = [(m.municipality.name, by_member.get(m.pk, [])) for m in members]
    html = render_to_string(
        "network/meetings/signature_list_pdf.html",
        {
            "meeting": meeting,
            "network": meeting.network,
            "sections": sections,
            "staff": staff,
            "guests": list(meeting.guests.all()),
        },
    )
    return html_to_pdf(html)


# --- iCalendar ----------------------------------------------------------------------------


@network_view
def calendar_subscribe(request, access):
    """Shows the personal feed URL; POST renews the token, so the old URL stops working."""
    if request.method == "POST":
        request.user.renew_calendar_token()
        messages.success(
            request,
            _(
                "Die Kalender-Adresse wurde erneuert. "
                "Die bisherige Adresse funktioniert nicht mehr."
            ),
        )
        return redirect("network:calendar_subscribe", network_slug=access.network.slug)
    feed_url = request.build_absolute_uri(
        reverse("network:calendar_feed", args=[access.network.slug, request.user.calendar_token])
    )
    return render(
        request,
        "network/meetings/calendar_subscribe.html",
        {
            "access": access,
            "network": access.network,
            "feed_url": feed_url,
            "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
        },
    )


@require_GET
@never_cache
def calendar_feed(request, network_slug, token):
    """The network's meetings as iCalendar; the secret token stands in for a login."""
    role = (
        Role.objects.filter(
            network__slug=network_slug, user__calendar_token=token, user__is_active=True
        )
        .select_related("network")
        .first()
    )
    if role is None or not token:
        raise Http404
    network = role.network
    meetings = (
        Meeting.objects.filter(network=network)
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("speaker"))
        )
        .order_by("starts_at")
    )
    body = build_calendar(
        network=network,
        meetings=meetings,
        url_for=lambda m: request.build_absolute_uri(
            reverse("network:meeting_detail", args=[network.slug, m.pk])
        ),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{network.slug}.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
