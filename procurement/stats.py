"""Loading the numbers for many memberships at once, with a fixed number of queries."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q

from .figures import TenderFacts, progress_pct, tender_shares
from .models import Adoption, Milestone, Tender

AGREED = list(Adoption.AGREED_OR_LATER)
ADOPTED = [Adoption.Status.ADOPTED, Adoption.Status.APPLIED]


def agreed_criteria(membership_ids) -> defaultdict:
    """One query: ids of the agreed (or further) criteria by (membership id, product group id);
    what a tender of that member and group has to apply."""
    required = defaultdict(set)
    for membership_id, group_id, criterion_id in Adoption.objects.filter(
        membership_id__in=membership_ids, status__in=AGREED
    ).values_list("membership_id", "criterion__product_group_id", "criterion_id"):
        required[(membership_id, group_id)].add(criterion_id)
    return required


def tender_facts(membership_ids, start=None, end=None) -> list[TenderFacts]:
    """Three queries: agreed criteria per member and product group, tenders, applied links."""
    required = agreed_criteria(membership_ids)
    tenders = Tender.objects.filter(membership_id__in=membership_ids)
    if start:
        tenders = tenders.filter(published_on__gte=start)
    if end:
        tenders = tenders.filter(published_on__lte=end)
    rows = list(
        tenders.values_list(
            "pk", "membership_id", "product_group_id", "published_on", "estimated_value"
        )
    )
    applied = defaultdict(set)
    for tender_id, criterion_id in Tender.applied_criteria.through.objects.filter(
        tender__in=tenders
    ).values_list("tender_id", "criterion_id"):
        applied[tender_id].add(criterion_id)
    return [
        TenderFacts(
            membership_id=membership_id,
            year=published_on.year,
            value=Decimal(value),
            required=frozenset(required[(membership_id, group_id)]),
            applied=frozenset(applied[pk]),
        )
        for pk, membership_id, group_id, published_on, value in rows
    ]


def shares_for(membership_ids, start=None, end=None):
    return tender_shares(tender_facts(membership_ids, start, end))


def adoption_counts(membership_ids) -> dict[int, dict]:
    """Per membership: criteria agreed (or further), adopted (or further), applied."""
    rows = (
        Adoption.objects.filter(membership_id__in=membership_ids)
        .values("membership_id")
        .annotate(
            agreed=Count("pk", filter=Q(status__in=AGREED)),
            adopted=Count("pk", filter=Q(status__in=ADOPTED)),
            applied=Count("pk", filter=Q(status=Adoption.Status.APPLIED)),
        )
    )
    return {row["membership_id"]: row for row in rows}


def roadmap_counts(membership_ids, today) -> dict[int, dict]:
    rows = (
        Milestone.objects.filter(roadmap__membership_id__in=membership_ids)
        .values("roadmap__membership_id")
        .annotate(
            total=Count("pk", filter=~Q(status=Milestone.Status.DROPPED)),
            done=Count("pk", filter=Q(status=Milestone.Status.DONE)),
            overdue=Count(
                "pk",
                filter=Q(due_on__lt=today)
                & ~Q(status__in=[Milestone.Status.DONE, Milestone.Status.DROPPED]),
            ),
        )
    )
    result = {}
    for row in rows:
        row["done_pct"] = round(100 * row["done"] / row["total"], 1) if row["total"] else None
        result[row["roadmap__membership_id"]] = row
    return result


__all__ = [
    "progress_pct",
    "agreed_criteria",
    "tender_facts",
    "shares_for",
    "adoption_counts",
    "roadmap_counts",
]
