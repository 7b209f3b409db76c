"""Lookups of procurement objects, always scoped by the caller's network (404 outside), and
the queryset forms of the access rules that concern procurement rows."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from network.models.people import still_member_q

from .models import Adoption, Criterion, DepartmentApproval, Milestone, ProductGroup, Tender


def product_group(access, pk) -> ProductGroup:
    return get_object_or_404(ProductGroup, network=access.network, pk=pk)


def criterion(access, pk) -> Criterion:
    return get_object_or_404(
        Criterion.objects.select_related("product_group"), network=access.network, pk=pk
    )


def adoption(membership, pk) -> Adoption:
    return get_object_or_404(
        Adoption.objects.select_related("criterion__product_group", "department", "membership"),
        membership=membership,
        pk=pk,
    )


def approval(access, pk) -> DepartmentApproval:
    return get_object_or_404(
        DepartmentApproval.objects.select_related(
            "adoption__membership__municipality", "adoption__criterion", "department"
        ),
        adoption__membership__network=access.network,
        pk=pk,
    )


def tender(membership, pk) -> Tender:
    return get_object_or_404(Tender, membership=membership, pk=pk)


def milestone(roadmap, pk) -> Milestone:
    return get_object_or_404(Milestone, roadmap=roadmap, pk=pk)


def answerable_approvals(access, queryset):
    """The approvals of `queryset` this person may answer — the queryset form of
    Access.can_approve_for (tests/procurement/test_access_rules.py holds the two together):
    own departments (staff), own members (coordinators), all (moderators); never those of
    a member that is no longer a member (read-only, as Access says)."""
    queryset = queryset.filter(still_member_q(prefix="adoption__membership__"))
    if access.is_moderator:
        return queryset
    return queryset.filter(
        Q(department_id__in=access.department_ids)
        | Q(adoption__membership_id__in=access.coordinated_membership_ids)
    ).filter(adoption__membership_id__in=access.own_membership_ids)
