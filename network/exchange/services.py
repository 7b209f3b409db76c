"""Writes of the collegial consultation that span several rows: bringing a case with its
links, stepping through the phases, contributions, the agenda and the outcomes. Each tells
the people concerned through network.notifications in the same transaction."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from network.models import AgendaItem, Case, CaseLink, Contribution
from network.models.exchange import Phase
from network.notifications import Kind, notify
from network.services.meetings import agenda_item_add

from . import links, rules


def case_url(case) -> str:
    return reverse("network:case_detail", args=[case.network.slug, case.pk])


@transaction.atomic
def case_bring(*, access, membership, title, description, confidentiality, link_values) -> Case:
    """A member's person (or the moderation for a member) brings a case; the network (or,
    for a confidential case, the moderation) hears of it."""
    case = Case(
        network=access.network,
        membership=membership,
        owner=access.user,
        title=title,
        description=description,
        confidentiality=confidentiality,
    )
    case.full_clean()
    case.save()
    case_links_set(case=case, values=link_values)
    notify(
        Kind.CASE,
        network=case.network,
        recipients=rules.readers(case).values_list("user_id", flat=True),
        title=lambda: _("Neuer Fall in der Fallberatung: %(title)s") % {"title": case.title},
        body=lambda: _("Eingebracht von %(member)s.") % {"member": membership.municipality},
        url=case_url(case),
        membership=membership,
        actor=access.user,
    )
    return case


@transaction.atomic
def case_save(*, form) -> Case | None:
    """Save an edited case (version check) and its links; None after an edit conflict."""
    case = form.save_checked()
    if case is not None:
        case_links_set(case=case, values=form.cleaned_data["links"])
    return case


def case_links_set(*, case, values) -> None:
    """Make the case link to exactly `values` ("source:id")."""
    wanted = {links.parse(value) for value in values}
    current = {(link.source, link.object_id): link for link in case.links.all()}
    for key, link in current.items():
        if key not in wanted:
            link.delete()
    for source, object_id in sorted(wanted - current.keys()):
        link = CaseLink(case=case, source=source, object_id=object_id)
        link.full_clean()
        link.save()


def case_phase_step(*, access, case, action: str, phase: str) -> bool:
    """Open or close `phase` of `case` (the owner or the moderation). Returns False when the
    case has moved on already (someone else clicked first); raises ValidationError when the
    conclusion is to be closed without a conclusion written."""
    if not rules.can_steer(access, case):
        raise PermissionDenied
    if action == "close" and phase == Phase.CONCLUSION and not case.conclusion.strip():
        raise ValidationError(
            _("Bitte schreiben Sie zuerst das Fazit, dann schließen Sie den Fall ab.")
        )
    with transaction.atomic():
        if action == "open":
            done = case.open_phase(phase)
            if done:
                notify(
                    Kind.CASE,
                    network=case.network,
                    recipients=rules.readers(case).values_list("user_id", flat=True),
                    title=lambda: (
                        _("Fallberatung „%(title)s“: Phase „%(phase)s“ eröffnet")
                        % {"title": case.title, "phase": Phase(phase).label}
                    ),
                    url=case_url(case),
                    membership=case.membership,
                    actor=access.user,
                )
        else:
            done = case.close_phase(phase)
    return done


def _speaks_for(access, case):
    """The member a contribution is written for: the case's own member if the author works
    for it, else one of the author's members (none for the moderation and the experts)."""
    own = access.active_own_membership_ids
    if case.membership_id in own:
        return case.membership_id
    return min(own) if own else None


@transaction.atomic
def contribution_add(*, access, case, text: str) -> Contribution:
    """A question or an idea in the open phase. The case row is locked, so a contribution
    never lands in a phase that was closed in the same moment."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    if not rules.may_contribute(access):
        raise PermissionDenied
    if not current.accepts_contributions:
        raise ValidationError(
            _(
                "Die Phase „%(phase)s“ ist nicht offen für Beiträge; Ihr Text wurde nicht "
                "gespeichert."
            )
            % {"phase": current.get_phase_display()}
        )
    contribution = Contribution(
        case=current,
        phase=current.phase,
        author=access.user,
        membership_id=_speaks_for(access, current),
        by_expert=access.is_expert,
        text=text,
    )
    contribution.full_clean()
    contribution.save()
    if current.owner_id:
        kind_label = Phase(current.phase).label
        notify(
            Kind.CASE,
            network=current.network,
            recipients=[current.owner_id],
            title=lambda: (
                _("Neuer Beitrag zu Ihrem Fall „%(title)s“ (%(phase)s)")
                % {"title": current.title, "phase": kind_label}
            ),
            body=text[:500],
            url=case_url(current) + f"#beitrag-{contribution.pk}",
            membership=current.membership,
            actor=access.user,
        )
    return contribution


@transaction.atomic
def case_schedule(*, access, case, meeting, duration_minutes: int = 30) -> AgendaItem:
    """Put the case on the agenda of a planned meeting of its network (the moderation)."""
    if not rules.can_schedule(access, case):
        raise PermissionDenied
    if meeting.network_id != case.network_id:
        raise PermissionDenied
    item = AgendaItem(
        title=(_("Fallberatung: %(title)s") % {"title": case.title})[:200],
        duration_minutes=duration_minutes,
        case=case,
    )
    return agenda_item_add(meeting=meeting, item=item)


@transaction.atomic
def case_outcome_create(*, access, case, outcome):
    """Make something of the conclusion (a guideline draft …) through a topic app's
    outcome. The case row is locked, so two clicks at once create one object."""
    current = Case.objects.select_for_update().get(pk=case.pk)
    if not outcome.allowed(access, current):
        raise PermissionDenied
    return outcome.create(current, access.user)
