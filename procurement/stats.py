"""Loading the numbers for many memberships at once, with a fixed number of queries."""

from collections import defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from .figures import Share, TenderFacts, progress_pct
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
    """Three queries: agreed criteria per member and product group, tenders, applied links.

    The links are read joined to their tenders with the members' ids as a condition rather
    than `tender_id IN (SELECT …)` (scale data, 60 members: 98 → 80 ms; PostgreSQL still
    scans the links, 3 % of which are wanted, and hashes them against the tenders)."""
    membership_ids = list(membership_ids)
    required = agreed_criteria(membership_ids)
    tenders = Tender.objects.filter(membership_id__in=membership_ids)
    links = Tender.applied_criteria.through.objects.filter(tender__membership_id__in=membership_ids)
    if start:
        tenders = tenders.filter(published_on__gte=start)
        links = links.filter(tender__published_on__gte=start)
    if end:
        tenders = tenders.filter(published_on__lte=end)
        links = links.filter(tender__published_on__lte=end)
    rows = list(
        tenders.values_list(
            "pk", "membership_id", "product_group_id", "published_on", "estimated_value"
        )
    )
    applied = defaultdict(set)
    for tender_id, criterion_id in links.values_list("tender_id", "criterion_id"):
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


def _tenders(membership_ids, start=None, end=None):
    tenders = Tender.objects.filter(membership_id__in=membership_ids)
    if start:
        tenders = tenders.filter(published_on__gte=start)
    if end:
        tenders = tenders.filter(published_on__lte=end)
    return tenders


def _per_membership_and_year(tenders) -> dict:
    rows = (
        tenders.order_by()
        .values("membership_id", year=ExtractYear("published_on"))
        .annotate(n=Count("pk"), value=Sum("estimated_value"))
    )
    return {(r["membership_id"], r["year"]): (r["n"], r["value"]) for r in rows}


def shares_for(membership_ids, start=None, end=None, as_of=None) -> dict:
    """`figures.tender_shares` computed by the database, with the same keys and `Share`s.

    Three queries, each counting and summing tenders by membership and year: all of them
    (for the keys: a year with only tenders of product groups without agreed criteria still
    has its share, with no relevant tenders), the relevant ones (the member agreed at least
    one criterion of the tender's product group) and those missing at least one of these
    criteria (relevant by definition, so compliant = relevant - missing). The conditions
    are EXISTS in WHERE, which PostgreSQL turns into (anti) semi-joins on the unique index
    of adoptions (membership, criterion) and of applied criteria (tender, criterion).
    tests/procurement/test_stats_sql.py holds it against the pure function.
    The adoptions of the subqueries are limited to the members asked about (membership_id
    IN …, beside the correlation): without it PostgreSQL hashes the agreed adoptions of
    every network before it joins (EXPLAIN ANALYZE on the scale data, 60 members: relevant
    68 → 11 ms, incomplete 86 → 23 ms).

    `as_of` (a past date, for the quarterly snapshots of network.timeseries): a criterion
    counts as required only if it was agreed by then (`agreed_on`).
    """
    membership_ids = list(membership_ids)
    required = Adoption.objects.filter(
        membership_id__in=membership_ids,
        membership=OuterRef("membership"),
        criterion__product_group=OuterRef("product_group"),
        status__in=AGREED,
    )
    if as_of is not None:
        required = required.filter(agreed_on__lte=as_of)
    missing = required.exclude(
        Exists(
            Tender.applied_criteria.through.objects.filter(
                tender=OuterRef(OuterRef("pk")), criterion=OuterRef("criterion")
            )
        )
    )
    tenders = _tenders(membership_ids, start, end)
    every = _per_membership_and_year(tenders)
    relevant = _per_membership_and_year(tenders.filter(Exists(required)))
    incomplete = _per_membership_and_year(tenders.filter(Exists(missing)))
    nothing = (0, Decimal(0))
    totals = defaultdict(lambda: [0, 0, Decimal(0), Decimal(0)])
    for membership_id, year in every:
        n, value = relevant.get((membership_id, year), nothing)
        short, short_value = incomplete.get((membership_id, year), nothing)
        for key in ((membership_id, year), (membership_id, None), (None, year), (None, None)):
            total = totals[key]
            total[0] += n
            total[1] += n - short
            total[2] += value
            total[3] += value - short_value
    return {key: Share(*total) for key, total in totals.items()}


def adoption_counts(membership_ids, as_of=None) -> dict[int, dict]:
    """Per membership: criteria agreed (or further), adopted (or further), applied.

    With `as_of` (a past date) as they were at the end of that day: see adoption_counts_on.
    """
    if as_of is not None:
        return adoption_counts_on(membership_ids, as_of)
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


def adoption_counts_on(membership_ids, as_of) -> dict[int, dict]:
    """Two queries: the counts of adoption_counts at the end of the day `as_of`.

    Agreed: agreed (or further) now with `agreed_on` on or before `as_of`, or agreed (or
    further) then by the history. Adopted and applied have no date of their own: they come
    from the history alone, the newest historical row of each adoption up to then (an
    adoption written without history, by a bulk write, is not counted for the past).
    """
    cutoff = _end_of_day(as_of)
    dated = dict(
        Adoption.objects.filter(
            membership_id__in=membership_ids, status__in=AGREED, agreed_on__lte=as_of
        ).values_list("pk", "membership_id")
    )
    historical = Adoption.history.model.objects
    newest = (
        historical.filter(id=OuterRef("id"), history_date__lt=cutoff)
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    result = {}

    def row(membership_id):
        return result.setdefault(
            membership_id, {"membership_id": membership_id, "agreed": 0, "adopted": 0, "applied": 0}
        )

    for membership_id, pk, status in (
        historical.filter(membership_id__in=membership_ids, history_date__lt=cutoff)
        .filter(history_id=Subquery(newest))
        .exclude(history_type="-")
        .values_list("membership_id", "id", "status")
    ):
        counts = row(membership_id)
        agreed_by_date = dated.pop(pk, None) is not None
        counts["agreed"] += status in AGREED or agreed_by_date
        counts["adopted"] += status in ADOPTED
        counts["applied"] += status == Adoption.Status.APPLIED
    # Agreed by its date, but recorded in the portal only afterwards (no history then).
    for membership_id in dated.values():
        row(membership_id)["agreed"] += 1
    return result


def _end_of_day(day):
    """The first moment after `day` in the portal's time zone."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def roadmap_counts(membership_ids, today, as_of=None) -> dict[int, dict]:
    """Per membership: milestones (not dropped), done, overdue against `today`.

    With `as_of` (a past date): done means done with `completed_on` on or before it, and
    a milestone done later counts as open then (overdue if it was due before `today`).
    """
    done = Q(status=Milestone.Status.DONE)
    if as_of is not None:
        done &= Q(completed_on__lte=as_of)
    rows = (
        Milestone.objects.filter(roadmap__membership_id__in=membership_ids)
        .values("roadmap__membership_id")
        .annotate(
            total=Count("pk", filter=~Q(status=Milestone.Status.DROPPED)),
            done=Count("pk", filter=done),
            overdue=Count(
                "pk",
                filter=Q(due_on__lt=today) & ~Q(status=Milestone.Status.DROPPED) & ~done,
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
