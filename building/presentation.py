"""Turning results into what the templates show (bars, variant tables). No queries here
beyond what the passed objects already hold."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from network.templatetags.portal import eur

from . import economics

BAR_WIDTH = 200  # px of a full (100 %) bar in the SVG


@dataclass(frozen=True)
class Bar:
    label: str
    pct: float
    weight: float | None
    width: float  # SVG width attribute of the filled part
    in_group_minimums: bool = True


def bars(result) -> list[Bar]:
    return [
        Bar(
            g.name,
            g.fulfilment,
            g.weight,
            round(BAR_WIDTH * g.fulfilment / 100, 1),
            g.in_group_minimums,
        )
        for g in result.groups
    ]


def total_bar(result) -> Bar:
    return Bar("", result.total, None, round(BAR_WIDTH * result.total / 100, 1))


@dataclass(frozen=True)
class VariantRow:
    variant: object
    result: economics.LifeCycle
    per_tonne: float | None
    is_reference: bool
    cheapest: bool
    lowest_carbon: bool

    @property
    def per_tonne_words(self) -> str:
        return per_tonne_words(self.per_tonne)


@dataclass(frozen=True)
class VariantTable:
    rows: list[VariantRow]
    reference: int
    specs: list[economics.Variant]
    assumptions: economics.Assumptions

    @property
    def best_per_tonne(self) -> VariantRow | None:
        """The non-reference variant with the lowest cost per tonne avoided."""
        candidates = [r for r in self.rows if not r.is_reference and r.per_tonne is not None]
        return min(candidates, key=lambda r: r.per_tonne, default=None)

    def sensitivity(self):
        return economics.sensitivity(self.specs, self.reference, self.assumptions)


def variant_table(variants, assumptions: economics.Assumptions) -> VariantTable | None:
    """`variants` with their energy uses prefetched; the reference is the one marked so,
    else the first."""
    variants = list(variants)
    if not variants:
        return None
    specs = [v.spec() for v in variants]
    results = [economics.life_cycle(s, assumptions) for s in specs]
    reference = next((i for i, v in enumerate(variants) if v.is_reference), 0)
    cheapest = min(range(len(results)), key=lambda i: results[i].npv)
    greenest = min(range(len(results)), key=lambda i: results[i].tonnes_co2)
    rows = [
        VariantRow(
            variant=v,
            result=r,
            per_tonne=None
            if i == reference
            else economics.cost_per_tonne_avoided(r, results[reference]),
            is_reference=i == reference,
            cheapest=i == cheapest,
            lowest_carbon=i == greenest,
        )
        for i, (v, r) in enumerate(zip(variants, results, strict=True))
    ]
    return VariantTable(rows, reference, specs, assumptions)


def per_tonne_words(per_tonne: float | None) -> str:
    """The cost per tonne avoided in words, completing „Die Variante … “: a negative cost
    is money saved with every tonne, and a minus sign before it is easily misread."""
    if per_tonne is None:
        return _("vermeidet gegenüber der Referenz kein CO₂")
    amount = round(per_tonne)
    if amount < 0:
        return _("spart Geld und CO₂: %(amount)s weniger Kosten je vermiedener Tonne") % {
            "amount": eur(-amount, 0)
        }
    if amount == 0:
        return _("vermeidet CO₂ ohne Mehrkosten")
    return _("kostet %(amount)s je vermiedener Tonne") % {"amount": eur(amount, 0)}
