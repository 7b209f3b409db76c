"""Meetings: list, detail, edit, agenda, invitations, attendance, minutes, decisions, action
items, the iCalendar feed and its subscription page."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from network.calendar import build_calendar
from network.documents import DocumentForm
from network.forms.meetings import (
    ActionItemForm,
    ActionItemStatusForm,
    AgendaItemForm,
    AttendanceForm,
    DecisionForm,
    MeetingFilterForm,
    MeetingForm,
    MinutesForm,
)
from network.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Decision,
    Document,
    Meeting,
    Role,
)
from network.services import meetings as services
from network.views.common import network_view, posted
from network.views.edit import form_page
from network.views.history import render_history

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
            "agenda_items",
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
    agenda = list(meeting.agenda_items.all())
    agenda_minutes = sum(item.duration_minutes for item in agenda)
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
            "agenda": agenda,
            "agenda_minutes": agenda_minutes,
            "agenda_too_long": agenda_minutes > meeting.duration_minutes,
            "attendances": attendances,
            "attendance_counts": [
                (label, counts[status]) for status, label in Attendance.Status.choices
            ],
            "my_attendance": mine,
            "can_respond": may_take_part
            and meeting.status == Meeting.Status.PLANNED
            and meeting.starts_at > timezone.now(),
            "can_manage": access.can_manage_network(),
            "can_edit_content": access.can_edit_meeting_content(),
            "document_form": DocumentForm() if access.can_edit_meeting_content() else None,
        },
    )


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
    return render_history(request, access, meeting, back_url=_detail_url(meeting))


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
            return reverse("network:agenda_item_create", args=[access.network.slug, meeting.pk])
        return _detail_url(meeting) + "#agenda-heading"

    return form_page(
        request,
        access,
        AgendaItemForm(posted(request), instance=AgendaItem(meeting=meeting)),
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
def agenda_item_edit(request, access, pk, item_pk):
    meeting = _meeting(access, pk)
    item = _agenda_item(access, meeting, item_pk)
    access.require(access.can_manage_network())
    return form_page(
        request,
        access,
        AgendaItemForm(posted(request), instance=item),
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
    services.agenda_item_move(item=item, direction={"hoch": "up", "runter": "down"}[direction])
    return redirect(_detail_url(meeting) + "#agenda-heading")


# --- invitations and attendance -----------------------------------------------------------


@network_view
@require_POST
def meeting_invite(request, access, pk):
    meeting = _meeting(access, pk)
    access.require(access.can_manage_network())
    if meeting.status == Meeting.Status.CANCELLED:
        messages.error(request, _("Zu einem abgesagten Termin kann nicht eingeladen werden."))
    else:
        count = services.meeting_invite(meeting=meeting)
        messages.success(
            request,
            _("%(count)d Personen wurden eingeladen.") % {"count": count}
            if count
            else _("Alle Beteiligten sind bereits eingeladen."),
        )
    return redirect(_detail_url(meeting) + "#attendance-heading")


@network_view
@require_POST
def attendance_respond(request, access, pk):
    """The logged-in person accepts („Zusagen“) or excuses themselves from a meeting."""
    meeting = _meeting(access, pk)
    participant_ids = set(meeting.participants.values_list("pk", flat=True))
    may_take_part, membership_id = _participation(access, meeting, participant_ids)
    access.require(may_take_part)
    status = request.POST.get("status")
    if status not in (Attendance.Status.REGISTERED, Attendance.Status.EXCUSED):
        messages.error(request, _("Bitte wählen Sie „Zusagen“ oder „Entschuldigen“."))
    elif meeting.status != Meeting.Status.PLANNED or meeting.starts_at <= timezone.now():
        messages.error(
            request, _("Für diesen Termin sind keine Zusagen oder Absagen mehr möglich.")
        )
    else:
        services.attendance_respond(
            meeting=meeting, user=request.user, membership_id=membership_id, status=status
        )
        messages.success(
            request,
            _("Sie haben zugesagt.")
            if status == Attendance.Status.REGISTERED
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
    form = AttendanceForm(posted(request), attendances=attendances, meeting=meeting)

    def record(form):
        try:
            services.attendance_record(
                meeting=meeting, statuses=form.statuses(), loaded=form.loaded()
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
    )


# --- minutes, decisions, action items -----------------------------------------------------


@network_view
def minutes_edit(request, access, pk):
    meeting = _meeting(access, pk)
    access.require(access.can_edit_meeting_content())
    return form_page(
        request,
        access,
        MinutesForm(posted(request), instance=meeting),
        save=lambda form: services.minutes_save(form=form, actor=request.user),
        title=_("Protokoll: %(title)s") % {"title": meeting.title},
        breadcrumbs=_crumbs(access, meeting),
        back_url=_detail_url(meeting),
        submit_label=_("Protokoll speichern"),
        success_url=_detail_url(meeting) + "#minutes-heading",
        message=_("Das Protokoll wurde gespeichert."),
        meeting=meeting,
    )


@network_view
def decision_create(request, access, pk):
    meeting = _meeting(access, pk)
    access.require(access.can_edit_meeting_content())
    return form_page(
        request,
        access,
        DecisionForm(posted(request), instance=Decision(meeting=meeting)),
        title=_("Beschluss festhalten"),
        breadcrumbs=_crumbs(access, meeting),
        back_url=_detail_url(meeting),
        submit_label=_("Beschluss speichern"),
        success_url=_detail_url(meeting) + "#decisions-heading",
        message=_("Der Beschluss wurde festgehalten."),
        meeting=meeting,
    )


@network_view
def action_item_create(request, access, pk, decision_pk):
    meeting = _meeting(access, pk)
    decision = access.get(Decision.objects.filter(meeting=meeting), pk=decision_pk)
    access.require(access.can_edit_meeting_content())
    item = ActionItem(network=access.network, decision=decision)
    return form_page(
        request,
        access,
        ActionItemForm(posted(request), instance=item, network=access.network),
        save=lambda form: services.action_item_save(form=form, actor=request.user),
        template="network/meetings/action_item_form.html",
        title=_("Aufgabe anlegen"),
        breadcrumbs=_crumbs(access, meeting),
        back_url=_detail_url(meeting),
        submit_label=_("Aufgabe speichern"),
        success_url=_detail_url(meeting) + "#decisions-heading",
        message=_("Die Aufgabe wurde angelegt."),
        decision=decision,
        meeting=meeting,
    )


def _action_items(network):
    return ActionItem.objects.filter(network=network).select_related(
        "owner", "membership__municipality", "decision__meeting"
    )


@network_view
def action_item_list(request, access):
    status = request.GET.get("status", ActionItem.Status.OPEN)
    if status not in {*ActionItem.Status.values, "all"}:
        status = ActionItem.Status.OPEN
    items = _action_items(access.network).order_by("due_on", "pk")
    if status != "all":
        items = items.filter(status=status)
    today = timezone.localdate()
    rows = [
        (
            item,
            item.status == ActionItem.Status.OPEN and item.due_on and item.due_on < today,
            access.can_set_action_item_status(item),
        )
        for item in items
    ]
    return render(
        request,
        "network/meetings/action_item_list.html",
        {
            "access": access,
            "network": access.network,
            "rows": rows,
            "status": status,
            "statuses": [*ActionItem.Status.choices, ("all", _("alle"))],
            "overdue_count": sum(1 for _item, overdue, _may_edit in rows if overdue),
        },
    )


@network_view
def action_item_edit(request, access, item_pk):
    """Moderators and experts edit the whole item; its owner gets a form with the status
    alone (access.can_set_action_item_status)."""
    item = access.get(_action_items(access.network), pk=item_pk)
    access.require(access.can_set_action_item_status(item))
    status_only = not access.can_edit_meeting_content()
    if status_only:
        form = ActionItemStatusForm(posted(request), instance=item)
    else:
        form = ActionItemForm(posted(request), instance=item, network=access.network)
    meeting = item.decision.meeting if item.decision else None
    return form_page(
        request,
        access,
        form,
        save=lambda form: services.action_item_save(form=form, actor=request.user),
        template="network/meetings/action_item_form.html",
        title=_("Status der Aufgabe ändern") if status_only else _("Aufgabe bearbeiten"),
        breadcrumbs=_crumbs(access, meeting),
        back_url=reverse("network:action_item_list", args=[access.network.slug]),
        submit_label=_("Aufgabe speichern"),
        success_url=reverse("network:action_item_list", args=[access.network.slug]),
        message=_("Die Aufgabe wurde gespeichert."),
        item=item,
        status_only=status_only,
        decision=item.decision,
        meeting=meeting,
    )


@network_view
def action_item_history(request, access, item_pk):
    item = access.get(_action_items(access.network), pk=item_pk)
    return render_history(
        request,
        access,
        item,
        back_url=reverse("network:action_item_list", args=[access.network.slug]),
    )


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
        .prefetch_related("agenda_items")
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
