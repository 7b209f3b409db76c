"""The scoring rule, with hand-computed examples and property tests."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from building import scoring
from building.presets import BNB, DGNB
from building.scoring import BoardSpec, CriterionSpec, GroupSpec, LevelSpec, evaluate

# A small board, computed by hand:
#   group A (weight 60): a1 factor 1, a2 factor 3      group B (weight 40): b1 factor 2
#   points a1 = 100, a2 = 50, b1 = 25
#   A = (100·1 + 50·3) / (100·1 + 100·3) = 250 / 400 = 62.5 %
#   B = (25·2) / (100·2) = 25 %
#   total = (60·62.5 + 40·25) / 100 = (3750 + 1000) / 100 = 47.5 %
#   levels: Gold ≥ 60 / group ≥ 40, Silber ≥ 45 / group ≥ 20, Bronze ≥ 30  →  Silber
SMALL = BoardSpec(
    groups=(GroupSpec("A", "Ökologie", 60), GroupSpec("B", "Ökonomie", 40)),
    criteria=(
        CriterionSpec("a1", "A", "a1", 1),
        CriterionSpec("a2", "A", "a2", 3),
        CriterionSpec("b1", "B", "b1", 2),
    ),
    levels=(LevelSpec("Gold", 60, 40), LevelSpec("Silber", 45, 20), LevelSpec("Bronze", 30)),
)
POINTS = {"a1": 100, "a2": 50, "b1": 25}


def test_hand_computed_example():
    result = evaluate(SMALL, POINTS, finalised=True)
    assert [g.fulfilment for g in result.groups] == pytest.approx([62.5, 25.0])
    assert result.total == pytest.approx(47.5)
    assert result.completeness == 100
    assert result.missing == ()
    assert result.eligible and not result.provisional
    assert result.rating == "Silber"


def test_group_minimum_blocks_the_higher_level():
    # total 62.5·0.6 + 100·0.4 = 77.5 ≥ Gold's 60, but group A at 62.5 … and B at 100:
    # with b1 = 100 every group is ≥ 40 → Gold; with a2 = 0, A = 25 % < 40 → not Gold.
    assert evaluate(SMALL, {"a1": 100, "a2": 50, "b1": 100}, finalised=True).rating == "Gold"
    # A = 100/400 = 25 %, B = 100 %: total = 0.6·25 + 0.4·100 = 55 → Silber (A ≥ 20)
    result = evaluate(SMALL, {"a1": 100, "a2": 0, "b1": 100}, finalised=True)
    assert result.total == pytest.approx(55)
    assert result.rating == "Silber"


def test_missing_scores_count_as_zero_and_keep_it_provisional():
    result = evaluate(SMALL, {"a1": 100, "a2": 50}, finalised=True)
    # B = 0 → total = 0.6 · 62.5 = 37.5 → Bronze by the numbers, but incomplete
    assert result.total == pytest.approx(37.5)
    assert result.missing == ("b1",)
    assert result.completeness == pytest.approx(200 / 3)
    assert result.provisional
    assert result.rating is None
    assert result.provisional_rating == "Bronze"


def test_not_finalised_is_provisional():
    result = evaluate(SMALL, POINTS, finalised=False)
    assert result.provisional and result.rating is None and result.provisional_rating == "Silber"


def test_missed_minimum_makes_it_not_eligible_whatever_the_total():
    board = BoardSpec(
        groups=SMALL.groups,
        criteria=(
            CriterionSpec("a1", "A", "Heizung", 1, minimum=50),
            *SMALL.criteria[1:],
        ),
        levels=SMALL.levels,
    )
    result = evaluate(board, {"a1": 10, "a2": 100, "b1": 100}, finalised=True)
    assert result.total > 60
    assert not result.eligible
    assert result.rating is None
    assert "Heizung" in result.reasons[0] and "10 von mindestens 50" in result.reasons[0]


def test_legal_failure_makes_it_not_eligible():
    result = evaluate(SMALL, POINTS, finalised=True, legal_failures=["Solarpflicht NRW"])
    assert not result.eligible
    assert result.rating is None
    assert result.reasons == ("Rechtliche Anforderung nicht erfüllt: Solarpflicht NRW",)


def _preset_board(preset):
    groups, criteria = [], []
    for code, name, weight, in_min, items in preset.groups:
        groups.append(GroupSpec(code, name, weight, in_min))
        criteria += [CriterionSpec(c, code, n, f, m) for c, n, f, m in items]
    return BoardSpec(tuple(groups), tuple(criteria), tuple(LevelSpec(*lv) for lv in preset.levels))


def _uniform(board, points_by_group):
    return {c.key: points_by_group[c.group] for c in board.criteria}


class TestDgnbLikeBoard:
    board = _preset_board(DGNB)

    def test_weights_and_board_are_valid(self):
        assert scoring.validate_board(self.board) == []
        assert sum(g.weight for g in self.board.groups) == 100

    @pytest.mark.parametrize(
        ("points", "expected"),
        [
            (80, "Platin"),  # 80 % everywhere
            (79, "Gold"),  # just below Platin's 80 %
            (65, "Gold"),
            (64, "Silber"),
            (50, "Silber"),
            (49, "Bronze"),
            (35, "Bronze"),
            (34, None),
        ],
    )
    def test_total_thresholds(self, points, expected):
        result = evaluate(self.board, {c.key: points for c in self.board.criteria}, finalised=True)
        assert result.total == pytest.approx(points)
        assert result.rating == expected

    def test_group_minimum_of_65_for_platin(self):
        # ENV only 60 % (< 65) while the total stays ≥ 80:
        # 25·60 + 25·100 + 25·100 + 10·100 + 10·100 + 5·100 = 9000 → 90 %  → Gold, not Platin
        pts = _uniform(
            self.board, {"ENV": 60, "ECO": 100, "SOC": 100, "TEC": 100, "PRO": 100, "SITE": 100}
        )
        result = evaluate(self.board, pts, finalised=True)
        assert result.total == pytest.approx(90)
        assert result.rating == "Gold"

    def test_site_is_left_out_of_the_group_minimums(self):
        # site at 0 % does not block Platin: total = 95 % of the other weights = 95·0.95 = 90.25
        pts = _uniform(
            self.board, {"ENV": 95, "ECO": 95, "SOC": 95, "TEC": 95, "PRO": 95, "SITE": 0}
        )
        result = evaluate(self.board, pts, finalised=True)
        assert result.total == pytest.approx(90.25)
        assert result.rating == "Platin"


def test_bnb_like_board_is_valid_and_uses_factors_1_to_3():
    board = _preset_board(BNB)
    assert scoring.validate_board(board) == []
    assert {c.factor for c in board.criteria} <= {1, 2, 3}
    # 10 / 50 / 100 points (threshold / reference / target) everywhere give 10 / 50 / 100 %
    for points, rating in [(10, None), (50, "Bronze"), (100, "Gold")]:
        result = evaluate(board, {c.key: points for c in board.criteria}, finalised=True)
        assert result.total == pytest.approx(points)
        assert result.rating == rating


class TestValidation:
    def test_weights_not_100(self):
        board = BoardSpec(
            (GroupSpec("A", "A", 60), GroupSpec("B", "B", 30)),
            (CriterionSpec("a", "A", "a"), CriterionSpec("b", "B", "b")),
            (LevelSpec("Gold", 50),),
        )
        assert scoring.validate_board(board) == [
            "Die Gewichte der Kriteriengruppen ergeben 90 %, nicht 100 %."
        ]

    def test_level_without_threshold_and_empty_group(self):
        board = BoardSpec(
            (GroupSpec("A", "Ökologie", 50), GroupSpec("B", "Prozess", 50)),
            (CriterionSpec("a", "A", "a"),),
            (LevelSpec("Gold", None),),
        )
        assert scoring.validate_board(board) == [
            "Die Kriteriengruppe „Prozess“ enthält keine Kriterien.",
            "Die Bewertungsstufe „Gold“ hat keinen Mindest-Gesamterfüllungsgrad.",
        ]


# --- properties -----------------------------------------------------------------------------

groups_st = st.lists(st.integers(1, 50), min_size=1, max_size=5)


@st.composite
def boards_and_points(draw):
    weights = draw(groups_st)
    groups = tuple(GroupSpec(i, f"G{i}", w) for i, w in enumerate(weights))
    criteria = []
    for g in groups:
        for j in range(draw(st.integers(1, 4))):
            criteria.append(CriterionSpec(f"{g.key}-{j}", g.key, "c", draw(st.integers(1, 3))))
    points = {c.key: draw(st.one_of(st.none(), st.integers(0, 100))) for c in criteria}
    board = BoardSpec(groups, tuple(criteria), (LevelSpec("Gold", 70, 50), LevelSpec("Bronze", 30)))
    return board, points


@settings(max_examples=150, deadline=None)
@given(boards_and_points())
def test_results_stay_within_bounds(data):
    board, points = data
    result = evaluate(board, points, finalised=True)
    assert 0 <= result.total <= 100 + 1e-9
    assert all(0 <= g.fulfilment <= 100 + 1e-9 for g in result.groups)
    assert 0 <= result.completeness <= 100
    assert min(g.fulfilment for g in result.groups) - 1e-9 <= result.total
    assert result.total <= max(g.fulfilment for g in result.groups) + 1e-9


@settings(max_examples=150, deadline=None)
@given(boards_and_points(), st.data())
def test_more_points_never_lower_the_total_or_the_rating(data, more):
    board, points = data
    key = more.draw(st.sampled_from([c.key for c in board.criteria]))
    before = evaluate(board, points, finalised=True)
    raised = dict(
        points, **{key: min((points.get(key) or 0) + more.draw(st.integers(0, 100)), 100)}
    )
    after = evaluate(board, raised, finalised=True)
    assert after.total >= before.total - 1e-9
    order = {None: 0, "Bronze": 1, "Gold": 2}
    assert order[after.provisional_rating] >= order[before.provisional_rating]


@settings(max_examples=100, deadline=None)
@given(boards_and_points(), st.integers(1, 10))
def test_scaling_all_weights_changes_nothing(data, factor):
    board, points = data
    scaled = BoardSpec(
        tuple(GroupSpec(g.key, g.name, g.weight * factor) for g in board.groups),
        board.criteria,
        board.levels,
    )
    assert evaluate(scaled, points).total == pytest.approx(evaluate(board, points).total)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 100), min_size=1, max_size=8))
def test_equal_points_everywhere_give_that_total(values):
    # whatever the weights and factors, p points on every criterion give p % in total
    groups = tuple(GroupSpec(i, "g", 10 + i) for i in range(len(values)))
    criteria = tuple(CriterionSpec(i, i, "c", 1 + i % 3) for i in range(len(values)))
    p = values[0]
    assert evaluate(
        BoardSpec(groups, criteria), {c.key: p for c in criteria}
    ).total == pytest.approx(p)
