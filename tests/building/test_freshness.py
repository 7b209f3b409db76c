"""Building writes move their network's data stamp (network.freshness), also the ones
that bypass signals, and the dashboard shows a new project at once."""

import re

import pytest
from django.urls import reverse

from building import services
from building.models import Score
from network import freshness
from tests.building.factories import ProjectFactory, small_board

pytestmark = pytest.mark.django_db


def stamp(actors):
    return freshness.stamp(actors.network.pk)


def test_a_score_is_traced_to_its_network_through_three_foreign_keys(actors):
    project = ProjectFactory(membership=actors.luenen)
    board = small_board(actors.network)
    assessment = services.assessment_start(project=project, board=board)
    criterion = board.groups.first().criteria.first()
    score = Score.objects.create(assessment=assessment, criterion=criterion, points=50)
    score = Score.objects.get(pk=score.pk)  # nothing loaded along the way
    assert freshness.networks_of(score) == {actors.network.pk}


def test_services_that_update_in_bulk_move_the_stamp(actors):
    project = ProjectFactory(membership=actors.luenen)
    board = small_board(actors.network)
    before = stamp(actors)
    assessment = services.assessment_start(project=project, board=board)
    started = stamp(actors)
    assert started != before
    # Only QuerySet.update() inside: the service marks the change itself.
    services.assessment_refresh(assessment=assessment)
    assert stamp(actors) != started
    refreshed = stamp(actors)
    services.project_refresh(project=project)
    assert stamp(actors) != refreshed


def test_dashboard_counts_a_new_project_at_once(actors):
    client = actors.client(actors.moderator)
    url = reverse("network:dashboard", args=["knn"]) + "?sort=projects&dir=desc"

    def luenen_row():
        text = client.get(url).content.decode()
        return re.search(r'<th scope="row"><a [^>]*>Lünen</a>(.*?)</tr>', text, re.S).group(1)

    first = luenen_row()
    ProjectFactory(membership=actors.luenen)
    ProjectFactory(membership=actors.luenen)
    assert luenen_row() != first
    assert 'figure-value">2<' in luenen_row()
