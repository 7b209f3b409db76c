"""What a meeting produces: its minutes (Markdown, draft → released, PDF), its numbered
decisions with their vote, and the action items that come out of them."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from network.documents import bytes_response
from network.forms.minutes import (
    ActionItemForm,
    ActionItemStatusForm,
    DecisionForm,
    MinutesForm,
)
from network.markdown import render_markdown
from network.models import ActionItem, Attendance, Decision, Meeting
from network.reports.pdf import html_to_pdf
from network.services import meetings as services
from network.views import meetings as meeting_views
from network.views.common import network_view, page_context, posted
from network.views.edit import form_page
from network.views.history import history_entries, render_history

# --- minutes ------------------------------------------------------------------------------


def minutes_html(meeting) -> str:
    """The minutes as safe HTML (network.markdown); their headings start below the page's
    „Protokoll“ heading (h3)."""
    return mark_safe(render_markdown(meeting.minutes, first_heading=3))  # noqa: S308 - nh3


def minutes_context(access, meeting) -> dict:
    """What the meeting page shows of the minutes: the text only to whom may read it
    (released, or a draft to those who write minutes), and the release button."""
    readable = meeting.minutes_readable_by(access)
    return {
        "minutes_readable": readable,
        "minutes_html": minutes_html(meeting) if readable and meeting.minutes else "",
        "can_release_minutes": access.can_edit_meeting_content()
        and not meeting.minutes_released
        and bool(meeting.minutes.strip()),
    }


@network_view
def minutes_edit(request, access, pk):
    meeting = meeting_views._meeting(access, pk)
    access.require(access.can_edit_meeting_content())
    if meeting.minutes_released:
        intro = _(
            "Das Protokoll ist freigegeben. Wenn Sie den Text ändern, wird es wieder zum "
            "Entwurf: Mitglieder sehen es erst nach der erneuten Freigabe, und die "
            "Eingeladenen werden dann noch einmal benachrichtigt."
        )
    else:
        intro = _(
            "Entwurf: nur Moderation und Expertinnen/Experten sehen ihn. Nach der Freigabe "
            "lesen ihn alle Mitglieder, und die Eingeladenen werden benachrichtigt."
        )
    release = request.method == "POST" and "release" in request.POST

    def save(form):
        saved = services.minutes_save(form=form, actor=request.user)
        if saved is not None and release:
            # The text just saved is the one the person read: released as it stands.
            services.minutes_release(meeting=saved, actor=request.user, digest=saved.minutes_digest)
        return saved

    return form_page(
        request,
        access,
        MinutesForm(posted(request), instance=meeting),
        save=save,
        template="network/meetings/minutes_form.html",
        title=_("Protokoll: %(title)s") % {"title": meeting.title},
        intro=intro
        + " "
        + _(
            "Der Text wird in Markdown geschrieben (# Überschrift, **fett**, - Liste, "
            "Tabellen). HTML wird aus Sicherheitsgründen entfernt."
        ),
        breadcrumbs=meeting_views._crumbs(access, meeting),
        back_url=meeting_views._detail_url(meeting),
        submit_label=_("Entwurf speichern"),
        success_url=meeting_views._detail_url(meeting) + "#minutes-heading",
        message=_(
            "Das Protokoll wurde gespeichert und freigegeben; die Eingeladenen wurden informiert."
        )
        if release
        else _("Das Protokoll wurde als Entwurf gespeichert."),
        meeting=meeting,
    )


@network_view
@require_POST
def minutes_release(request, access, pk):
    meeting = meeting_views._meeting(access, pk)
    access.require(access.can_edit_meeting_content())
    again = meeting.minutes_released_at is not None
    try:
        released = services.minutes_release(
            meeting=meeting, actor=request.user, digest=request.POST.get("digest", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if released:
            messages.success(
                request,
                _("Das Protokoll wurde erneut freigegeben; die Eingeladenen wurden informiert.")
                if again
                else _("Das Protokoll wurde freigegeben; die Eingeladenen wurden informiert."),
            )
        else:
            messages.info(request, _("Das Protokoll war bereits freigegeben."))
    return redirect(meeting_views._detail_url(meeting) + "#minutes-heading")


def meeting_history(request, access, meeting, back_url):
    """The meeting's history; whoever may not read draft minutes does not read their
    revisions there either (the released text is on the meeting page)."""
    if access.can_edit_meeting_content():
        return render_history(request, access, meeting, back_url=back_url)
    hidden = {str(Meeting._meta.get_field("minutes").verbose_name)}
    entries = history_entries(meeting)
    for entry in entries:
        entry.changes = [c for c in entry.changes if c.label not in hidden]
    return render(
        request,
        "network/history/history.html",
        page_context(
            access,
            object=meeting,
            object_type=meeting._meta.verbose_name,
            entries=entries,
            back_url=back_url,
        ),
    )


def _attendance_by_municipality(attendances):
    """[(municipality name or "", [attended], [excused])] — people without a municipality
    (moderation, experts) first under an empty name."""
    groups: dict[str, tuple[list, list]] = {}
    for attendance in attendances:
        name = attendance.membership.municipality.name if attendance.membership_id else ""
        attended, excused = groups.setdefault(name, ([], []))
        if attendance.status == Attendance.Status.ATTENDED:
            attended.append(str(attendance.user))
        elif attendance.status == Attendance.Status.EXCUSED:
            excused.append(str(attendance.user))
    return [(name, a, e) for name, (a, e) in sorted(groups.items()) if a or e]


def minutes_pdf_filename(meeting) -> str:
    day = timezone.localdate(meeting.starts_at)
    return f"Protokoll-{meeting.network.slug.upper()}-{day:%Y-%m-%d}.pdf"


def render_minutes_pdf(meeting) -> bytes:
    """The minutes as a tagged A4 PDF, German whoever asks (like the reports)."""
    attendances = meeting.attendances.select_related("user", "membership__municipality").order_by(
        "user__last_name", "user__email"
    )
    decisions = meeting.decisions.prefetch_related(
        Prefetch(
            "action_items",
            queryset=ActionItem.objects.select_related("owner", "membership__municipality"),
        )
    )
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "network/meetings/minutes_pdf.html",
            {
                "meeting": meeting,
                "network": meeting.network,
                "attendance": _attendance_by_municipality(attendances),
                "agenda": meeting.agenda_items.all(),
                "minutes_html": minutes_html(meeting),
                "decisions": decisions,
                "generated_at": timezone.now(),
            },
        )
    return html_to_pdf(html)


@network_view
@require_GET
def minutes_pdf(request, access, pk):
    meeting = meeting_views._meeting(access, pk, Meeting.objects.select_related("network"))
    access.require(meeting.minutes_readable_by(access))
    return bytes_response(
        render_minutes_pdf(meeting),
        filename=minutes_pdf_filename(meeting),
        content_type="application/pdf",
    )


# --- decisions ----------------------------------------------------------------------------


def _decision(access, meeting, decision_pk):
    return access.get(Decision.objects.filter(meeting=meeting), pk=decision_pk)


@network_view
def decision_create(request, access, pk):
    meeting = meeting_views._meeting(access, pk)
    access.require(access.can_edit_meeting_content())
    return form_page(
        request,
        access,
        DecisionForm(posted(request), instance=Decision(meeting=meeting)),
        save=lambda form: services.decision_add(form=form),
        title=_("Beschluss festhalten"),
        intro=_(
            "Der Beschluss bekommt die nächste Nummer dieses Termins. Das Ergebnis einer "
            "Abstimmung ist freiwillig."
        ),
        breadcrumbs=meeting_views._crumbs(access, meeting),
        back_url=meeting_views._detail_url(meeting),
        submit_label=_("Beschluss speichern"),
        success_url=meeting_views._detail_url(meeting) + "#decisions-heading",
        message=lambda d: _("%(label)s wurde festgehalten.") % {"label": d.label},
        meeting=meeting,
    )


@network_view
def decision_edit(request, access, pk, decision_pk):
    meeting = meeting_views._meeting(access, pk)
    decision = _decision(access, meeting, decision_pk)
    access.require(access.can_edit_meeting_content())
    return form_page(
        request,
        access,
        DecisionForm(posted(request), instance=decision),
        title=_("%(label)s bearbeiten") % {"label": decision.label},
        breadcrumbs=meeting_views._crumbs(access, meeting),
        back_url=meeting_views._detail_url(meeting),
        submit_label=_("Beschluss speichern"),
        success_url=meeting_views._detail_url(meeting) + f"#decision-{decision.pk}",
        message=_("%(label)s wurde gespeichert.") % {"label": decision.label},
        meeting=meeting,
    )


@network_view
def decision_history(request, access, pk, decision_pk):
    meeting = meeting_views._meeting(access, pk)
    decision = _decision(access, meeting, decision_pk)
    return render_history(
        request,
        access,
        decision,
        back_url=meeting_views._detail_url(meeting) + f"#decision-{decision.pk}",
    )


# --- action items -------------------------------------------------------------------------


def _owner_refresh(request, form_class, **kwargs):
    """Without JavaScript the municipality is changed by „Verantwortliche aktualisieren“:
    the form comes back unsaved with the typed values and the owners of that municipality
    (with htmx only the owner field is swapped, see action_item_owner_choices)."""
    if request.method == "POST" and "refresh_owners" in request.POST:
        data = request.POST.copy()
        data.pop("refresh_owners")
        initial = {name: data.get(name) for name in data if name != "csrfmiddlewaretoken"}
        return form_class(None, initial=initial, **kwargs)
    return form_class(posted(request), **kwargs)


@network_view
def action_item_create(request, access, pk, decision_pk):
    meeting = meeting_views._meeting(access, pk)
    decision = _decision(access, meeting, decision_pk)
    access.require(access.can_edit_meeting_content())
    item = ActionItem(network=access.network, decision=decision)
    return form_page(
        request,
        access,
        _owner_refresh(request, ActionItemForm, instance=item, network=access.network),
        save=lambda form: services.action_item_save(form=form, actor=request.user),
        template="network/meetings/action_item_form.html",
        title=_("Aufgabe anlegen"),
        breadcrumbs=meeting_views._crumbs(access, meeting),
        back_url=meeting_views._detail_url(meeting),
        submit_label=_("Aufgabe speichern"),
        success_url=meeting_views._detail_url(meeting) + "#decisions-heading",
        message=_("Die Aufgabe wurde angelegt."),
        decision=decision,
        meeting=meeting,
    )


@network_view
@require_GET
def action_item_owner_choices(request, access):
    """The owner field for the municipality chosen (htmx swaps it into the form); `item`
    names the action item being edited, whose current owner stays offered."""
    access.require(access.can_edit_meeting_content())
    item = ActionItem(network=access.network)
    if request.GET.get("item", "").isdigit():
        item = access.get(_action_items(access.network), pk=int(request.GET["item"]))
    initial = {name: request.GET.get(name) for name in ("membership", "owner")}
    form = ActionItemForm(None, initial=initial, instance=item, network=access.network)
    return render(request, "network/meetings/_owner_field.html", {"field": form["owner"]})


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
        form = _owner_refresh(request, ActionItemForm, instance=item, network=access.network)
    meeting = item.decision.meeting if item.decision else None
    return form_page(
        request,
        access,
        form,
        save=lambda form: services.action_item_save(form=form, actor=request.user),
        template="network/meetings/action_item_form.html",
        title=_("Status der Aufgabe ändern") if status_only else _("Aufgabe bearbeiten"),
        breadcrumbs=meeting_views._crumbs(access, meeting),
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
