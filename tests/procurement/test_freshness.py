"""Procurement writes move their network's data stamp (network.freshness)."""

import pytest

from network import freshness
from tests.factories import NetworkFactory
from tests.procurement.factories import CriterionFactory, MilestoneFactory, TenderFactory

pytestmark = pytest.mark.django_db


def test_applied_criteria_of_a_tender_move_only_its_network(actors):
    tender = TenderFactory(membership=actors.luenen)
    criterion = CriterionFactory(network=actors.network, product_group=tender.product_group)
    elsewhere = NetworkFactory()
    before = freshness.stamp(actors.network.pk), freshness.stamp(elsewhere.pk)
    tender.applied_criteria.add(criterion)
    assert freshness.stamp(actors.network.pk) != before[0]
    assert freshness.stamp(elsewhere.pk) == before[1]
    assert freshness.networks_of(tender) == {actors.network.pk}


def test_a_milestone_is_traced_through_its_roadmap(actors):
    milestone = MilestoneFactory(roadmap__membership=actors.herten)
    before = freshness.stamp(actors.network.pk)
    milestone.title = "Beschluss im Rat"
    milestone.save()
    assert freshness.stamp(actors.network.pk) != before
    assert freshness.networks_of(milestone) == {actors.network.pk}
