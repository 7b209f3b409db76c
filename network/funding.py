"""Which funding programmes of a network fit a need: a building project, a procurement
milestone, or anything a later topic app brings.

The topic apps describe their need in plain values (what is done, on which day, for what
kind of building), so this module knows nothing of building projects or milestones, and
`network` imports no topic app. The rule:

- the programme funds at least one of the need's kinds (new build, renovation, heating,
  PV, procurement);
- it is valid on the need's day, both ends included, an empty end never ends (as the dated
  legal rules in building/legal.py read "from D");
- a programme only for residential or only for non-residential buildings fits a building
  of that type; a need that is no building (a procurement milestone) ignores the type.

A page asks once for all its needs (`programmes_for_many`): one query for the network's
register, the rest in memory, so a roadmap of 40 milestones costs what one of 4 does.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from network.models import FundingProgramme

Kind = FundingProgramme.Kind
BuildingType = FundingProgramme.BuildingType


@dataclass(frozen=True)
class Need:
    kinds: frozenset[str]
    day: date
    residential: bool | None = None  # None: not a building (the type does not matter)


def matches(programme: FundingProgramme, need: Need) -> bool:
    if not need.kinds & set(programme.kinds):
        return False
    if not programme.is_valid_on(need.day):
        return False
    if need.residential is None or programme.building_type == BuildingType.ANY:
        return True
    wanted = BuildingType.RESIDENTIAL if need.residential else BuildingType.NON_RESIDENTIAL
    return programme.building_type == wanted


def programmes_for_many(network, needs: Iterable[Need]) -> list[list[FundingProgramme]]:
    """The fitting programmes of each need, in the order of `needs` (one query)."""
    needs = list(needs)
    if not needs:
        return []
    register = list(FundingProgramme.objects.filter(network=network).order_by("name"))
    return [[p for p in register if matches(p, need)] for need in needs]


def programmes_for(
    network, kinds: Iterable[str], day: date, residential: bool | None = None
) -> list[FundingProgramme]:
    """The fitting programmes of one need (one query)."""
    return programmes_for_many(network, [Need(frozenset(kinds), day, residential)])[0]
