"""Lookups of procurement objects, always scoped by the caller's network (404 outside), and
the queryset forms of the access rules that concern procurement rows."""

from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from network.models import Role
from network.models.people import still_member_q

from .models import Adoption, Criterion, DepartmentApproval, Milestone, ProductGroup, Tender


def product_group(access, pk) -> ProductGroup:
    return get_object_or_404(ProductGroup, network=access.network, pk=pk)


def criterion(access, pk) -> Criterion:
    return get_object_or_404(
        Criterion.objects.select_related("product_group"), network=access.network, pk=pk
    )


def sees_drafts(access) -> bool:
    """Drafts (imported EU GPP criteria, revisions in preparation) are the moderation's
    working set until released: the moderator and the network's experts see them, members
    and observers do not — a draft's wording is not agreed and often not yet German."""
    return access.is_moderator or access.is_expert


def visible_criteria(access, queryset):
    """The queryset form of `sees_drafts`: for members no drafts — except one a member
    took up before it went back to draft, so that the links of its adoption still work."""
    if sees_drafts(access):
        return queryset
    taken_up = Adoption.objects.filter(criterion=OuterRef("pk"))
    return queryset.filter(~Q(status=Criterion.Status.DRAFT) | Q(Exists(taken_up)))


def visible_criterion(access, pk) -> Criterion:
    """A criterion page: 404 for a draft the person may not see."""
    return get_object_or_404(
        visible_criteria(access, Criterion.objects.select_related("product_group")),
        network=access.network,
        pk=pk,
    )


def adoption(membership, pk) -> Adoption:
    return get_object_or_404(
        Adoption.objects.select_related("criterion__product_group", "department", "membership"),
        membership=membership,
        pk=pk,
    )


def approvals_of(access):
    """Every approval of the network (to read; who may answer: `may_decide`)."""
    return DepartmentApproval.objects.filter(adoption__membership__network=access.network)


def approval(access, pk) -> DepartmentApproval:
    return get_object_or_404(
        approvals_of(access).select_related(
            "adoption__membership__municipality", "adoption__criterion", "department"
        ),
        pk=pk,
    )


def tender(membership, pk) -> Tender:
    return get_object_or_404(Tender, membership=membership, pk=pk)


def milestone(roadmap, pk) -> Milestone:
    return get_object_or_404(Milestone, roadmap=roadmap, pk=pk)


def may_decide(access, approval: DepartmentApproval) -> bool:
    """May this person answer this request? Access.can_approve_for (staff of the
    department, the member's coordinators, the moderator) — but never the person who sent
    the request: nobody approves what they asked for themselves."""
    if approval.requested_by_id is not None and approval.requested_by_id == access.user.pk:
        return False
    return access.can_approve_for(approval.department, approval.adoption.membership)


def answerable_approvals(access, queryset):
    """The approvals of `queryset` this person may answer — the queryset form of
    `may_decide` (tests/network/test_access_rules.py and
    tests/procurement/test_adoption_round.py hold the two together): own
    departments (staff), own members (coordinators), all (moderators); never those of a
    member that is no longer a member (read-only, as Access says), never one's own
    requests."""
    queryset = queryset.filter(still_member_q(prefix="adoption__membership__")).exclude(
        requested_by=access.user
    )
    if access.is_moderator:
        return queryset
    return queryset.filter(
        Q(department_id__in=access.department_ids)
        | Q(adoption__membership_id__in=access.coordinated_membership_ids)
    ).filter(adoption__membership_id__in=access.own_membership_ids)


def staffed_q() -> Q:
    """On approvals: someone other than the requester works in the asked department (the
    queryset form of `moderation_decides`)."""
    others = Role.objects.filter(
        kind=Role.Kind.STAFF,
        membership=OuterRef("adoption__membership"),
        department=OuterRef("department"),
    ).exclude(user_id=Coalesce(OuterRef("requested_by_id"), Value(0)))
    return Q(Exists(others))


def moderation_decides(*, membership, departments, requester) -> list:
    """The departments of a request with nobody on their staff but the requester: nobody
    approves their own request, so the request goes to the moderation, which decides for
    the department (procurement.services sends it the mail, the page says so)."""
    staffed = set(
        Role.objects.filter(kind=Role.Kind.STAFF, membership=membership, department__in=departments)
        .exclude(user=requester)
        .values_list("department_id", flat=True)
    )
    return [department for department in departments if department.pk not in staffed]
