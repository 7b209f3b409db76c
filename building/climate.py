"""The CO₂ the members' building projects avoid: the network's success balance
(Erfolgsbilanz) in the annual report."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q

from . import economics
from .models import Variant


@dataclass(frozen=True)
class Avoided:
    projects: int  # projects with a chosen and a reference variant
    tonnes_per_year: float  # negative when the chosen variants emit more than the references


def co2_avoided(membership_ids, until: date) -> dict[int, Avoided]:
    """Per membership: the tonnes of CO₂ a year that its projects' chosen variants emit less
    than their reference variants, Σ (t_ref − t_chosen), over the projects created by the
    end of `until` that have both. Only a decision measured against the project's own
    baseline is counted: a project without a chosen variant has decided nothing yet, and
    one without a reference has nothing to compare with. The sign is kept, so a chosen
    variant that emits more lowers the balance instead of vanishing from it. Members
    without such a project are absent.

    Two queries whatever the number of members and projects (the variants, and their
    energy uses prefetched): the annual report asks for every member of a network at once.
    """
    variants = (
        Variant.objects.filter(
            Q(is_chosen=True) | Q(is_reference=True),
            project__membership_id__in=membership_ids,
            project__created_at__date__lte=until,
        )
        .annotate(membership_pk=F("project__membership_id"))
        .prefetch_related("energy_uses")
        .order_by()
    )
    reference, chosen, member_of = {}, {}, {}
    for variant in variants:
        tonnes = economics.tonnes_per_year(variant.spec())
        member_of[variant.project_id] = variant.membership_pk
        if variant.is_reference:
            reference[variant.project_id] = tonnes
        if variant.is_chosen:
            chosen[variant.project_id] = tonnes
    projects, tonnes = defaultdict(int), defaultdict(float)
    for project_id in sorted(reference.keys() & chosen.keys()):  # a stable sum
        membership_id = member_of[project_id]
        projects[membership_id] += 1
        tonnes[membership_id] += reference[project_id] - chosen[project_id]
    return {pk: Avoided(projects=projects[pk], tonnes_per_year=tonnes[pk]) for pk in projects}
