"""Measured criteria: the BNB rule that turns a measured value into points, and where a
value comes from when the project already holds it. Pure functions over plain values.

Rule (BNB, "Bewertungssystem Nachhaltiges Bauen", Steckbriefe): the threshold
(Grenzwert) earns 10 points, the reference (Referenzwert) 50, the target (Zielwert) 100,
linear in between; a value beyond the threshold earns 0, a value beyond the target stays
at 100.

Direction: taken from the order of the three values, not from a field of its own —
threshold < reference < target is a rising indicator (more is better: % renewable heat),
threshold > reference > target a falling one (less is better: kg CO₂e/(m²·a)). A second
field could contradict the values; the order cannot. Equal or unordered values are no
indicator (the board form refuses them, `points_for` answers None).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

THRESHOLD_POINTS, REFERENCE_POINTS, TARGET_POINTS = 10.0, 50.0, 100.0

Number = float | int | Decimal


class Source(models.TextChoices):
    """Where the measured value of a criterion comes from."""

    MANUAL = "manual", gettext_lazy("wird bei der Bewertung eingegeben")
    RENEWABLE_HEAT_SHARE = (
        "renewable_heat_share",
        gettext_lazy("Anteil erneuerbarer Wärme (%) aus den Angaben des Vorhabens"),
    )
    PV_PER_ROOF = (
        "pv_per_roof",
        gettext_lazy("PV-Leistung je 100 m² Dachfläche (kWp) aus den Angaben des Vorhabens"),
    )
    LCC_VS_REFERENCE = (
        "lcc_vs_reference",
        gettext_lazy(
            "Lebenszykluskosten der gewählten Variante in % der Referenz aus dem Variantenvergleich"
        ),
    )
    COST_PER_TONNE = (
        "cost_per_tonne",
        gettext_lazy(
            "CO₂-Vermeidungskosten der gewählten Variante (€/t) aus dem Variantenvergleich"
        ),
    )


PROJECT_SOURCES = {Source.RENEWABLE_HEAT_SHARE, Source.PV_PER_ROOF}
VARIANT_SOURCES = {Source.LCC_VS_REFERENCE, Source.COST_PER_TONNE}


def direction(threshold: Number, reference: Number, target: Number) -> int:
    """+1 rising (more is better), −1 falling (less is better), 0 no valid order."""
    if threshold < reference < target:
        return 1
    if threshold > reference > target:
        return -1
    return 0


def points_for(
    value: Number | None, threshold: Number, reference: Number, target: Number
) -> float | None:
    """Points 0–100 for a measured value by the BNB rule (module docstring); None when
    there is no value or the three values are not in one strict order."""
    if value is None or None in (threshold, reference, target):
        return None
    sign = direction(threshold, reference, target)
    if not sign:
        return None
    # A falling indicator is the rising one of the negated values.
    v, t, r, g = (sign * float(x) for x in (value, threshold, reference, target))
    if v < t:
        return 0.0
    if v <= r:
        return THRESHOLD_POINTS + (REFERENCE_POINTS - THRESHOLD_POINTS) * (v - t) / (r - t)
    if v <= g:
        return REFERENCE_POINTS + (TARGET_POINTS - REFERENCE_POINTS) * (v - r) / (g - r)
    return TARGET_POINTS


def whole_points(points: float | None) -> int | None:
    """The points stored on a score (whole points, rounded half up): 33.5 → 34."""
    return (
        None if points is None else int(Decimal(str(points)).quantize(Decimal("1"), ROUND_HALF_UP))
    )


def indicator_errors(
    *, unit: str, threshold: Number | None, reference: Number | None, target: Number | None,
    source: str,
) -> dict[str, str]:  # fmt: skip
    """German messages (field → message) for an indicator that cannot be scored. No value
    at all and the manual source: a qualitative criterion, which is fine."""
    values = {"threshold_value": threshold, "reference_value": reference, "target_value": target}
    measured = (
        unit.strip() or source != Source.MANUAL or any(v is not None for v in values.values())
    )
    if not measured:
        return {}
    errors = {}
    for name, value in values.items():
        if value is None:
            errors[name] = _(
                "Ein gemessenes Kriterium braucht Grenz-, Referenz- und Zielwert als Zahl."
            )
    if not unit.strip():
        errors["unit"] = _("Bitte die Einheit des Indikators angeben, z. B. „kg CO₂e/(m²·a)“.")
    if not errors and not direction(threshold, reference, target):
        errors["reference_value"] = _(
            "Grenz-, Referenz- und Zielwert müssen in einer Richtung geordnet sein: steigend "
            "(Grenzwert < Referenzwert < Zielwert, mehr ist besser) oder fallend "
            "(Grenzwert > Referenzwert > Zielwert, weniger ist besser)."
        )
    return errors


@dataclass(frozen=True)
class ProjectFigures:
    """What a project already holds for its indicators: its own data (the legal checks
    use the same fields) and, from the variant comparison, the chosen variant against
    the reference variant. None: not known (no data, no chosen variant)."""

    renewable_heat_share_pct: Number | None = None
    pv_peak_kw: Number | None = None
    roof_area_m2: Number | None = None
    chosen_npv: float | None = None  # net present value of the chosen variant, €
    reference_npv: float | None = None
    cost_per_tonne: float | None = None  # € per tonne CO₂ avoided by the chosen variant


def source_value(source: str, figures: ProjectFigures) -> float | None:
    """The measured value a source reads from the project; None for the manual source
    and when the project does not hold it (yet).

    - renewable_heat_share: the renewable share of heat in %;
    - pv_per_roof: kWp PV per 100 m² roof area;
    - lcc_vs_reference: life-cycle cost (net present value including the CO₂ price,
      Leitfaden WU Hochbau) of the chosen variant in % of the reference variant's;
    - cost_per_tonne: € per tonne CO₂ avoided by the chosen variant against the
      reference (None when it avoids none, e.g. when the reference is the chosen one).
    """
    f = figures
    if source == Source.RENEWABLE_HEAT_SHARE:
        return None if f.renewable_heat_share_pct is None else float(f.renewable_heat_share_pct)
    if source == Source.PV_PER_ROOF:
        if f.pv_peak_kw is None or not f.roof_area_m2:
            return None
        return 100.0 * float(f.pv_peak_kw) / float(f.roof_area_m2)
    if source == Source.LCC_VS_REFERENCE:
        if f.chosen_npv is None or not f.reference_npv:
            return None
        return 100.0 * f.chosen_npv / f.reference_npv
    if source == Source.COST_PER_TONNE:
        return f.cost_per_tonne
    return None


def project_figures(project, table) -> ProjectFigures:
    """The figures of a project (a BuildingProject) and its variant table
    (presentation.variant_table, or None without variants)."""
    chosen = reference = None
    if table is not None:
        reference = table.rows[table.reference]
        chosen = next((row for row in table.rows if row.variant.is_chosen), None)
    return ProjectFigures(
        renewable_heat_share_pct=project.renewable_heat_share_pct,
        pv_peak_kw=project.pv_peak_kw,
        roof_area_m2=project.roof_area_m2,
        chosen_npv=None if chosen is None else chosen.result.npv,
        reference_npv=None if chosen is None else reference.result.npv,
        cost_per_tonne=None if chosen is None else chosen.per_tonne,
    )


def sourced_values(project, criteria, assumptions) -> dict:
    """criterion id → the value its source reads from `project` (a BuildingProject), as a
    Decimal of three places, None when not known; for the criteria whose value is not
    typed (BoardCriterion.is_sourced). The one place that reads a project: the variant
    comparison (with the network's `assumptions`) is only built when a source needs it."""
    from .presentation import variant_table  # presentation imports no models either

    sourced = [c for c in criteria if c.is_sourced]
    table = None
    if any(c.source in VARIANT_SOURCES for c in sourced):
        table = variant_table(project.variants.prefetch_related("energy_uses"), assumptions)
    figures = project_figures(project, table)
    values = {}
    for criterion in sourced:
        value = source_value(criterion.source, figures)
        values[criterion.pk] = None if value is None else Decimal(f"{value:.3f}")
    return values
