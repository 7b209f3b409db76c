"""Writes that span several procurement models: the agreement round in the city hall,
new criterion revisions, roadmaps from the template."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import Role

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


def _recipients(approval: DepartmentApproval) -> list[str]:
    """Staff of the asked department; if it has none, the member's coordinators."""
    membership = approval.adoption.membership
    staff = Role.objects.filter(
        membership=membership, kind=Role.Kind.STAFF, department=approval.department
    ).select_related("user")
    emails = [role.user.email for role in staff]
    if not emails:
        coordinators = Role.objects.filter(
            membership=membership, kind=Role.Kind.COORDINATOR
        ).select_related("user")
        emails = [role.user.email for role in coordinators]
    return sorted(set(emails))


def _send_requests(approvals: list[DepartmentApproval]):
    messages = []
    for approval in approvals:
        adoption = approval.adoption
        url = settings.PORTAL_BASE_URL + reverse(
            "procurement:approval_inbox", args=[adoption.membership.network.slug]
        )
        subject = _("Bitte um Zustimmung: %(title)s") % {"title": adoption.criterion.title}
        body = _(
            "Guten Tag,\n\n%(municipality)s bittet den Fachbereich %(department)s um "
            "Zustimmung zum Mindestkriterium „%(title)s“.\n\nZur Abstimmung: %(url)s\n"
        ) % {
            "municipality": adoption.membership.municipality.name,
            "department": approval.department.name,
            "title": adoption.criterion.title,
            "url": url,
        }
        recipients = _recipients(approval)
        if recipients:
            messages.append((subject, body, None, recipients))
    if messages:
        send_mass_mail(messages, fail_silently=False)


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
    transaction.on_commit(lambda: _send_requests(asked))
    return asked


@transaction.atomic
def approval_decide(*, approval: DepartmentApproval, agree: bool, comment: str, user):
    """A department agrees or objects. All agreed → the adoption is agreed (and may add its
    milestone); an objection sends it back to open, with the comment on the approval."""
    approval = DepartmentApproval.objects.select_for_update().get(pk=approval.pk)
    if approval.status != DepartmentApproval.Status.PENDING:
        raise ValidationError(_("Diese Anfrage wurde bereits beantwortet."))
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
def adoptions_start(*, membership, criteria) -> int:
    """Open adoptions for criteria the member has not taken up yet; returns how many."""
    existing = set(
        Adoption.objects.filter(membership=membership, criterion__in=criteria).values_list(
            "criterion_id", flat=True
        )
    )
    new = [
        Adoption(membership=membership, criterion=criterion)
        for criterion in criteria
        if criterion.pk not in existing
    ]
    for adoption in new:
        adoption.full_clean(validate_unique=False)
        adoption.save()
    return len(new)


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
