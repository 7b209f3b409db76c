"""Lists, the comparison and the result pages cost a fixed number of queries."""

import re

import pytest
from django.urls import reverse

from building import services
from building.models import BoardCriterion
from building.views import comparison
from tests.building.factories import GuidelineFactory, ProjectFactory, gas_and_heat_pump
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def u(name, *args):
    return reverse(f"building:{name}", args=["knn", *args])


def grow(actors, data, n):
    """n more members, each with a scored project that has two variants, and n guidelines."""
    criteria = list(BoardCriterion.objects.filter(group__board=data.board))
    for i in range(n):
        membership = MembershipFactory(network=actors.network)
        project = ProjectFactory(membership=membership, name=f"Schule {i}")
        gas_and_heat_pump(project)
        assessment = services.assessment_start(project=project, board=data.board)
        services.assessment_save_scores(
            assessment=assessment,
            entries={c.pk: (50 + i % 50, "") for c in criteria},
            evidence={},
            loaded_version=assessment.version,
            user=actors.moderator,
        )
        GuidelineFactory(network=actors.network)


SIZES = [1, 12]


@pytest.mark.parametrize("n", SIZES)
def test_project_list(actors, data, n, django_assert_max_num_queries):
    grow(actors, data, n)
    client = actors.client(actors.coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(u("project_list") + "?kind=new_build")
    assert response.content.decode().count("Schule ") >= n


@pytest.mark.parametrize("n", SIZES)
def test_comparison(actors, data, n, django_assert_max_num_queries):
    grow(actors, data, n)
    client = actors.client(actors.moderator)
    # The score ranking is counted and cut to the page by the database (one count more).
    with django_assert_max_num_queries(13):
        response = client.get(u("comparison"))
    text = response.content.decode()
    assert text.count("Schule ") >= 2 * n  # in both rankings


RANK_ROW = re.compile(r'<tr><td>(\d+)</td><th scope="row"><a href="[^"]*">([^<]+)</a>')


def rankings(text):
    by_total, by_cost = text.split("Rangfolge nach CO₂-Vermeidungskosten")
    return RANK_ROW.findall(by_total), RANK_ROW.findall(by_cost)


@pytest.mark.parametrize("n", SIZES)
def test_comparison_pages_keep_the_ranking(
    actors, data, n, monkeypatch, django_assert_max_num_queries
):
    """Paged by 5, the pages together show both rankings of the unpaged page, ranks running
    on across pages, each page at the same query count."""
    grow(actors, data, n)
    client = actors.client(actors.moderator)
    whole = rankings(client.get(u("comparison")).content.decode())
    assert len(whole[0]) >= n and len(whole[1]) >= n
    monkeypatch.setattr(comparison, "COMPARISON_PAGE_SIZE", 5)
    paged = ([], [])
    pages = -(-max(map(len, whole)) // 5)
    for number in range(1, pages + 1):
        with django_assert_max_num_queries(13):
            response = client.get(u("comparison"), {"page": number})
        text = response.content.decode()
        by_total, by_cost = rankings(text)
        assert len(by_total) <= 5 and len(by_cost) <= 5
        paged[0].extend(by_total)
        paged[1].extend(by_cost)
        if pages > 1:
            assert f"Seite {number} von {pages}" in text
    assert paged[0] == whole[0] and paged[1] == whole[1]
    assert [int(rank) for rank, _name in paged[0]] == list(range(1, len(whole[0]) + 1))


@pytest.mark.parametrize("n", SIZES)
def test_board_and_guideline_lists(actors, data, n, django_assert_max_num_queries):
    grow(actors, data, n)
    for _ in range(n):
        services.board_create(network=actors.network, name="", preset="knn")
    client = actors.client(actors.observer)
    with django_assert_max_num_queries(10):
        response = client.get(u("board_list"))
    assert response.content.decode().count("KNN-Bewertungsraster Bauen") == n
    with django_assert_max_num_queries(10):
        response = client.get(u("guideline_list"))
    assert response.content.decode().count("Leitlinie ") >= n


@pytest.mark.parametrize("n", SIZES)
def test_board_detail_and_assessment_pages(actors, data, n, django_assert_max_num_queries):
    from tests.building.factories import CriterionFactory

    draft = services.board_new_version(board=data.board)
    group = draft.groups.first()
    for i in range(n):
        CriterionFactory(group=group, name=f"Zusatz {i}")
    client = actors.client(actors.moderator)
    with django_assert_max_num_queries(13):
        response = client.get(u("board_detail", draft.pk))
    assert response.content.decode().count("Zusatz ") == n
    draft = services.board_activate(board=draft)
    assessment = services.assessment_start(project=data.herten_project, board=draft)
    with django_assert_max_num_queries(16):
        response = client.get(u("assessment_detail", assessment.pk))
    assert response.content.decode().count("Zusatz ") >= n
    with django_assert_max_num_queries(16):
        response = client.get(u("assessment_score", assessment.pk))
    assert response.content.decode().count("Zusatz ") >= n


@pytest.mark.parametrize("variants", [1, 6])
def test_project_pages(actors, data, variants, django_assert_max_num_queries):
    from tests.building.factories import EnergyUseFactory, VariantFactory

    for _ in range(variants):
        EnergyUseFactory(variant=VariantFactory(project=data.project))
    client = actors.client(actors.coordinator)
    # 15: one of them reads the network's funding programmes that fit the project.
    with django_assert_max_num_queries(15):
        response = client.get(u("project_detail", data.project.pk))
    assert response.content.decode().count("Variante ") >= variants
    with django_assert_max_num_queries(12):
        response = client.get(u("project_economics", data.project.pk))
    assert response.content.decode().count("Variante ") >= variants
