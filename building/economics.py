"""Economic efficiency of project variants: life-cycle cost by the net present value method
(Kapitalwertmethode, as in the federal "Leitfaden Wirtschaftlichkeitsuntersuchungen im
Hochbau"), annuity (VDI 2067), tonnes CO₂ and cost per tonne avoided. Pure functions.

Conventions (also shown in the UI):
- the investment is paid at year 0 (not discounted);
- running costs (energy, maintenance, CO₂) fall at the end of each year t = 1 … T;
- a price p₀ that escalates by e a year costs p₀·(1+e)^(t−1) in year t;
- every amount of year t is discounted by (1+r)^−t;
- a component whose lifetime L ends before T is replaced at the years L, 2L, … < T at its
  (real, unescalated) investment cost;
- the residual value of the last installation, linear over its lifetime, is credited at T;
- annuity = NPV · r(1+r)^T / ((1+r)^T − 1), and NPV / T for r = 0;
- the CO₂ price path p_CO₂·(1+e_CO₂)^(t−1) applies to the emissions of each year
  (a shadow price: it shows the climate cost in the comparison, as § 13 KSG asks);
- a grant (Förderung) is received at year 0 with the investment and lowers the NPV by
  exactly its amount; replacements and the residual value stay on the full investment.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EnergyUse:
    carrier: str
    kwh_per_year: float
    price_per_kwh: float  # € in year 1
    escalation: float = 0.0  # per year, 0.03 = 3 %
    emission_kg_per_kwh: float = 0.0


@dataclass(frozen=True)
class Variant:
    name: str
    investment: float  # €
    lifetime_years: int
    maintenance_per_year: float = 0.0  # € in year 1
    maintenance_escalation: float = 0.0
    energy: tuple[EnergyUse, ...] = ()
    grant: float = 0.0  # € received at year 0


@dataclass(frozen=True)
class Assumptions:
    discount_rate: float  # 0.02 = 2 %
    period_years: int  # T
    co2_price_per_t: float = 0.0  # € in year 1
    co2_price_escalation: float = 0.0


@dataclass(frozen=True)
class LifeCycle:
    investment: float
    replacements: float  # present value
    residual_value: float  # present value, credited (positive number, subtracted)
    energy: float
    maintenance: float
    co2_cost: float
    npv: float
    annuity: float
    tonnes_co2: float  # over T years
    grant: float = 0.0  # € at year 0, already subtracted in npv

    @property
    def cost_without_co2(self) -> float:
        return self.npv - self.co2_cost


def discount(rate: float, year: int) -> float:
    return (1 + rate) ** -year


def escalated(p0: float, escalation: float, year: int) -> float:
    return p0 * (1 + escalation) ** (year - 1)


def present_value_of_series(p0: float, escalation: float, rate: float, years: int) -> float:
    """Σ_{t=1..T} p₀(1+e)^(t−1) (1+r)^−t."""
    return sum(escalated(p0, escalation, t) * discount(rate, t) for t in range(1, years + 1))


def annuity_factor(rate: float, years: int) -> float:
    if years <= 0:
        return 0.0
    growth = math.expm1(years * math.log1p(rate))  # (1+r)^T − 1, exact for tiny r
    if growth == 0:
        return 1 / years
    return rate * (1 + growth) / growth


def replacement_years(lifetime: int, period: int) -> list[int]:
    """Years L, 2L, … strictly before T in which the component is bought again."""
    if lifetime <= 0:
        return []
    return list(range(lifetime, period, lifetime))


def residual_fraction(lifetime: int, period: int) -> float:
    """Share of the last installation's value left at T (linear depreciation)."""
    if lifetime <= 0:
        return 0.0
    years = replacement_years(lifetime, period)
    last = years[-1] if years else 0
    remaining = last + lifetime - period
    return max(remaining, 0) / lifetime


def tonnes_per_year(variant: Variant) -> float:
    return sum(e.kwh_per_year * e.emission_kg_per_kwh for e in variant.energy) / 1000


def life_cycle(variant: Variant, a: Assumptions) -> LifeCycle:
    r, T = a.discount_rate, a.period_years
    replacements = sum(
        variant.investment * discount(r, year)
        for year in replacement_years(variant.lifetime_years, T)
    )
    residual = variant.investment * residual_fraction(variant.lifetime_years, T) * discount(r, T)
    energy = sum(
        present_value_of_series(e.kwh_per_year * e.price_per_kwh, e.escalation, r, T)
        for e in variant.energy
    )
    maintenance = present_value_of_series(
        variant.maintenance_per_year, variant.maintenance_escalation, r, T
    )
    yearly_t = tonnes_per_year(variant)
    co2_cost = present_value_of_series(yearly_t * a.co2_price_per_t, a.co2_price_escalation, r, T)
    # The grant is paid once, at year 0, towards the first installation only: it is not
    # discounted and lowers the NPV by exactly its amount. Replacements and the residual
    # value stay computed on the full investment, because a grant covers the purchase it
    # was granted for, not the boiler bought again in twenty years, and the value left at
    # T belongs to the owner whoever paid for it (the same is said in the UI).
    # Subtracted last, so that the NPV with a grant is the NPV without it minus the grant,
    # to the last bit of the float.
    without_grant = variant.investment + replacements - residual + energy + maintenance + co2_cost
    npv = without_grant - variant.grant
    return LifeCycle(
        investment=variant.investment,
        replacements=replacements,
        residual_value=residual,
        energy=energy,
        maintenance=maintenance,
        co2_cost=co2_cost,
        npv=npv,
        annuity=npv * annuity_factor(r, T),
        tonnes_co2=yearly_t * T,
        grant=variant.grant,
    )


def cost_per_tonne_avoided(result: LifeCycle, reference: LifeCycle) -> float | None:
    """(NPV − NPV_ref) / (t_ref − t) in € per tonne; negative: saves money and CO₂.
    None when the variant avoids no CO₂ against the reference. The CO₂ shadow cost is
    left out of both NPVs here, or it would be counted twice. Grants stay in: this is the
    cost to the municipality, which the grant lowers."""
    avoided = reference.tonnes_co2 - result.tonnes_co2
    if avoided <= 1e-9:
        return None
    return (result.cost_without_co2 - reference.cost_without_co2) / avoided


@dataclass(frozen=True)
class SensitivityRow:
    label: str
    assumptions: Assumptions
    npvs: tuple[float, ...]  # one per variant, in input order
    per_tonne: tuple[float | None, ...]  # against the reference
    cheapest: int  # index of the lowest NPV


SENSITIVITY_CASES = (
    ("base", _("Ausgangswerte"), {}),
    ("rate_down", _("Zinssatz −1 Prozentpunkt"), {"rate": -0.01}),
    ("rate_up", _("Zinssatz +1 Prozentpunkt"), {"rate": +0.01}),
    ("energy_down", _("Energiepreise −20 %"), {"energy": 0.8}),
    ("energy_up", _("Energiepreise +20 %"), {"energy": 1.2}),
    ("co2_down", _("CO₂-Preis −50 %"), {"co2": 0.5}),
    ("co2_up", _("CO₂-Preis +50 %"), {"co2": 1.5}),
)


def _scale_energy(variant: Variant, factor: float) -> Variant:
    return replace(
        variant,
        energy=tuple(replace(e, price_per_kwh=e.price_per_kwh * factor) for e in variant.energy),
    )


def sensitivity(
    variants: Sequence[Variant], reference: int, a: Assumptions
) -> list[SensitivityRow]:
    """NPV of every variant and cost per tonne avoided against `variants[reference]`, with
    one assumption moved up or down at a time."""
    rows = []
    for _key, label, change in SENSITIVITY_CASES:
        case = replace(
            a,
            discount_rate=max(a.discount_rate + change.get("rate", 0.0), 0.0),
            co2_price_per_t=a.co2_price_per_t * change.get("co2", 1.0),
        )
        moved = [_scale_energy(v, change.get("energy", 1.0)) for v in variants]
        results = [life_cycle(v, case) for v in moved]
        rows.append(
            SensitivityRow(
                label=str(label),
                assumptions=case,
                npvs=tuple(r.npv for r in results),
                per_tonne=tuple(cost_per_tonne_avoided(r, results[reference]) for r in results),
                cheapest=min(range(len(results)), key=lambda i: results[i].npv),
            )
        )
    return rows
