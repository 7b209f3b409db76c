"""Measured criteria: the BNB points rule, the sources of values, the board form and the
score page for measured criteria, and the presets' indicators."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import assume, given
from hypothesis import strategies as st

from building import indicators, services
from building.indicators import ProjectFigures, Source, points_for, source_value
from building.models import BoardCriterion, Score
from building.presets import DETAILS


def u(name, *args):
    return reverse(f"building:{name}", args=["knn", *args])


# --- the rule, by hand ---------------------------------------------------------------------

RISING = (65, 80, 100)  # % renewable heat: threshold, reference, target
FALLING = (32, 24, 12)  # kg CO₂e/(m²·a)


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (64.9, 0),  # short of the threshold
        (65, 10),  # threshold
        (72.5, 30),  # halfway threshold → reference: 10 + 40 · 7,5/15
        (80, 50),  # reference
        (90, 75),  # halfway reference → target: 50 + 50 · 10/20
        (100, 100),  # target
        (120, 100),  # beyond the target: capped
    ],
)
def test_rising_indicator(value, points):
    assert points_for(value, *RISING) == pytest.approx(points)


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (33, 0),  # worse than the threshold
        (32, 10),
        (28, 30),  # 10 + 40 · 4/8
        (24, 50),
        (21, 62.5),  # 50 + 50 · 3/12
        (12, 100),
        (0, 100),
        (-5, 100),  # negative cost per tonne: saves money, still 100
    ],
)
def test_falling_indicator(value, points):
    assert points_for(value, *FALLING) == pytest.approx(points)


def test_decimals_are_read_like_floats():
    assert points_for(Decimal("72.5"), Decimal(65), Decimal(80), Decimal(100)) == 30


@pytest.mark.parametrize(
    "values", [(None, 65, 80, 100), (70, 65, 65, 100), (70, 65, 100, 80), (70, None, 80, 100)]
)
def test_no_points_without_a_value_or_an_order(values):
    assert points_for(*values) is None


def test_whole_points_round_half_up():
    assert indicators.whole_points(33.5) == 34
    assert indicators.whole_points(33.49) == 33
    assert indicators.whole_points(62.5) == 63
    assert indicators.whole_points(None) is None


# --- the rule, as laws ---------------------------------------------------------------------

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
ordered = st.lists(finite, min_size=3, max_size=3, unique=True).map(sorted)


@given(ordered, finite, finite)
def test_points_rise_with_value_and_stay_in_bounds(values, a, b):
    threshold, reference, target = values
    assume(reference - threshold > 1e-6 and target - reference > 1e-6)
    low, high = sorted((a, b))
    p_low = points_for(low, threshold, reference, target)
    p_high = points_for(high, threshold, reference, target)
    assert 0 <= p_low <= p_high <= 100


@given(ordered, finite)
def test_falling_is_the_mirror_of_rising(values, value):
    threshold, reference, target = values
    assume(reference - threshold > 1e-6 and target - reference > 1e-6)
    rising = points_for(value, threshold, reference, target)
    falling = points_for(-value, -threshold, -reference, -target)
    assert falling == pytest.approx(rising)


@given(ordered)
def test_the_three_values_earn_10_50_100(values):
    threshold, reference, target = values
    assume(reference - threshold > 1e-6 and target - reference > 1e-6)
    for value, points in ((threshold, 10), (reference, 50), (target, 100)):
        assert points_for(value, threshold, reference, target) == pytest.approx(points)
        assert points_for(-value, -threshold, -reference, -target) == pytest.approx(points)


# --- the check of an indicator ------------------------------------------------------------


def errors(unit="%", threshold=65, reference=80, target=100, source="manual"):
    return indicators.indicator_errors(
        unit=unit, threshold=threshold, reference=reference, target=target, source=source
    )


def test_indicator_errors():
    assert errors() == {}
    assert errors(threshold=32, reference=24, target=12) == {}  # falling
    assert errors(unit="", threshold=None, reference=None, target=None) == {}  # qualitative
    assert set(errors(unit="")) == {"unit"}
    assert set(errors(reference=None)) == {"reference_value"}
    assert set(errors(unit="", threshold=None, reference=None, target=None, source="pv_per_roof"))
    assert "in einer Richtung geordnet" in errors(reference=120)["reference_value"]
    assert "in einer Richtung geordnet" in errors(reference=65)["reference_value"]


# --- sources -------------------------------------------------------------------------------


def test_source_values():
    figures = ProjectFigures(
        renewable_heat_share_pct=Decimal("72.5"),
        pv_peak_kw=Decimal("90"),
        roof_area_m2=Decimal("1000"),
        chosen_npv=38000.0,
        reference_npv=30000.0,
        cost_per_tonne=500.0,
    )
    assert source_value(Source.RENEWABLE_HEAT_SHARE, figures) == 72.5
    assert source_value(Source.PV_PER_ROOF, figures) == pytest.approx(9.0)
    assert source_value(Source.LCC_VS_REFERENCE, figures) == pytest.approx(126.6667, abs=1e-3)
    assert source_value(Source.COST_PER_TONNE, figures) == 500.0
    assert source_value(Source.MANUAL, figures) is None
    empty = ProjectFigures(pv_peak_kw=Decimal("90"), roof_area_m2=Decimal("0"))
    for source in Source.values:
        assert source_value(source, empty) is None


@pytest.mark.django_db
def test_project_figures_from_the_variant_comparison(data):
    """gas_and_heat_pump at r = 0, T = 20, no CO₂ price: gas 10.000 + 20 · 1.000 = 30.000 €
    and 40 t; heat pump 20.000 + 20 · 900 = 38.000 € and 24 t: 126,67 % and 500 €/t."""
    from building import presentation
    from building.models import BuildingSettings

    gas, pump = data.variants
    table = lambda: presentation.variant_table(  # noqa: E731
        data.project.variants.prefetch_related("energy_uses"),
        BuildingSettings.for_network(data.project.membership.network).assumptions(),
    )
    assert indicators.project_figures(data.project, table()).chosen_npv is None  # none chosen
    pump.is_chosen = True
    pump.save()
    figures = indicators.project_figures(data.project, table())
    assert source_value(Source.LCC_VS_REFERENCE, figures) == pytest.approx(100 * 38000 / 30000)
    assert source_value(Source.COST_PER_TONNE, figures) == pytest.approx(500)
    assert indicators.project_figures(data.project, None).chosen_npv is None


# --- the board form --------------------------------------------------------------------------


def criterion_payload(group, **values):
    return {
        "group": group.pk,
        "code": "K9",
        "name": "Erneuerbare Wärme gemessen",
        "factor": "2",
        "position": "5",
        **values,
    }


@pytest.mark.django_db
class TestBoardForm:
    def test_measured_criterion_is_created_and_shown(self, actors, data):
        client = actors.client(actors.moderator)
        draft = services.board_new_version(board=data.board)
        group = draft.groups.get(code="K")
        payload = criterion_payload(
            group,
            unit="%",
            source="renewable_heat_share",
            threshold_value="65",
            reference_value="80",
            target_value="100,5",
        )
        response = client.post(u("criterion_create", draft.pk), payload)
        assert response.status_code == 302
        created = group.criteria.get(code="K9")
        assert created.target_value == Decimal("100.5") and created.is_sourced
        text = client.get(u("board_detail", draft.pk)).content.decode()
        assert "100,5\xa0%" in text and "gemessen in %" in text

    @pytest.mark.parametrize(
        ("values", "message"),
        [
            (
                {"unit": "%", "threshold_value": "65", "reference_value": "100",
                 "target_value": "80"},
                "Grenz-, Referenz- und Zielwert müssen in einer Richtung geordnet sein",
            ),
            (
                {"unit": "%", "threshold_value": "65"},
                "Ein gemessenes Kriterium braucht Grenz-, Referenz- und Zielwert als Zahl.",
            ),
            (
                {"threshold_value": "65", "reference_value": "80", "target_value": "100"},
                "Bitte die Einheit des Indikators angeben",
            ),
            (
                {"unit": "%", "threshold_value": "viel", "reference_value": "80",
                 "target_value": "100"},
                "Bitte",
            ),
        ],
    )  # fmt: skip
    def test_bad_indicator_gives_german_message_and_nothing_changes(
        self, actors, data, values, message
    ):
        client = actors.client(actors.moderator)
        draft = services.board_new_version(board=data.board)
        group = draft.groups.get(code="K")
        response = client.post(u("criterion_create", draft.pk), criterion_payload(group, **values))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not group.criteria.filter(code="K9").exists()

    def test_others_cannot_edit_indicators(self, actors, data):
        draft = services.board_new_version(board=data.board)
        group = draft.groups.get(code="K")
        payload = criterion_payload(
            group, unit="%", threshold_value="65", reference_value="80", target_value="100"
        )
        anonymous = actors.client(None).post(u("criterion_create", draft.pk), payload)
        assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
        assert (
            actors.client(actors.outsider)
            .post(u("criterion_create", draft.pk), payload)
            .status_code
            == 404
        )
        assert (
            actors.client(actors.coordinator)
            .post(u("criterion_create", draft.pk), payload)
            .status_code
            == 403
        )
        assert not BoardCriterion.objects.filter(code="K9").exists()


# --- the score page --------------------------------------------------------------------------


def measured_board(data):
    """The test board's K1 measured by hand (kg CO₂e, falling 32/24/12), K2 read from the
    project's renewable share (rising 65/80/100); W1 stays qualitative."""
    by_code = {c.code: c for c in BoardCriterion.objects.filter(group__board=data.board)}
    BoardCriterion.objects.filter(pk=by_code["K1"].pk).update(
        unit="kg CO₂e/(m²·a)",
        threshold_value=32,
        reference_value=24,
        target_value=12,
    )
    BoardCriterion.objects.filter(pk=by_code["K2"].pk).update(
        unit="%",
        source="renewable_heat_share",
        threshold_value=65,
        reference_value=80,
        target_value=100,
    )
    return by_code


@pytest.mark.django_db
class TestScorePage:
    def test_measured_points_are_computed_not_typed(self, actors, data):
        c = measured_board(data)
        data.project.renewable_heat_share_pct = Decimal("90")
        data.project.save()
        a = data.assessment
        client = actors.client(actors.coordinator)
        page = client.get(u("assessment_score", a.pk)).content.decode()
        assert "aus den Angaben des Vorhabens" in page
        assert f'name="points_{c["K1"].pk}"' not in page  # no typed points for measured
        assert f'name="points_{c["W1"].pk}"' in page
        response = client.post(
            u("assessment_score", a.pk),
            {
                "loaded_version": a.version,
                f"value_{c['K1'].pk}": "21",
                f"value_{c['K2'].pk}": "5",  # read-only: the project's 90 % counts
                f"points_{c['K1'].pk}": "3",  # ignored
                f"points_{c['W1'].pk}": "40",
                f"justification_{c['K1'].pk}": "Ökobilanz vom 12.03.",
            },
        )
        assert response.status_code == 302
        scores = {s.criterion.code: s for s in Score.objects.filter(assessment=a)}
        assert scores["K1"].points == 63  # 62,5 rounded half up
        assert scores["K1"].measured_value == Decimal("21")
        assert scores["K2"].points == 75 and scores["K2"].measured_value == Decimal("90")
        assert scores["W1"].points == 40 and scores["W1"].measured_value is None

    def test_unknown_source_value_leaves_the_criterion_unscored(self, actors, data):
        c = measured_board(data)
        data.project.renewable_heat_share_pct = None
        data.project.save()
        a = data.assessment
        client = actors.client(actors.coordinator)
        assert "noch nicht bekannt" in client.get(u("assessment_score", a.pk)).content.decode()
        client.post(
            u("assessment_score", a.pk),
            {"loaded_version": a.version, f"value_{c['K1'].pk}": "24"},
        )
        assert set(Score.objects.filter(assessment=a).values_list("criterion__code", "points")) == {
            ("K1", 50)
        }

    def test_bad_value_gives_a_german_message_and_saves_nothing(self, actors, data):
        c = measured_board(data)
        a = data.assessment
        response = actors.client(actors.coordinator).post(
            u("assessment_score", a.pk),
            {
                "loaded_version": a.version,
                f"value_{c['K1'].pk}": "viel",
                f"points_{c['W1'].pk}": "40",
            },
        )
        assert response.status_code == 200
        assert "Bitte die markierten Angaben prüfen." in response.content.decode()
        assert not Score.objects.exists()

    def test_who_may_score(self, actors, data):
        c = measured_board(data)
        a = data.assessment
        payload = {"loaded_version": a.version, f"value_{c['K1'].pk}": "21"}
        anonymous = actors.client(None).post(u("assessment_score", a.pk), payload)
        assert anonymous.status_code == 302 and reverse("login") in anonymous["Location"]
        outsider = actors.client(actors.outsider).post(u("assessment_score", a.pk), payload)
        assert outsider.status_code == 404
        other = actors.client(actors.other).post(u("assessment_score", a.pk), payload)
        assert other.status_code in (403, 404)
        assert not Score.objects.exists()


# --- presets and the demo ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("preset", ["knn", "bnb", "dgnb"])
def test_presets_carry_valid_indicators(actors, preset):
    board = services.board_create(network=actors.network, name="", preset=preset)
    criteria = list(BoardCriterion.objects.filter(group__board=board))
    assert {c.code for c in criteria} == set(DETAILS[preset])
    measured = [c for c in criteria if c.is_measured]
    assert measured and len(measured) < len(criteria)
    for criterion in criteria:
        criterion.full_clean()  # the board form's validation holds for every preset
        if criterion.is_measured:
            assert criterion.unit and "Beispielwerte" in criterion.description
        else:
            assert criterion.threshold and criterion.reference and criterion.target
    by_code = {c.code: c for c in criteria}
    if preset == "knn":
        assert by_code["K2"].source == Source.RENEWABLE_HEAT_SHARE
        assert by_code["W1"].source == Source.LCC_VS_REFERENCE
        assert by_code["W2"].source == Source.COST_PER_TONNE
    if preset == "bnb":
        assert by_code["2.1.1"].source == Source.LCC_VS_REFERENCE


@pytest.mark.django_db
def test_demo_boards_have_indicators_and_consistent_points():
    from building import demo as building_demo
    from building.models import Assessment
    from network import demo

    building_demo.seed(demo.seed_network())
    measured = BoardCriterion.objects.filter(
        group__board__name="KNN-Bewertungsraster Bauen", threshold_value__isnull=False
    )
    assert measured.count() >= 5
    for score in Score.objects.filter(criterion__in=measured).select_related("criterion"):
        assert score.measured_value is not None
        assert score.points == indicators.whole_points(
            score.criterion.points_for(score.measured_value)
        )
    assert Assessment.objects.exists()
