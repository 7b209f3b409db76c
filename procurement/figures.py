"""Key figures of the tender register, as plain functions over plain values.

A tender "applied the agreed criteria of its product group" when the member had agreed at
least one criterion of that product group (adoption agreed, adopted or applied) and the
tender applied every one of them. Tenders in a product group without agreed criteria have
nothing to apply: they are left out of both numerator and denominator, so the share says
how consistently agreed criteria are used, not how many product groups are covered.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class TenderFacts:
    membership_id: int
    year: int
    value: Decimal
    required: frozenset  # ids of the agreed criteria of the tender's product group
    applied: frozenset  # ids of the criteria the tender applied

    @property
    def relevant(self) -> bool:
        return bool(self.required)

    @property
    def compliant(self) -> bool:
        return self.relevant and self.required <= self.applied


@dataclass(frozen=True)
class Share:
    tenders: int  # relevant tenders
    compliant: int
    value: Decimal  # value of relevant tenders
    compliant_value: Decimal

    @property
    def count_pct(self) -> float | None:
        return round(100 * self.compliant / self.tenders, 1) if self.tenders else None

    @property
    def value_pct(self) -> float | None:
        if not self.value:
            return None
        return round(float(100 * self.compliant_value / self.value), 1)


def _share(facts) -> Share:
    relevant = [f for f in facts if f.relevant]
    compliant = [f for f in relevant if f.compliant]
    return Share(
        tenders=len(relevant),
        compliant=len(compliant),
        value=sum((f.value for f in relevant), Decimal(0)),
        compliant_value=sum((f.value for f in compliant), Decimal(0)),
    )


def tender_shares(facts) -> dict:
    """Shares keyed by (membership_id, year), (membership_id, None) for all years,
    (None, year) for the network and (None, None) for everything."""
    groups = defaultdict(list)
    for fact in facts:
        for key in (
            (fact.membership_id, fact.year),
            (fact.membership_id, None),
            (None, fact.year),
            (None, None),
        ):
            groups[key].append(fact)
    return {key: _share(items) for key, items in groups.items()}


def progress_pct(statuses) -> float | None:
    """Roadmap progress: done milestones among those not dropped, in %."""
    counted = [s for s in statuses if s != "dropped"]
    if not counted:
        return None
    return round(100 * sum(1 for s in counted if s == "done") / len(counted), 1)
