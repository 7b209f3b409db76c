"""The scoring rule of a board, as pure functions over plain values.

Rule (DESIGN.md, building):
- group fulfilment = Σ(points × factor) / Σ(100 × factor), in % (0–100);
- total = mean of the group fulfilments weighted by the group weights;
- rating = the highest level whose conditions all hold: total ≥ its minimum total and,
  in every group that takes part in the per-group minimums, fulfilment ≥ its minimum
  per group (DGNB leaves site quality out of these minimums);
- a missed criterion minimum or a failed legal requirement makes the project not
  eligible, whatever its total;
- unscored criteria count as 0 points and are listed as missing (completeness %);
- a rating is only awarded to a complete, finalised assessment; before that the result
  is provisional and `rating` stays None (`provisional_rating` says what it would be).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from django.utils.translation import gettext as _

MAX_POINTS = 100


@dataclass(frozen=True)
class GroupSpec:
    key: object
    name: str
    weight: float  # % of the total
    in_group_minimums: bool = True


@dataclass(frozen=True)
class CriterionSpec:
    key: object
    group: object  # GroupSpec.key
    name: str
    factor: float = 1.0
    minimum: int | None = None  # points below which the project is not eligible


@dataclass(frozen=True)
class LevelSpec:
    name: str
    min_total: float | None  # None: a level without threshold (invalid on a board)
    min_group: float | None = None  # None: no minimum per group


@dataclass(frozen=True)
class BoardSpec:
    groups: tuple[GroupSpec, ...]
    criteria: tuple[CriterionSpec, ...]
    levels: tuple[LevelSpec, ...] = ()


@dataclass(frozen=True)
class GroupResult:
    key: object
    name: str
    weight: float
    fulfilment: float  # %
    in_group_minimums: bool


@dataclass(frozen=True)
class Result:
    groups: tuple[GroupResult, ...]
    total: float  # %
    completeness: float  # % of criteria scored
    missing: tuple[object, ...]  # keys of unscored criteria
    eligible: bool
    reasons: tuple[str, ...]  # why not eligible
    provisional: bool  # incomplete or not finalised
    provisional_rating: str | None  # the level reached by the numbers
    rating: str | None = field(default=None)  # awarded only when eligible and final
    explanation: "Explanation | None" = field(default=None)  # see explain()


@dataclass(frozen=True)
class LevelGap:
    """One rating level: reached by the numbers and eligibility, or what is missing."""

    name: str
    reached: bool
    missing: tuple[str, ...]  # German sentences, empty when reached


@dataclass(frozen=True)
class Lever:
    """A criterion with points still open and what one more point of it adds to the
    total (in percentage points)."""

    key: object
    name: str
    points: int  # scored now (0 when unscored)
    gain_per_point: float  # percentage points of the total per point
    gain_open: float  # percentage points of the total if it reached 100 points


@dataclass(frozen=True)
class Explanation:
    levels: tuple[LevelGap, ...]  # highest level first
    levers: tuple[Lever, ...]  # the criteria that move the total most, best first


def validate_board(board: BoardSpec) -> list[str]:
    """German messages for everything that keeps a board from being activated."""
    errors = []
    if not board.groups:
        errors.append(_("Das Raster hat keine Kriteriengruppe."))
    total_weight = sum(g.weight for g in board.groups)
    if board.groups and abs(total_weight - 100) > 1e-6:
        errors.append(
            _("Die Gewichte der Kriteriengruppen ergeben %(sum)s %%, nicht 100 %%.")
            % {"sum": _format(total_weight)}
        )
    grouped = {c.group for c in board.criteria}
    for group in board.groups:
        if group.key not in grouped:
            errors.append(
                _("Die Kriteriengruppe „%(name)s“ enthält keine Kriterien.") % {"name": group.name}
            )
    for criterion in board.criteria:
        if criterion.factor <= 0:
            errors.append(
                _("Das Kriterium „%(name)s“ braucht einen Gewichtungsfaktor über 0.")
                % {"name": criterion.name}
            )
    if not board.levels:
        errors.append(_("Das Raster hat keine Bewertungsstufe."))
    for level in board.levels:
        if level.min_total is None:
            errors.append(
                _("Die Bewertungsstufe „%(name)s“ hat keinen Mindest-Gesamterfüllungsgrad.")
                % {"name": level.name}
            )
    return errors


def _format(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def group_fulfilment(criteria: Iterable[CriterionSpec], points: Mapping[object, int]) -> float:
    """Σ(points × factor) / Σ(100 × factor) in %; an empty group counts as 0 %."""
    achieved = possible = 0.0
    for criterion in criteria:
        achieved += min(max(points.get(criterion.key) or 0, 0), MAX_POINTS) * criterion.factor
        possible += MAX_POINTS * criterion.factor
    return 100.0 * achieved / possible if possible else 0.0


def reached_level(board: BoardSpec, total: float, groups: Iterable[GroupResult]) -> str | None:
    """The highest level (by minimum total) whose conditions all hold."""
    groups = [g for g in groups if g.in_group_minimums]
    levels = sorted(
        (lv for lv in board.levels if lv.min_total is not None),
        key=lambda lv: (lv.min_total, lv.min_group or 0),
        reverse=True,
    )
    for level in levels:
        if total + 1e-9 < level.min_total:
            continue
        if level.min_group is not None and any(
            g.fulfilment + 1e-9 < level.min_group for g in groups
        ):
            continue
        return level.name
    return None


def evaluate(
    board: BoardSpec,
    points: Mapping[object, int | None],
    *,
    finalised: bool = False,
    legal_failures: Iterable[str] = (),
) -> Result:
    """The result of an assessment: `points` maps criterion keys to 0–100 (None/absent =
    not scored); `legal_failures` are short German texts of failed legal requirements."""
    by_group: dict[object, list[CriterionSpec]] = {g.key: [] for g in board.groups}
    for criterion in board.criteria:
        by_group.setdefault(criterion.group, []).append(criterion)
    groups = tuple(
        GroupResult(
            g.key, g.name, g.weight, group_fulfilment(by_group[g.key], points), g.in_group_minimums
        )
        for g in board.groups
    )
    weight_sum = sum(g.weight for g in groups)
    total = sum(g.weight * g.fulfilment for g in groups) / weight_sum if weight_sum else 0.0

    missing = tuple(c.key for c in board.criteria if points.get(c.key) is None)
    count = len(board.criteria)
    completeness = 100.0 * (count - len(missing)) / count if count else 0.0

    reasons = []
    for criterion in board.criteria:
        if criterion.minimum is None:
            continue
        got = points.get(criterion.key) or 0
        if got < criterion.minimum:
            reasons.append(
                _("Mindestwert verfehlt: „%(name)s“ hat %(got)s von mindestens %(min)s Punkten.")
                % {"name": criterion.name, "got": got, "min": criterion.minimum}
            )
    for failure in legal_failures:
        reasons.append(_("Rechtliche Anforderung nicht erfüllt: %(rule)s") % {"rule": failure})
    eligible = not reasons
    provisional = bool(missing) or not finalised
    level = reached_level(board, total, groups)
    result = Result(
        groups=groups,
        total=total,
        completeness=completeness,
        missing=missing,
        eligible=eligible,
        reasons=tuple(reasons),
        provisional=provisional,
        provisional_rating=level,
        rating=level if eligible and not provisional else None,
    )
    return replace(result, explanation=explain(board, result, points))


def _pct(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def level_gaps(board: BoardSpec, result: Result) -> tuple[LevelGap, ...]:
    """Per level, highest first, what keeps the assessment from it: the total below the
    level's minimum, every group (that takes part) below the minimum per group, and the
    reasons of non-eligibility (a missed criterion minimum, a failed legal requirement),
    which bar every level."""
    levels = sorted(
        (lv for lv in board.levels if lv.min_total is not None),
        key=lambda lv: (lv.min_total, lv.min_group or 0),
        reverse=True,
    )
    gaps = []
    for level in levels:
        missing = []
        if result.total + 1e-9 < level.min_total:
            missing.append(
                _("Gesamterfüllungsgrad %(got)s %% statt mindestens %(min)s %%")
                % {"got": _pct(result.total), "min": _format(level.min_total)}
            )
        if level.min_group is not None:
            for group in result.groups:
                if group.in_group_minimums and group.fulfilment + 1e-9 < level.min_group:
                    missing.append(
                        _("%(group)s %(got)s %% statt mindestens %(min)s %%")
                        % {
                            "group": group.name,
                            "got": _pct(group.fulfilment),
                            "min": _format(level.min_group),
                        }
                    )
        missing.extend(result.reasons)
        gaps.append(LevelGap(level.name, not missing, tuple(missing)))
    return tuple(gaps)


def levers(
    board: BoardSpec, points: Mapping[object, int | None], count: int = 3
) -> tuple[Lever, ...]:
    """The `count` criteria with points still open whose next point adds most to the
    total: a criterion of factor f in a group of weight w (of W in all) whose factors sum
    to F adds w/W × f/(100·F) × 100 percentage points per point. Ties: more open points
    first, then board order."""
    weight_sum = sum(g.weight for g in board.groups)
    factors: dict[object, float] = {}
    for criterion in board.criteria:
        factors[criterion.group] = factors.get(criterion.group, 0.0) + criterion.factor
    weights = {g.key: g.weight for g in board.groups}
    found = []
    for position, criterion in enumerate(board.criteria):
        got = min(max(points.get(criterion.key) or 0, 0), MAX_POINTS)
        group_factors = factors.get(criterion.group)
        if got >= MAX_POINTS or not weight_sum or not group_factors:
            continue
        per_point = (
            weights.get(criterion.group, 0.0) / weight_sum * criterion.factor / group_factors
        )
        if per_point <= 0:
            continue
        found.append(
            (
                -per_point,
                got,
                position,
                Lever(
                    criterion.key, criterion.name, got, per_point, per_point * (MAX_POINTS - got)
                ),
            )
        )
    found.sort(key=lambda item: item[:3])
    return tuple(item[3] for item in found[:count])


def explain(board: BoardSpec, result: Result, points: Mapping[object, int | None]) -> Explanation:
    """Why the result is what it is: per level what is reached and missing, and the
    criteria that would move the total most."""
    return Explanation(level_gaps(board, result), levers(board, points))
