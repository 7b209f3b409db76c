"""The building section of the public page and the open data (building.public)."""

import json

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from building import services
from building.models import BoardCriterion
from building.public import ProjectsSection
from network.progress import Period
from network.public import public_sections
from tests.building.factories import ProjectFactory, accepted

pytestmark = pytest.mark.django_db

PERIOD = Period.year(timezone.localdate().year)
STAFF_NAMES = ("Xaverine", "Quirlmeyer", "Bartholomäus", "Zwirbelstein")


def score(assessment, points, user):
    """`points` by criterion code (K1, K2, W1)."""
    criteria = BoardCriterion.objects.filter(group__board=assessment.board)
    services.assessment_save_scores(
        assessment=assessment,
        entries={c.pk: (points[c.code], "") for c in criteria},
        evidence={},
        loaded_version=assessment.version,
        user=user,
    )
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def people(actors):
    actors.coordinator.first_name, actors.coordinator.last_name = "Xaverine", "Quirlmeyer"
    actors.coordinator.save()
    actors.expert.first_name, actors.expert.last_name = "Bartholomäus", "Zwirbelstein"
    actors.expert.save()
    return actors


@pytest.fixture
def cards(people, data):
    """Lünen: the school accepted (Klima 62,5 %, Kosten 80 %, total 71,25 % → Gold), a
    day-care submitted and a gym in draft (both 40 % → Bronze by the numbers)."""
    actors = people
    school = score(data.assessment, {"K1": 100, "K2": 50, "W1": 80}, actors.coordinator)
    accepted(school, submitter=actors.coordinator, reviewer=actors.expert)
    kita = ProjectFactory(membership=actors.luenen, name="Kita Sonnenschein", use="daycare")
    submitted = score(
        services.assessment_start(project=kita, board=data.board),
        {"K1": 40, "K2": 40, "W1": 40},
        actors.coordinator,
    )
    services.assessment_submit(
        assessment=submitted, user=actors.coordinator, loaded_version=submitted.version
    )
    gym = ProjectFactory(membership=actors.luenen, name="Sporthalle Nord", use="sports_hall")
    score(
        services.assessment_start(project=gym, board=data.board),
        {"K1": 40, "K2": 40, "W1": 40},
        actors.coordinator,
    )
    return actors


def test_scorecards_show_only_an_accepted_rating(cards, data):
    section = ProjectsSection()
    html = render_to_string(section.template, section.context(cards.luenen, PERIOD))
    assert "Grundschule am Park" in html and "Schule" in html and "Neubau" in html
    assert "Gold" in html and "Testraster" in html
    assert "71,2\u00a0%" in html  # 71,25 % rounded half to even, as everywhere
    assert "Klima: 62,5\u00a0%" in html and "Kosten: 80,0\u00a0%" in html
    assert "Solarpflicht NRW" in html and "erfüllt" in html
    # Submitted and draft: „noch nicht bestätigt“, none of their numbers.
    assert html.count("noch nicht bestätigt") == 2
    assert "Bronze" not in html and "40,0\u00a0%" not in html
    assert "Feuerwache Herten" not in html  # another member's
    assert 'aria-labelledby="public-projects-' in html and "<caption" in html
    for name in STAFF_NAMES:
        assert name not in html


def test_open_data_rows(cards, data):
    table = ProjectsSection().table([cards.luenen, cards.herten], PERIOD)
    assert table.name == "projects"
    names = [f.name for f in table.fields]
    assert len(set(names)) == len(names)
    assert {"legal_geg_71", "legal_solar_nrw", "legal_epbd_zeb"} <= set(names)
    types = {f.name: f.type for f in table.fields}
    for row in table.rows:
        assert list(row) == names
    text = json.dumps(table.rows, ensure_ascii=False)
    for name in STAFF_NAMES:
        assert name not in text
    rows = {r["project"]: r for r in table.rows}
    assert set(rows) == {
        "Grundschule am Park",
        "Kita Sonnenschein",
        "Sporthalle Nord",
        "Feuerwache Herten",
    }
    school = rows["Grundschule am Park"]
    assert school["municipality"] == "Lünen" and school["ags"] == "05978024"
    assert school["use"] == "Schule" and school["kind"] == "Neubau"
    assert school["assessment"] == "bestätigt" and school["rating"] == "Gold"
    assert school["total_pct"] == pytest.approx(71.25)
    assert types["total_pct"] == "number" and isinstance(school["total_pct"], float)
    assert school["legal_solar_nrw"] == "erfüllt"
    assert school["legal_epbd_zeb"] == "gilt nicht"
    assert school["groups"] == "Klima 62,5\u00a0%; Kosten 80,0\u00a0%"
    for unaccepted in ("Kita Sonnenschein", "Sporthalle Nord"):
        row = rows[unaccepted]
        assert row["assessment"] == "noch nicht bestätigt"
        assert (row["rating"], row["total_pct"], row["groups"]) == ("", None, "")
    herten = rows["Feuerwache Herten"]
    assert herten["assessment"] == "nicht bewertet" and herten["ags"] == "05562020"


def _counts(actors):
    section = ProjectsSection()
    with CaptureQueriesContext(connection) as context_queries:
        render_to_string(section.template, section.context(actors.luenen, PERIOD))
    with CaptureQueriesContext(connection) as table_queries:
        section.table([actors.luenen, actors.herten], PERIOD)
    return len(context_queries), len(table_queries)


def test_queries_do_not_grow(cards, data):
    small = _counts(cards)
    for n in range(3):
        for membership in (cards.luenen, cards.herten):
            project = ProjectFactory(membership=membership, name=f"Neubau {n}")
            assessment = score(
                services.assessment_start(project=project, board=data.board),
                {"K1": 100, "K2": 100, "W1": 100},
                cards.coordinator if membership == cards.luenen else cards.other,
            )
            accepted(
                assessment,
                submitter=cards.coordinator if membership == cards.luenen else cards.other,
                reviewer=cards.expert,
            )
    assert _counts(cards) == small


def test_section_is_registered_once():
    keys = [s.key for s in public_sections()]
    assert keys.count("projects") == 1 and keys[-1] == "projects"
