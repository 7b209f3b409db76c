"""Building's API resource (building/api.py, offered through `api_resources`): the members'
building projects with their current assessment."""

from decimal import Decimal

import pytest

from building import services
from tests.building.factories import ProjectFactory, small_board
from tests.network.test_api import api, bearer, counted

pytestmark = pytest.mark.django_db


def test_the_coordinator_reads_the_projects_with_their_current_assessment(actors):
    board = small_board(actors.network)
    project = ProjectFactory(membership=actors.herten, name="Grundschule Süd")
    assessment = services.assessment_start(project=project, board=board)
    ProjectFactory(membership=actors.luenen, name="Rathaus")
    ProjectFactory(membership=actors.other_membership, name="Anderswo")
    data = bearer(actors.coordinator).get(api("projects", "knn")).json()
    assert data["count"] == 2
    by_name = {row["name"]: row for row in data["results"]}
    assert set(by_name) == {"Grundschule Süd", "Rathaus"}
    school = by_name["Grundschule Süd"]
    assert school["membership_id"] == actors.herten.pk
    assert school["kind"] == "new_build"
    assert school["budget_eur"] == str(Decimal("5000000.00"))
    assert school["application_date"] == "2025-03-01"
    assert school["assessment"]["id"] == assessment.pk
    assert school["assessment"]["board"] == "Testraster"
    assert school["assessment"]["status"] == "draft"
    assert by_name["Rathaus"]["assessment"] is None


def test_an_outsiders_token_gets_404(actors):
    ProjectFactory(membership=actors.luenen)
    assert bearer(actors.outsider).get(api("projects", "knn")).status_code == 404


def test_the_list_costs_the_same_queries_at_two_sizes(actors):
    board = small_board(actors.network)

    def grow(size):
        for _ in range(size):
            services.assessment_start(project=ProjectFactory(membership=actors.luenen), board=board)
            ProjectFactory(membership=actors.herten)

    grow(1)
    small, small_count = counted(actors.coordinator, api("projects", "knn"))
    grow(6)
    large, large_count = counted(actors.coordinator, api("projects", "knn"))
    assert large["count"] == small["count"] + 12
    assert large_count == small_count <= 6
