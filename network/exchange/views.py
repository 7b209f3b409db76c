"""Pages of the collegial consultation (Fallberatung): the list of cases, a case with its
phases and contributions, and the forms around it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network.markdown import render_markdown
from network.models.exchange import CONTRIBUTION_PHASES, PHASE_ORDER, Phase
from network.views.common import network_view, page_context, posted
from network.views.edit import form_page
from network.views.history import render_history

from . import links, rules, services
from .forms import CaseForm, ConclusionForm, ContributionForm, ScheduleForm


def _list_url(access):
    return reverse("network:case_list", args=[access.network.slug])


def _crumbs(access):
    return [(_("Fallberatung"), _list_url(access))]


@network_view
def case_list(request, access):
    cases = (
        rules.cases_for(access)
        .select_related("membership__municipality", "owner")
        .annotate(contribution_count=Count("contributions"))
        .order_by("-created_at", "-pk")
    )
    cases = list(cases)
    return render(
        request,
        "network/exchange/case_list.html",
        page_context(
            access,
            running=[case for case in cases if not case.is_done],
            done=[case for case in cases if case.is_done],
            can_bring=rules.can_bring(access),
        ),
    )


@network_view
def case_create(request, access):
    access.require(rules.can_bring(access))

    def bring(form):
        data = form.cleaned_data
        return services.case_bring(
            access=access,
            membership=data["membership"],
            title=data["title"],
            description=data["description"],
            confidentiality=data["confidentiality"],
            link_values=data["links"],
        )

    return form_page(
        request,
        access,
        CaseForm(posted(request), access=access),
        title=_("Fall einbringen"),
        intro=_(
            "Beschreiben Sie die Herausforderung aus Ihrem Haus. Die Runde stellt zuerst "
            "Verständnisfragen, dann sammelt sie Ideen und Erfahrungen; zum Schluss ziehen "
            "Sie Ihr Fazit."
        ),
        breadcrumbs=_crumbs(access),
        back_url=_list_url(access),
        submit_label=_("Fall einbringen"),
        save=bring,
        success_url=services.case_url,
        message=_("Der Fall wurde eingebracht."),
    )


@network_view
def case_detail(request, access, pk):
    case = rules.get_case(access, pk)
    return _render_detail(request, access, case)


def _render_detail(request, access, case, contribution_form=None, status=200):
    contributions = list(case.contributions.select_related("author", "membership__municipality"))
    by_phase = [
        (phase, Phase(phase).label, [c for c in contributions if c.phase == phase])
        for phase in CONTRIBUTION_PHASES
    ]
    can_steer = rules.can_steer(access, case)
    form = contribution_form or ContributionForm()
    # Where the contribution form stands: in the open phase; a refused text comes back
    # there too, or on its own when no phase takes contributions any more.
    shown = rules.can_contribute(access, case) or form.is_bound
    form_phase = case.phase if shown and case.phase in CONTRIBUTION_PHASES else None
    outcomes = [
        (key, outcome.label)
        for key, outcome in links.outcomes().items()
        if outcome.allowed(access, case)
    ]
    agenda = list(case.agenda_items.select_related("meeting").order_by("meeting__starts_at"))
    return render(
        request,
        "network/exchange/case_detail.html",
        page_context(
            access,
            case=case,
            description_html=render_markdown(case.description),
            conclusion_html=render_markdown(case.conclusion) if case.conclusion else "",
            links=links.resolved(access, case),
            made=links.made_of(access, case),
            phases=_phases(case),
            step=_step(case),
            by_phase=by_phase,
            can_steer=can_steer,
            is_owner=case.owner_id == access.user.pk,
            can_contribute=rules.can_contribute(access, case),
            contribution_form=form,
            form_phase=form_phase,
            can_schedule=rules.can_schedule(access, case) and not case.is_done,
            outcomes=outcomes,
            agenda=agenda,
        ),
        status=status,
    )


def _step(case):
    """The one phase action the owner or the moderation has next, as a button."""
    if case.is_done:
        return None
    label = Phase(case.phase).label
    if case.phase_open:
        if case.phase == Phase.CONCLUSION:
            return {"action": "close", "phase": case.phase, "label": _("Fall abschließen")}
        text = _("Phase „%(phase)s“ schließen") % {"phase": label}
        return {"action": "close", "phase": case.phase, "label": text}
    following = case.next_phase
    text = _("Phase „%(phase)s“ eröffnen") % {"phase": Phase(following).label}
    return {"action": "open", "phase": following, "label": text}


def _phases(case):
    """Each phase with its state for the timeline: done, open, closed (current) or to come."""
    current = PHASE_ORDER.index(case.phase)
    rows = []
    for index, phase in enumerate(PHASE_ORDER[:-1]):
        if index < current:
            state = "done"
        elif index == current:
            state = "open" if case.phase_open else "closed"
        else:
            state = "future"
        rows.append({"phase": phase, "label": Phase(phase).label, "state": state})
    return rows


@network_view
def case_edit(request, access, pk):
    case = rules.get_case(access, pk)
    access.require(rules.can_steer(access, case))
    return form_page(
        request,
        access,
        CaseForm(posted(request), instance=case, access=access),
        title=_("Fall bearbeiten"),
        breadcrumbs=[*_crumbs(access), (case.title, services.case_url(case))],
        back_url=services.case_url(case),
        save=lambda form: services.case_save(form=form),
        success_url=services.case_url,
        message=_("Der Fall wurde gespeichert."),
    )


@network_view
@require_POST
def case_phase(request, access, pk):
    case = rules.get_case(access, pk)
    access.require(rules.can_steer(access, case))
    action, phase = request.POST.get("action"), request.POST.get("phase")
    if action not in ("open", "close") or phase not in PHASE_ORDER[:-1]:
        messages.error(request, _("Diese Phase kann so nicht geändert werden."))
        return redirect(services.case_url(case))
    try:
        done = services.case_phase_step(access=access, case=case, action=action, phase=phase)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(services.case_url(case))
    label = Phase(phase).label
    if not done:
        messages.warning(
            request,
            _(
                "Die Phase „%(phase)s“ wurde inzwischen schon geändert; Sie sehen den "
                "aktuellen Stand."
            )
            % {"phase": label},
        )
    elif action == "open":
        messages.success(request, _("Die Phase „%(phase)s“ ist eröffnet.") % {"phase": label})
    elif case.is_done:
        messages.success(request, _("Der Fall ist abgeschlossen."))
    else:
        messages.success(request, _("Die Phase „%(phase)s“ ist geschlossen.") % {"phase": label})
    return redirect(services.case_url(case))


@network_view
@require_POST
def contribution_create(request, access, pk):
    case = rules.get_case(access, pk)
    access.require(rules.may_contribute(access))
    form = ContributionForm(request.POST)
    if form.is_valid():
        try:
            contribution = services.contribution_add(
                access=access, case=case, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Ihr Beitrag wurde gespeichert."))
            return redirect(services.case_url(case) + f"#beitrag-{contribution.pk}")
    case.refresh_from_db()
    # The text comes back with the message, nothing typed is lost.
    return _render_detail(request, access, case, contribution_form=form, status=400)


@network_view
def conclusion_edit(request, access, pk):
    case = rules.get_case(access, pk)
    access.require(rules.can_steer(access, case))
    if case.phase != Phase.CONCLUSION or not case.phase_open:
        messages.error(
            request, _("Das Fazit wird geschrieben, wenn die Phase „Fazit“ eröffnet ist.")
        )
        return redirect(services.case_url(case))
    return form_page(
        request,
        access,
        ConclusionForm(posted(request), instance=case),
        title=_("Fazit schreiben"),
        breadcrumbs=[*_crumbs(access), (case.title, services.case_url(case))],
        back_url=services.case_url(case),
        success_url=services.case_url,
        message=_("Das Fazit wurde gespeichert."),
    )


@network_view
def case_schedule(request, access, pk):
    case = rules.get_case(access, pk)
    access.require(access.is_moderator)
    if not rules.can_schedule(access, case):
        messages.error(
            request,
            _(
                "Ein Fall, den nur die Moderation und die Fallgeberin/der Fallgeber lesen, "
                "kommt nicht auf die Tagesordnung, die das ganze Netzwerk liest."
            ),
        )
        return redirect(services.case_url(case))

    def schedule(form):
        return services.case_schedule(
            access=access,
            case=case,
            meeting=form.cleaned_data["meeting"],
            duration_minutes=form.cleaned_data["duration_minutes"],
        )

    return form_page(
        request,
        access,
        ScheduleForm(posted(request), network=access.network),
        title=_("Auf die Tagesordnung setzen"),
        intro=_("Der Fall wird als Tagesordnungspunkt „Fallberatung: …“ angehängt."),
        breadcrumbs=[*_crumbs(access), (case.title, services.case_url(case))],
        back_url=services.case_url(case),
        submit_label=_("Auf die Tagesordnung setzen"),
        save=schedule,
        success_url=lambda item: (
            reverse("network:meeting_detail", args=[access.network.slug, item.meeting_id])
            + "#agenda-heading"
        ),
        message=_("Der Fall steht auf der Tagesordnung."),
    )


@network_view
@require_POST
def case_outcome(request, access, pk, key):
    case = rules.get_case(access, pk)
    outcome = links.outcomes().get(key)
    if outcome is None:
        raise Http404
    access.require(outcome.allowed(access, case))
    made = services.case_outcome_create(access=access, case=case, outcome=outcome)
    messages.success(request, _("„%(title)s“ wurde angelegt.") % {"title": made})
    return redirect(services.case_url(case) + "#ergebnis")


@network_view
def case_history(request, access, pk):
    case = rules.get_case(access, pk)
    return render_history(request, access, case, back_url=services.case_url(case))
