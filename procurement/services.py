"""Writes that span several procurement models: the agreement round in the city hall,
new criterion revisions, roadmaps from the template."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import Membership, Role
from network.notifications import Kind, notify

from .models import Adoption, Criterion, DepartmentApproval, Milestone, Roadmap

# Fields copied into a new revision of a criterion.
CRITERION_FIELDS = [
    "network_id",
    "product_group_id",
    "title",
    "description",
    "stage",
    "level",
    "impact",
    "verification",
    "legal_basis",
    "source",
    "gpp_document",
    "gpp_category",
    "gpp_id",
    "cpv_codes",
]


@transaction.atomic
def criterion_revise(*, criterion: Criterion, changes: dict) -> Criterion:
    """Apply `changes` to a criterion. A draft changes in place; an agreed criterion gets a
    new revision (a draft again) and the old one stays for the adoptions that agreed to it."""
    if criterion.status == Criterion.Status.DRAFT:
        for name, value in changes.items():
            setattr(criterion, name, value)
        criterion.full_clean()
        criterion.version += 1
        criterion.save()
        return criterion
    # Under a row lock, and saved rather than updated: two revisions of the same criterion
    # at once must not both become current, and the old one's history shows when it ended.
    current = Criterion.objects.select_for_update().get(pk=criterion.pk)
    if not current.is_current:
        raise ValidationError(_("Nur die aktuelle Fassung eines Kriteriums kann geändert werden."))
    current.is_current = False
    current.save(update_fields=["is_current"])
    new = Criterion(
        family=criterion.family,
        revision=criterion.revision + 1,
        status=Criterion.Status.DRAFT,
        **{name: getattr(criterion, name) for name in CRITERION_FIELDS},
    )
    for name, value in changes.items():
        setattr(new, name, value)
    new.full_clean()
    new.save()
    return new


@transaction.atomic
def criterion_set_status(*, criterion: Criterion, status: str, user=None) -> Criterion:
    """Release, retire or send back a criterion's current revision. Released (agreed for
    the network), the coordinators of every member hear of it — of a new text if it is a
    revision — so they take it to their departments."""
    current = Criterion.objects.select_for_update().get(pk=criterion.pk)
    if not current.is_current:
        raise ValidationError(_("Nur die aktuelle Fassung eines Kriteriums kann geändert werden."))
    released = status == Criterion.Status.AGREED and current.status != Criterion.Status.AGREED
    current.status = status
    current.version += 1
    current.save(update_fields=["status", "version"])
    if released:
        coordinators = Role.objects.filter(
            network_id=current.network_id,
            kind=Role.Kind.COORDINATOR,
            membership__in=Membership.objects.active(),
        ).values_list("user_id", flat=True)
        revision = current.revision

        def title():
            values = {"title": current.title, "n": revision}
            if revision > 1:
                return _("Mindestkriterium überarbeitet: %(title)s (Fassung %(n)s)") % values
            return _("Neues Mindestkriterium freigegeben: %(title)s") % values

        notify(
            Kind.CRITERION,
            network=current.network,
            recipients=list(coordinators),
            title=title,
            url=reverse("procurement:criterion_detail", args=[current.network.slug, current.pk]),
            actor=user,
        )
    return current


def _recipients(approval: DepartmentApproval) -> tuple[list[int], bool]:
    """(user ids, whether the moderation decides): the staff of the asked department
    other than the requester; if there is nobody else, the network's moderators, who
    decide for the department (procurement.access.moderation_decides). Never the
    requester, who may not decide their own request."""
    membership = approval.adoption.membership
    staff = set(
        Role.objects.filter(
            membership=membership, kind=Role.Kind.STAFF, department=approval.department
        )
        .exclude(user=approval.requested_by)
        .values_list("user_id", flat=True)
    )
    if staff:
        return sorted(staff), False
    moderators = (
        Role.objects.filter(network_id=membership.network_id, kind=Role.Kind.MODERATOR)
        .exclude(user=approval.requested_by)
        .values_list("user_id", flat=True)
    )
    return sorted(set(moderators)), True


def _tell_requests(approvals: list[DepartmentApproval], user) -> None:
    """Each asked department hears of its request (in the portal and by mail through the
    outbox, in this transaction): the criterion's wording goes along, because the
    department agrees to this text."""
    for approval in approvals:
        adoption = approval.adoption
        criterion = adoption.criterion
        recipients, for_moderation = _recipients(approval)

        def body(approval=approval, criterion=criterion, for_moderation=for_moderation):
            lines = [
                _(
                    "%(municipality)s bittet den Fachbereich %(department)s um Zustimmung zum "
                    "Mindestkriterium „%(title)s“ (%(group)s, %(stage)s)."
                )
                % {
                    "municipality": approval.adoption.membership.municipality.name,
                    "department": approval.department.name,
                    "title": criterion.title,
                    "group": criterion.product_group.name,
                    "stage": criterion.get_stage_display(),
                }
            ]
            if for_moderation:
                lines.append(
                    _(
                        "Im Fachbereich ist außer der anfragenden Person niemand im Portal "
                        "eingetragen: Die Moderation entscheidet für den Fachbereich."
                    )
                )
            if criterion.description:
                lines += ["", _("Wortlaut:"), criterion.description.strip()]
            if criterion.verification:
                lines += ["", _("Nachweis:") + " " + criterion.verification.strip()]
            return "\n".join(lines)

        notify(
            Kind.APPROVAL_REQUESTED,
            network=adoption.membership.network,
            recipients=recipients,
            title=lambda criterion=criterion: (
                _("Bitte um Zustimmung: %(title)s") % {"title": criterion.title}
            ),
            body=body,
            url=reverse(
                "procurement:approval_detail",
                args=[adoption.membership.network.slug, approval.pk],
            ),
            membership=adoption.membership,
            actor=user,
        )


def _tell_answer(approval: DepartmentApproval, user) -> None:
    """The requester and the member's coordinators hear of the department's answer."""
    adoption = approval.adoption
    coordinators = Role.objects.filter(
        membership=adoption.membership, kind=Role.Kind.COORDINATOR
    ).values_list("user_id", flat=True)
    agreed = approval.status == DepartmentApproval.Status.AGREED

    def title():
        values = {"department": approval.department.name, "title": adoption.criterion.title}
        if agreed:
            return _("%(department)s stimmt zu: %(title)s") % values
        return _("%(department)s erhebt Einwand: %(title)s") % values

    notify(
        Kind.APPROVAL_ANSWERED,
        network=adoption.membership.network,
        recipients={approval.requested_by_id, *coordinators} - {None},
        title=title,
        body=lambda: approval.comment,
        url=reverse(
            "procurement:adoption_detail",
            args=[
                adoption.membership.network.slug,
                adoption.membership.municipality.slug,
                adoption.pk,
            ],
        ),
        membership=adoption.membership,
        actor=user,
    )


def _lock(adoption: Adoption) -> Adoption:
    """Re-read the adoption's state under a row lock: two people moving the same adoption
    at once must not both act on the state their page showed them."""
    current = Adoption.objects.select_for_update().get(pk=adoption.pk)
    adoption.status, adoption.version = current.status, current.version
    adoption.decline_reason, adoption.agreed_on = current.decline_reason, current.agreed_on
    return adoption


@transaction.atomic
def adoption_request_approvals(*, adoption: Adoption, departments, user) -> list:
    """Ask departments to agree. Departments that objected are asked again (the objection
    stays in the history); departments that already agreed keep their answer."""
    _lock(adoption)
    if adoption.status in (Adoption.Status.DECLINED, Adoption.Status.APPLIED):
        raise ValidationError(_("Für diese Übernahme können keine Zustimmungen angefragt werden."))
    departments = list(departments)
    if not departments:
        raise ValidationError(_("Bitte wählen Sie mindestens einen Fachbereich."))
    now = timezone.now()
    asked = []
    for department in departments:
        if department.municipality_id != adoption.membership.municipality_id:
            raise ValidationError(_("Der Fachbereich gehört nicht zu dieser Kommune."))
        approval = DepartmentApproval.objects.filter(
            adoption=adoption, department=department
        ).first()
        if approval is None:
            approval = DepartmentApproval(adoption=adoption, department=department)
        elif approval.status == DepartmentApproval.Status.AGREED:
            continue
        approval.status = DepartmentApproval.Status.PENDING
        approval.requested_at = now
        approval.requested_by = user
        approval.decided_at = None
        approval.decided_by = None
        approval.full_clean()
        if approval.pk:
            approval.version += 1
        approval.save()
        asked.append(approval)
    if asked and adoption.status in (Adoption.Status.OPEN, Adoption.Status.AGREED):
        adoption.status = Adoption.Status.CONSULTATION
        adoption.version += 1
        adoption.save(update_fields=["status", "version"])
    _tell_requests(asked, user)
    return asked


@transaction.atomic
def approval_decide(*, approval: DepartmentApproval, agree: bool, comment: str, user):
    """A department agrees or objects. All agreed → the adoption is agreed (and may add its
    milestone); an objection sends it back to open, with the comment on the approval."""
    approval = DepartmentApproval.objects.select_for_update().get(pk=approval.pk)
    if approval.status != DepartmentApproval.Status.PENDING:
        raise ValidationError(_("Diese Anfrage wurde bereits beantwortet."))
    if user is not None and approval.requested_by_id == user.pk:
        raise ValidationError(_("Über Ihre eigene Anfrage entscheidet jemand anderes."))
    if not agree and not comment.strip():
        raise ValidationError({"comment": _("Bitte begründen Sie den Einwand.")})
    approval.status = (
        DepartmentApproval.Status.AGREED if agree else DepartmentApproval.Status.OBJECTION
    )
    approval.comment = comment.strip()
    approval.decided_at = timezone.now()
    approval.decided_by = user
    approval.version += 1
    approval.full_clean()
    approval.save()
    _tell_answer(approval, user)
    adoption = Adoption.objects.select_for_update().get(pk=approval.adoption_id)
    if adoption.status != Adoption.Status.CONSULTATION:
        return approval
    if not agree:
        adoption.status = Adoption.Status.OPEN
    elif not adoption.approvals.exclude(status=DepartmentApproval.Status.AGREED).exists():
        adoption.status = Adoption.Status.AGREED
        adoption.agreed_on = timezone.localdate()
        if adoption.add_milestone:
            _milestone_for(adoption)
    else:
        return approval
    adoption.version += 1
    adoption.save(update_fields=["status", "agreed_on", "version"])
    return approval


def _milestone_for(adoption: Adoption) -> Milestone:
    roadmap = roadmap_for(membership=adoption.membership)
    last = roadmap.milestones.order_by("-position").values_list("position", flat=True).first()
    milestone = Milestone(
        roadmap=roadmap,
        position=(last or 0) + 1,
        title=_("Kriterium anwenden: %(title)s") % {"title": adoption.criterion.title},
        due_on=adoption.target_date,
        department=adoption.department,
    )
    milestone.full_clean()
    milestone.save()
    milestone.criteria.add(adoption.criterion)
    return milestone


@transaction.atomic
def adoption_set_status(*, adoption: Adoption, status: str, reason: str = "") -> Adoption:
    """Moves that need no department: adopted/applied after agreement, declined with a
    reason, reopened after a decline."""
    _lock(adoption)
    allowed = {
        Adoption.Status.OPEN: {Adoption.Status.DECLINED},
        Adoption.Status.CONSULTATION: {Adoption.Status.DECLINED},
        Adoption.Status.AGREED: {Adoption.Status.ADOPTED, Adoption.Status.DECLINED},
        Adoption.Status.ADOPTED: {Adoption.Status.APPLIED},
        Adoption.Status.APPLIED: set(),
        Adoption.Status.DECLINED: {Adoption.Status.OPEN},
    }
    if status not in allowed[adoption.status]:
        raise ValidationError(
            _("Von „%(old)s“ nach „%(new)s“ ist kein Übergang möglich.")
            % {
                "old": adoption.get_status_display(),
                "new": Adoption.Status(status).label,
            }
        )
    if status == Adoption.Status.DECLINED and not reason.strip():
        raise ValidationError({"decline_reason": _("Bitte begründen Sie die Ablehnung.")})
    adoption.status = status
    adoption.decline_reason = reason.strip() if status == Adoption.Status.DECLINED else ""
    adoption.full_clean()
    adoption.version += 1
    adoption.save(update_fields=["status", "decline_reason", "version"])
    return adoption


@transaction.atomic
def adoptions_start(
    *, membership, criteria, target_date=None, departments=(), user=None
) -> list[Adoption]:
    """Open adoptions for criteria the member has not taken up yet, with the target date
    given; with departments, they are asked for their approval at once (the adoptions are
    then in consultation). Returns the new adoptions; criteria already taken up keep theirs
    unchanged."""
    existing = set(
        Adoption.objects.filter(membership=membership, criterion__in=criteria).values_list(
            "criterion_id", flat=True
        )
    )
    new = [
        Adoption(membership=membership, criterion=criterion, target_date=target_date)
        for criterion in criteria
        if criterion.pk not in existing
    ]
    for adoption in new:
        adoption.full_clean(validate_unique=False)
        adoption.save()
    departments = list(departments)
    if departments:
        for adoption in new:
            adoption_request_approvals(adoption=adoption, departments=departments, user=user)
    return new


def roadmap_for(*, membership) -> Roadmap:
    """The member's roadmap, created from the network's template on first use."""
    roadmap = Roadmap.objects.filter(membership=membership).first()
    if roadmap:
        return roadmap
    try:
        return _roadmap_from_template(membership)
    except IntegrityError:
        # Someone else created it in the same instant: theirs is the member's roadmap.
        return Roadmap.objects.get(membership=membership)


def _roadmap_from_template(membership) -> Roadmap:
    with transaction.atomic():
        roadmap = Roadmap.objects.create(network_id=membership.network_id, membership=membership)
        template = Roadmap.objects.filter(
            network_id=membership.network_id, membership__isnull=True
        ).first()
        if template:
            for milestone in template.milestones.prefetch_related("criteria"):
                copy = Milestone.objects.create(
                    roadmap=roadmap,
                    position=milestone.position,
                    title=milestone.title,
                    description=milestone.description,
                    due_on=milestone.due_on,
                )
                copy.criteria.set(milestone.criteria.all())
    return roadmap


def template_roadmap(*, network) -> Roadmap:
    roadmap, _created = Roadmap.objects.get_or_create(
        network=network, membership=None, defaults={"title": _("Vorlage Fahrplan")}
    )
    return roadmap
