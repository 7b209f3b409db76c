"""Life-cycle cost: worked examples computed by hand, and property tests."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from building import economics
from building.economics import Assumptions, EnergyUse, Variant, life_cycle


def test_worked_example_with_replacement_escalation_and_co2():
    """T = 2 years, r = 10 %; investment 1,000 € with a lifetime of 1 year; maintenance
    50 €/year; 100 kWh/year at 1 €/kWh rising 10 %/year; 0.5 kg CO₂/kWh at 100 €/t.

    replacement in year 1:   1,000 / 1.1                   =   909.09  (= 10,000/11)
    residual value at T:     last bought in year 1, 1 + 1 − 2 = 0 years left → 0
    energy:                  100 / 1.1 + 110 / 1.21        =   181.82  (= 2,000/11)
    maintenance:             50 / 1.1 + 50 / 1.21          =    86.78
    CO₂: 0.05 t × 100 € = 5 €/year: 5 / 1.1 + 5 / 1.21     =     8.68
    NPV = 1,000 + 909.09 + 181.82 + 86.78 + 8.68           = 2,186.36  (= 1,000 + 13,050/11)
    annuity = 2,186.36 · 0.1 · 1.21 / 0.21                 = 1,259.76
    tonnes CO₂ = 0.05 · 2                                   =     0.1
    """
    variant = Variant(
        "Beispiel",
        investment=1000,
        lifetime_years=1,
        maintenance_per_year=50,
        energy=(EnergyUse("gas", 100, 1.0, escalation=0.10, emission_kg_per_kwh=0.5),),
    )
    result = life_cycle(variant, Assumptions(0.10, 2, co2_price_per_t=100))
    assert result.replacements == pytest.approx(10_000 / 11)
    assert result.residual_value == 0
    assert result.energy == pytest.approx(2_000 / 11)
    assert result.maintenance == pytest.approx(50 / 1.1 + 50 / 1.21)
    assert result.co2_cost == pytest.approx(5 / 1.1 + 5 / 1.21)
    assert result.npv == pytest.approx(1000 + 13_050 / 11)
    assert result.npv == pytest.approx(2186.36, abs=0.01)
    assert result.annuity == pytest.approx(1259.76, abs=0.01)
    assert result.tonnes_co2 == pytest.approx(0.1)


def test_worked_example_residual_value():
    """T = 30, lifetime 20, r = 0: bought in year 0 and 20; the second one has 20 + 20 − 30
    = 10 of 20 years left, so half of 1,000 € comes back at T.
    NPV = 1,000 + 1,000 − 500 = 1,500 €; annuity at r = 0 is NPV / T = 50 €."""
    result = life_cycle(Variant("Kessel", 1000, 20), Assumptions(0.0, 30))
    assert result.replacements == 1000
    assert result.residual_value == 500
    assert result.npv == 1500
    assert result.annuity == 50


def test_worked_example_residual_value_discounted():
    """r = 2 %, T = 10, lifetime 15: no replacement, 5 of 15 years left at T:
    residual = 900 · 5/15 / 1.02^10 = 300 / 1.218994 = 246.10; NPV = 900 − 246.10 = 653.90."""
    result = life_cycle(Variant("Pumpe", 900, 15), Assumptions(0.02, 10))
    assert result.residual_value == pytest.approx(246.10, abs=0.01)
    assert result.npv == pytest.approx(653.90, abs=0.01)


def test_worked_example_cost_per_tonne_avoided():
    """r = 0, T = 20.
    Gas boiler (reference): 10,000 € + 20 · 10,000 kWh · 0.10 € = 30,000 €;
        10,000 kWh · 0.2 kg = 2 t/year → 40 t.
    Heat pump: 20,000 € + 20 · 3,000 kWh · 0.30 € = 38,000 €; 3,000 · 0.4 kg = 1.2 t/year → 24 t.
    Avoided 16 t for 8,000 € more: 500 € per tonne. With a CO₂ price the NPVs rise by
    4,000 € and 2,400 €, but the cost per tonne compares them without it: still 500 €."""
    gas = Variant("Gas", 10_000, 20, energy=(EnergyUse("gas", 10_000, 0.10, 0, 0.2),))
    pump = Variant("WP", 20_000, 20, energy=(EnergyUse("electricity", 3_000, 0.30, 0, 0.4),))
    for co2 in (0, 100):
        a = Assumptions(0.0, 20, co2_price_per_t=co2)
        ref, alt = life_cycle(gas, a), life_cycle(pump, a)
        assert ref.npv == pytest.approx(30_000 + 40 * co2)
        assert alt.npv == pytest.approx(38_000 + 24 * co2)
        assert (ref.tonnes_co2, alt.tonnes_co2) == (pytest.approx(40), pytest.approx(24))
        assert economics.cost_per_tonne_avoided(alt, ref) == pytest.approx(500)
    assert economics.cost_per_tonne_avoided(ref, ref) is None


def test_sensitivity_table_moves_one_assumption_at_a_time():
    gas = Variant("Gas", 10_000, 20, energy=(EnergyUse("gas", 10_000, 0.10, 0, 0.2),))
    pump = Variant("WP", 20_000, 20, energy=(EnergyUse("electricity", 3_000, 0.30, 0, 0.4),))
    rows = economics.sensitivity([gas, pump], 0, Assumptions(0.02, 20, 100, 0))
    labels = [r.label for r in rows]
    assert labels[0] == "Ausgangswerte" and len(rows) == 7
    base, rate_down, rate_up, energy_down, energy_up, co2_down, co2_up = rows
    assert rate_up.npvs[0] < base.npvs[0] < rate_down.npvs[0]
    assert energy_down.npvs[0] < base.npvs[0] < energy_up.npvs[0]
    assert co2_down.npvs[1] < base.npvs[1] < co2_up.npvs[1]
    assert rate_up.assumptions.discount_rate == pytest.approx(0.03)
    assert base.per_tonne[0] is None and base.per_tonne[1] is not None


def test_annuity_factor_edge_cases():
    assert economics.annuity_factor(0.0, 4) == 0.25
    assert economics.annuity_factor(0.05, 0) == 0
    assert economics.replacement_years(10, 30) == [10, 20]
    assert economics.replacement_years(10, 31) == [10, 20, 30]
    assert economics.residual_fraction(10, 30) == 0


# --- properties -----------------------------------------------------------------------------

money = st.floats(0, 1e6, allow_nan=False)
energy_st = st.builds(
    EnergyUse,
    st.just("x"),
    st.floats(0, 1e6),
    st.floats(0.0, 2.0),
    st.floats(-0.05, 0.1),
    st.floats(0, 1),
)
variant_st = st.builds(
    Variant,
    st.just("v"),
    money,
    st.integers(1, 60),
    money,
    st.floats(-0.05, 0.1),
    st.lists(energy_st, max_size=3).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(variant_st, st.floats(0, 0.1), st.floats(0.001, 0.05), st.integers(1, 60))
def test_a_higher_discount_rate_lowers_the_present_value_of_later_costs(v, r, dr, years):
    low, high = Assumptions(r, years, 100), Assumptions(r + dr, years, 100)
    a, b = life_cycle(v, low), life_cycle(v, high)
    later = lambda x: x.energy + x.maintenance + x.co2_cost + x.replacements  # noqa: E731
    assert later(b) <= later(a) + 1e-6


@settings(max_examples=200, deadline=None)
@given(variant_st, st.floats(1, 1e5), st.floats(0.01, 2), st.floats(0, 0.08), st.integers(1, 50))
def test_more_energy_costs_more(v, kwh, price, r, years):
    more = Variant(
        v.name,
        v.investment,
        v.lifetime_years,
        v.maintenance_per_year,
        v.maintenance_escalation,
        (*v.energy, EnergyUse("y", kwh, price)),
    )
    a = Assumptions(r, years)
    assert life_cycle(more, a).npv > life_cycle(v, a).npv


@settings(max_examples=200, deadline=None)
@given(variant_st, st.floats(0, 0.1), st.integers(1, 60))
def test_annuity_recovers_the_npv(v, r, years):
    result = life_cycle(v, Assumptions(r, years))
    pv_of_annuity = sum(result.annuity * economics.discount(r, t) for t in range(1, years + 1))
    assert pv_of_annuity == pytest.approx(result.npv, rel=1e-9, abs=1e-6)


@settings(max_examples=200, deadline=None)
@given(st.floats(1, 1e6), st.integers(1, 60), st.integers(1, 80))
def test_residual_value_is_a_share_of_the_investment(investment, lifetime, years):
    result = life_cycle(Variant("v", investment, lifetime), Assumptions(0.0, years))
    assert 0 <= result.residual_value < investment
    assert result.npv >= investment * 0.0  # never negative without income
