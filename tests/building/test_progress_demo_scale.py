"""Progress section, demo seeder and scale generator."""

import random
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from building import services
from building.models import Assessment, BoardCriterion, BuildingProject, Guideline, Score
from building.progress import BuildingSection
from network.progress import Period, sections
from network.scale import ScaleSpec
from tests.building.factories import ProjectFactory, accepted
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def finish(assessment, points, user, reviewer=None):
    criteria = BoardCriterion.objects.filter(group__board=assessment.board)
    services.assessment_save_scores(
        assessment=assessment,
        entries={c.pk: (points, "") for c in criteria},
        evidence={},
        loaded_version=assessment.version,
        user=user,
    )
    accepted(assessment, submitter=user, reviewer=reviewer or _reviewer(assessment))


def _reviewer(assessment):
    """An expert of the network: reviews every member's assessment (four eyes)."""
    from network.models import Role

    network = assessment.project.membership.network
    return Role.objects.filter(network=network, kind=Role.Kind.EXPERT).first().user


def test_section_is_registered():
    assert any(isinstance(s, BuildingSection) for s in sections())


def test_figures_per_membership(actors, data):
    finish(data.assessment, 100, actors.coordinator)  # 100 % → Gold
    ProjectFactory(membership=actors.luenen, solar_area_m2=10)  # a legal problem, no assessment
    figures = BuildingSection().figures([actors.luenen, actors.herten], Period.year(2099))
    luenen = {f.key: f.value for f in figures[actors.luenen.pk]}
    herten = {f.key: f.value for f in figures[actors.herten.pk]}
    assert luenen == {
        "projects": 2,
        "projects_assessed": 1,
        "avg_total_pct": 100.0,
        "ratings": 1,
        "legal_problems": 1,
    }
    assert herten == {
        "projects": 1,
        "projects_assessed": 0,
        "avg_total_pct": None,
        "ratings": 0,
        "legal_problems": 0,
    }


def test_figures_respect_the_period(actors, data):
    finish(data.assessment, 100, actors.coordinator)
    figures = BuildingSection().figures([actors.luenen], Period.year(2000))
    assert {f.key: f.value for f in figures[actors.luenen.pk]}["projects"] == 0


@pytest.mark.parametrize("members", [2, 20])
def test_figures_use_a_fixed_number_of_queries(actors, data, members, django_assert_num_queries):
    memberships = [actors.luenen, actors.herten]
    for _ in range(members):
        m = MembershipFactory(network=actors.network)
        ProjectFactory(membership=m)
        memberships.append(m)
    with django_assert_num_queries(1):
        figures = BuildingSection().figures(memberships, Period.year(2099))
    assert len(figures) == members + 2


def test_context_and_template(actors, data):
    finish(data.assessment, 50, actors.coordinator)
    section = BuildingSection()
    context = section.context(actors.luenen, Period.year(2099))
    html = render_to_string(section.template, context)
    assert "Grundschule am Park" in html and "50,0\u00a0%" in html and "Bronze" in html
    assert "Feuerwache Herten" not in html


def test_open_items_are_draft_assessments(actors, data):
    items = BuildingSection().open_items([actors.luenen, actors.herten], None)
    assert [i.title for i in items] == ["Bewertung einreichen: Grundschule am Park"]
    assert items[0].membership_id == actors.luenen.pk


def test_demo_seed_is_idempotent(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from building import demo as building_demo
    from network import demo

    seeded = demo.seed_network()
    building_demo.seed(seeded)
    counts = (BuildingProject.objects.count(), Assessment.objects.count(), Score.objects.count())
    building_demo.seed(seeded)
    assert counts == (
        BuildingProject.objects.count(),
        Assessment.objects.count(),
        Score.objects.count(),
    )
    per_member = {
        m.pk: BuildingProject.objects.filter(membership=m).count()
        for m in seeded.memberships.values()
    }
    assert all(3 <= n <= 5 for n in per_member.values())
    assert BuildingProject.objects.filter(legal_status="problem").exists()
    assert BuildingProject.objects.filter(variants__isnull=False).distinct().count() == sum(
        per_member.values()
    )
    assert Assessment.objects.filter(status="final").exclude(rating="").exists()
    assert Guideline.objects.filter(status="published").count() == 2


def test_scale_generator(db):
    memberships = [MembershipFactory() for _ in range(3)]
    spec = ScaleSpec(projects_per_member=4, scores_per_assessment=7)
    from building.scale import generate

    generate(memberships, spec, random.Random(1))
    assert BuildingProject.objects.count() == 12
    assert Assessment.objects.count() == 12 and Score.objects.count() == 12 * 7
    project = BuildingProject.objects.select_related("latest_assessment").first()
    assessment = project.latest_assessment
    assert assessment is not None and assessment.completeness_pct == 100
    # the stored total is what the scoring rule computes from the stored scores
    assert Decimal(f"{assessment.evaluate().total:.2f}") == assessment.total_pct
