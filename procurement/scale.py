"""Procurement part of the national-scale benchmark data set (`generate_scale_data`).

Only bulk_create in batches; ids of created rows are read back per network with one
query each, so it also runs on SQLite (which returns ids from bulk_create as well).
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from .models import (
    Adoption,
    Criterion,
    Level,
    Milestone,
    ProductGroup,
    Roadmap,
    Stage,
    Tender,
)

BATCH = 2000
GROUP_NAMES = [
    "IT-Geräte",
    "Papier und Büromaterial",
    "Reinigungsdienstleistungen",
    "Lebensmittel und Catering",
    "Fahrzeuge",
    "Möbel",
    "Textilien und Dienstkleidung",
    "Strom",
]
STAGES = list(Stage)
LEVELS = list(Level)
ADOPTION_STATES = list(Adoption.Status)
MILESTONE_STATES = list(Milestone.Status)
PROCEDURES = list(Tender.Procedure)


def generate(memberships, spec, rng):
    memberships = list(memberships)
    by_network = defaultdict(list)
    for membership in memberships:
        by_network[membership.network_id].append(membership)
    network_ids = list(by_network)

    ProductGroup.objects.bulk_create(
        [
            ProductGroup(network_id=nid, name=name, position=i, cpv_codes=["30200000"])
            for nid in network_ids
            for i, name in enumerate(GROUP_NAMES)
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    groups = defaultdict(list)
    for group in ProductGroup.objects.filter(network_id__in=network_ids).order_by("pk"):
        groups[group.network_id].append(group)

    Criterion.objects.bulk_create(
        [
            Criterion(
                network_id=nid,
                product_group=groups[nid][i % len(groups[nid])],
                title=f"Mindestkriterium {i + 1}",
                stage=STAGES[i % len(STAGES)],
                level=LEVELS[i % len(LEVELS)],
                status=Criterion.Status.AGREED if i % 5 else Criterion.Status.DRAFT,
            )
            for nid in network_ids
            for i in range(spec.criteria_per_network)
        ],
        batch_size=BATCH,
    )
    criteria = defaultdict(list)
    for pk, nid, group_id in (
        Criterion.objects.filter(network_id__in=network_ids, status=Criterion.Status.AGREED)
        .order_by("pk")
        .values_list("pk", "network_id", "product_group_id")
    ):
        criteria[nid].append((pk, group_id))

    adoptions = []
    for membership in memberships:
        for pk, _group in criteria[membership.network_id]:
            adoptions.append(
                Adoption(
                    membership_id=membership.pk,
                    criterion_id=pk,
                    status=rng.choice(ADOPTION_STATES),
                    decline_reason="Kein Bedarf",
                )
            )
        if len(adoptions) >= BATCH:
            Adoption.objects.bulk_create(adoptions, batch_size=BATCH, ignore_conflicts=True)
            adoptions = []
    Adoption.objects.bulk_create(adoptions, batch_size=BATCH, ignore_conflicts=True)

    Roadmap.objects.bulk_create(
        [Roadmap(network_id=m.network_id, membership_id=m.pk) for m in memberships],
        batch_size=BATCH,
        ignore_conflicts=True,
    )
    roadmaps = dict(
        Roadmap.objects.filter(membership__in=memberships).values_list("membership_id", "pk")
    )
    milestones = []
    start = date(min(spec.years), 1, 1)
    for membership in memberships:
        for i in range(spec.milestones_per_roadmap):
            status = rng.choice(MILESTONE_STATES)
            due = start + timedelta(days=30 * i)
            milestones.append(
                Milestone(
                    roadmap_id=roadmaps[membership.pk],
                    position=i + 1,
                    title=f"Meilenstein {i + 1}",
                    due_on=due,
                    status=status,
                    completed_on=due if status == Milestone.Status.DONE else None,
                )
            )
        if len(milestones) >= BATCH:
            Milestone.objects.bulk_create(milestones, batch_size=BATCH)
            milestones = []
    Milestone.objects.bulk_create(milestones, batch_size=BATCH)

    # Tenders and their applied criteria (through rows, bulk as well), flushed in chunks
    # across memberships so that the round trips do not grow with the member count.
    Link = Tender.applied_criteria.through
    by_group = defaultdict(list)
    for items in criteria.values():
        for pk, group_id in items:
            by_group[group_id].append(pk)

    def flush(tenders):
        links = []
        for tender in Tender.objects.bulk_create(tenders, batch_size=BATCH):
            matching = by_group.get(tender.product_group_id)
            if tender.pk and matching and rng.random() < 0.6:
                links.extend(Link(tender_id=tender.pk, criterion_id=pk) for pk in matching)
        Link.objects.bulk_create(links, batch_size=BATCH * 5)

    tenders = []
    for membership in memberships:
        member_groups = groups[membership.network_id]
        for year in spec.years:
            for i in range(spec.tenders_per_member_and_year):
                tenders.append(
                    Tender(
                        membership_id=membership.pk,
                        title=f"Ausschreibung {year}-{i + 1}",
                        reference=f"{year}-{i + 1:04d}",
                        product_group_id=member_groups[i % len(member_groups)].pk,
                        estimated_value=Decimal(rng.randint(5, 900) * 1000),
                        procedure=rng.choice(PROCEDURES),
                        published_on=date(year, 1 + i % 12, 1 + i % 28),
                        evidence_received=rng.random() < 0.5,
                    )
                )
        if len(tenders) >= BATCH * 5:
            flush(tenders)
            tenders = []
    if tenders:
        flush(tenders)
