"""Procurement's API resources (procurement/api.py, offered through `api_resources`):
roadmaps with milestones, the catalogue with the members' adoptions, the tender register."""

from datetime import date
from decimal import Decimal

import pytest

from procurement.models import Adoption, Criterion, Milestone
from tests.factories import MembershipFactory, MunicipalityFactory
from tests.network.test_api import api, bearer, counted
from tests.procurement.factories import (
    AdoptionFactory,
    CriterionFactory,
    MilestoneFactory,
    RoadmapFactory,
    TenderFactory,
)

pytestmark = pytest.mark.django_db


def test_the_coordinator_reads_the_roadmaps_with_their_milestones(actors):
    roadmap = RoadmapFactory(membership=actors.luenen, title="Fahrplan Lünen")
    MilestoneFactory(
        roadmap=roadmap,
        title="Kriterien beschließen",
        due_on=date(2026, 6, 30),
        status=Milestone.Status.IN_PROGRESS,
        department=actors.luenen_department,
    )
    RoadmapFactory(membership=actors.other_membership)  # another network
    data = bearer(actors.coordinator).get(api("roadmaps", "knn")).json()
    assert data["count"] == 1
    (row,) = data["results"]
    assert row["membership_id"] == actors.luenen.pk
    assert row["title"] == "Fahrplan Lünen"
    assert row["milestones"] == [
        {
            "id": roadmap.milestones.get().pk,
            "position": roadmap.milestones.get().position,
            "title": "Kriterien beschließen",
            "description": "",
            "status": "in_progress",
            "due_on": "2026-06-30",
            "completed_on": None,
            "department": "Zentrale Vergabestelle",
            "criterion_ids": [],
        }
    ]


def test_criteria_come_with_every_members_adoption(actors):
    criterion = CriterionFactory(network=actors.network, title="Recyclingpapier")
    AdoptionFactory(
        membership=actors.luenen,
        criterion=criterion,
        status=Adoption.Status.AGREED,
        agreed_on=date(2026, 2, 1),
    )
    AdoptionFactory(membership=actors.herten, criterion=criterion)
    data = bearer(actors.other).get(api("criteria", "knn")).json()
    (row,) = data["results"]
    assert row["title"] == "Recyclingpapier"
    assert row["status"] == "agreed"
    assert [(a["membership_id"], a["status"], a["agreed_on"]) for a in row["adoptions"]] == sorted(
        [(actors.luenen.pk, "agreed", "2026-02-01"), (actors.herten.pk, "open", None)]
    )


def test_drafts_only_for_the_moderation_and_the_experts(actors):
    CriterionFactory(network=actors.network, title="Entwurf", status=Criterion.Status.DRAFT)
    CriterionFactory(network=actors.network, title="Beschlossen")

    def titles(user):
        data = bearer(user).get(api("criteria", "knn")).json()
        return sorted(row["title"] for row in data["results"])

    assert titles(actors.moderator) == ["Beschlossen", "Entwurf"]
    assert titles(actors.expert) == ["Beschlossen", "Entwurf"]
    assert titles(actors.coordinator) == ["Beschlossen"]
    assert titles(actors.observer) == ["Beschlossen"]


def test_tenders_with_their_value_as_an_exact_string(actors):
    criterion = CriterionFactory(network=actors.network)
    tender = TenderFactory(
        membership=actors.herten, title="Büropapier", estimated_value=Decimal("1234.50")
    )
    tender.applied_criteria.add(criterion)
    TenderFactory(membership=actors.other_membership)
    data = bearer(actors.coordinator).get(api("tenders", "knn")).json()
    (row,) = data["results"]
    assert row["title"] == "Büropapier"
    assert row["membership_id"] == actors.herten.pk
    assert row["estimated_value"] == "1234.50"
    assert row["published_on"] == "2025-03-01"
    assert row["applied_criterion_ids"] == [criterion.pk]


@pytest.mark.parametrize("name", ["roadmaps", "criteria", "tenders"])
def test_an_outsiders_token_gets_404(actors, name):
    assert bearer(actors.outsider).get(api(name, "knn")).status_code == 404


def _grow(actors, size):
    for _ in range(size):
        criterion = CriterionFactory(network=actors.network)
        for membership in [actors.luenen, actors.herten]:
            AdoptionFactory(
                membership=membership, criterion=criterion, department=actors.luenen_department
            )
            tender = TenderFactory(membership=membership)
            tender.applied_criteria.add(criterion)
        roadmap = RoadmapFactory(
            membership=MembershipFactory(network=actors.network, municipality=MunicipalityFactory())
        )
        milestone = MilestoneFactory(roadmap=roadmap, department=actors.luenen_department)
        milestone.criteria.add(criterion)


@pytest.mark.parametrize("name", ["roadmaps", "criteria", "tenders"])
def test_each_list_costs_the_same_queries_at_two_sizes(actors, name):
    _grow(actors, 1)
    small, small_count = counted(actors.coordinator, api(name, "knn"))
    _grow(actors, 8)
    large, large_count = counted(actors.coordinator, api(name, "knn"))
    assert large["count"] > small["count"]
    assert large_count == small_count <= 8
