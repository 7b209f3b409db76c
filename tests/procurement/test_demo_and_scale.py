"""Demo seeder (idempotent, as issue 3 asks) and the scale generator."""

import random

import pytest
from django.utils import timezone

from network import demo
from network.scale import ScaleSpec
from procurement import demo as procurement_demo
from procurement import scale
from procurement.models import (
    Adoption,
    Criterion,
    DepartmentApproval,
    Milestone,
    ProductGroup,
    Tender,
)
from tests.factories import MembershipFactory, NetworkFactory

pytestmark = pytest.mark.django_db


def counts():
    return [
        m.objects.count()
        for m in (ProductGroup, Criterion, Adoption, DepartmentApproval, Tender, Milestone)
    ]


def test_demo_is_complete_and_idempotent():
    seeded = demo.seed_network()
    procurement_demo.seed(seeded)
    network = seeded.network
    assert ProductGroup.objects.filter(network=network).count() >= 8
    own = Criterion.objects.filter(network=network, source="own", status="agreed")
    assert own.count() == 40
    for membership in seeded.memberships.values():
        states = set(
            Adoption.objects.filter(membership=membership).values_list("status", flat=True)
        )
        assert states == set(Adoption.Status.values), membership
        assert Milestone.objects.filter(roadmap__membership=membership).count() >= 10
        assert (
            len(
                set(
                    Milestone.objects.filter(roadmap__membership=membership).values_list(
                        "status", flat=True
                    )
                )
            )
            >= 3
        )
    assert len(seeded.memberships) == 6
    assert Tender.objects.filter(membership__network=network).count() >= 30
    years = {d.year for d in Tender.objects.values_list("published_on", flat=True)}
    # The demo is told from the day it is seeded: tenders every year from 2023 to today.
    today = timezone.localdate()
    assert set(range(2023, today.year)) <= years <= set(range(2023, today.year + 1))
    assert DepartmentApproval.objects.filter(status="objection").exists()
    assert DepartmentApproval.objects.filter(status="pending").exists()
    before = counts()
    procurement_demo.seed(demo.seed_network())
    assert counts() == before


def test_scale_generator_small():
    networks = [NetworkFactory() for _ in range(2)]
    memberships = [MembershipFactory(network=networks[i % 2]) for i in range(4)]
    spec = ScaleSpec(
        networks=2,
        memberships=4,
        criteria_per_network=10,
        milestones_per_roadmap=5,
        tenders_per_member_and_year=3,
        years=(2024, 2025),
    )
    scale.generate(memberships, spec, random.Random(1))
    assert Criterion.objects.count() == 20
    assert Adoption.objects.count() == 4 * 8  # 8 of 10 criteria agreed
    assert Milestone.objects.count() == 4 * 5
    assert Tender.objects.count() == 4 * 3 * 2
    assert Tender.applied_criteria.through.objects.exists()
