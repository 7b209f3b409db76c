"""The explanation of a result: per level what is reached and what is missing, and which
criteria move the total most (building.scoring.explain), worked by hand."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from building import scoring
from building.models import BoardCriterion
from building.scoring import BoardSpec, CriterionSpec, GroupSpec, LevelSpec, evaluate

# Two groups of 50 %: A (a1 factor 1, a2 factor 3 with minimum 30), B (b1 factor 2);
# Gold ≥ 60 % total and ≥ 40 % per group, Bronze ≥ 30 %.
BOARD = BoardSpec(
    groups=(GroupSpec("A", "Klima", 50), GroupSpec("B", "Kosten", 50)),
    criteria=(
        CriterionSpec("a1", "A", "a1", 1),
        CriterionSpec("a2", "A", "a2", 3, minimum=30),
        CriterionSpec("b1", "B", "b1", 2),
    ),
    levels=(LevelSpec("Bronze", 30), LevelSpec("Gold", 60, 40)),
)


def gaps(points, **kwargs):
    explanation = evaluate(BOARD, points, **kwargs).explanation
    return {level.name: (level.reached, level.missing) for level in explanation.levels}


def test_levels_come_highest_first():
    explanation = evaluate(BOARD, {"a1": 0, "a2": 0, "b1": 0}).explanation
    assert [level.name for level in explanation.levels] == ["Gold", "Bronze"]


def test_missed_by_a_group_minimum():
    # A = 100 %, B = 30 %: total 65 % ≥ 60, but B below 40 %.
    assert gaps({"a1": 100, "a2": 100, "b1": 30}) == {
        "Gold": (False, ("Kosten 30,0 % statt mindestens 40 %",)),
        "Bronze": (True, ()),
    }


def test_missed_by_the_total():
    # A = 40 %, B = 60 %: both groups ≥ 40 %, total 50 % < 60 %.
    assert gaps({"a1": 40, "a2": 40, "b1": 60}) == {
        "Gold": (False, ("Gesamterfüllungsgrad 50,0 % statt mindestens 60 %",)),
        "Bronze": (True, ()),
    }


def test_missed_by_total_and_group_together():
    # A = (10 + 3·30)/4 = 25 %, B = 50 %: total 37,5 %.
    assert gaps({"a1": 10, "a2": 30, "b1": 50}) == {
        "Gold": (
            False,
            (
                "Gesamterfüllungsgrad 37,5 % statt mindestens 60 %",
                "Klima 25,0 % statt mindestens 40 %",
            ),
        ),
        "Bronze": (True, ()),
    }


def test_missed_by_a_criterion_minimum():
    # a2 = 20 < 30: A = (100 + 60)/4 = 40 %, B = 100 %, total 70 %: Gold by the numbers, but
    # the minimum bars every level.
    reason = "Mindestwert verfehlt: „a2“ hat 20 von mindestens 30 Punkten."
    assert gaps({"a1": 100, "a2": 20, "b1": 100}) == {
        "Gold": (False, (reason,)),
        "Bronze": (False, (reason,)),
    }


def test_missed_by_a_legal_failure():
    reason = "Rechtliche Anforderung nicht erfüllt: GEG § 71"
    assert gaps({"a1": 100, "a2": 100, "b1": 100}, legal_failures=["GEG § 71"]) == {
        "Gold": (False, (reason,)),
        "Bronze": (False, (reason,)),
    }


def test_a_third_of_a_group_reads_33_3():
    board = BoardSpec(
        groups=(GroupSpec("P", "Prozessqualität", 100),),
        criteria=tuple(CriterionSpec(k, "P", k) for k in ("p1", "p2", "p3")),
        levels=(LevelSpec("Silber", 20, 35),),
    )
    level = evaluate(board, {"p1": 100, "p2": 0, "p3": 0}).explanation.levels[0]
    assert level.missing == ("Prozessqualität 33,3 % statt mindestens 35 %",)


def test_a_group_outside_the_minimums_is_not_a_gap():
    board = BoardSpec(
        groups=(GroupSpec("E", "Umwelt", 95), GroupSpec("S", "Standort", 5, False)),
        criteria=(CriterionSpec("e", "E", "e"), CriterionSpec("s", "S", "s")),
        levels=(LevelSpec("Gold", 60, 50),),
    )
    assert evaluate(board, {"e": 100, "s": 0}).explanation.levels[0].reached


def test_levers_by_gain_per_point():
    """Per point: a1 0,5 · 1/4 = 0,125; a2 0,5 · 3/4 = 0,375; b1 0,5 · 2/2 = 0,5
    percentage points of the total. a2 at 100 has nothing left."""
    levers = evaluate(BOARD, {"a1": 0, "a2": 100, "b1": 50}).explanation.levers
    assert [(lv.key, lv.points) for lv in levers] == [("b1", 50), ("a1", 0)]
    assert levers[0].gain_per_point == pytest.approx(0.5)
    assert levers[0].gain_open == pytest.approx(25)
    assert levers[1].gain_per_point == pytest.approx(0.125)
    assert levers[1].gain_open == pytest.approx(12.5)


def test_levers_are_at_most_three_and_unscored_count():
    board = BoardSpec(
        groups=(GroupSpec("G", "G", 100),),
        criteria=tuple(CriterionSpec(f"c{i}", "G", f"c{i}", factor=i) for i in range(1, 6)),
    )
    levers = scoring.levers(board, {"c5": 90})
    # factor 5 first (at 90, 10 open), then 4 and 3; 15 factors: 5/15 = 1/3 per point
    assert [lv.key for lv in levers] == ["c5", "c4", "c3"]
    assert levers[0].gain_per_point == pytest.approx(1 / 3)
    assert levers[0].gain_open == pytest.approx(10 / 3)


def test_ties_prefer_more_open_points():
    board = BoardSpec(
        groups=(GroupSpec("G", "G", 100),),
        criteria=(CriterionSpec("x", "G", "x"), CriterionSpec("y", "G", "y")),
    )
    assert [lv.key for lv in scoring.levers(board, {"x": 80, "y": 20})] == ["y", "x"]


@given(st.fixed_dictionaries({k: st.integers(0, 99) for k in ("a1", "a2", "b1")}))
def test_a_lever_point_adds_its_gain_to_the_total(points):
    """The law behind the levers: one more point raises the total by gain_per_point."""
    before = evaluate(BOARD, points)
    for lever in before.explanation.levers:
        after = evaluate(BOARD, {**points, lever.key: points[lever.key] + 1})
        assert after.total - before.total == pytest.approx(lever.gain_per_point)


# --- on the assessment page ---------------------------------------------------------------


@pytest.mark.django_db
def test_assessment_page_explains_the_result(actors, data):
    """The test board (factories.small_board): K1 = 100, K2 = 20, W1 unscored: Klima
    (100 + 60)/4 = 40 %, Kosten 0 %, total 20 %; K2's minimum 30 is missed."""
    from building import services

    by_code = {c.code: c for c in BoardCriterion.objects.filter(group__board=data.board)}
    a = data.assessment
    services.assessment_save_scores(
        assessment=a,
        entries={by_code["K1"].pk: (100, ""), by_code["K2"].pk: (20, "")},
        evidence={},
        loaded_version=a.version,
        user=actors.coordinator,
    )
    response = actors.client(actors.other).get(
        reverse("building:assessment_detail", args=["knn", a.pk])
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Für Gold fehlt:" in text
    assert "Gesamterfüllungsgrad 20,0 % statt mindestens 60 %" in text
    assert "Kosten 0,0 % statt mindestens 40 %" in text
    assert "„K2 Erneuerbare Wärme“ hat 20 von mindestens 30 Punkten" in text
    # levers: W1 (0,5 per point) before K2 (0,5 · 3/4 = 0,375) and K1 (at 100: none)
    section = text[text.index("Was das Ergebnis am meisten bewegt") :]
    assert section.index("W1 Lebenszykluskosten") < section.index("K2 Erneuerbare Wärme")
    assert "je Punkt +0,50 Prozentpunkte" in section
