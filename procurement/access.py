"""Lookups of procurement objects, always scoped by the caller's network (404 outside)."""

from django.shortcuts import get_object_or_404

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
