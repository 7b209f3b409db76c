"""Shared shape of the national-scale benchmark data set (`generate_scale_data`).

Topic apps add their part through `scale_generators` on their AppConfig: each entry is
the dotted path of a function `generate(memberships, spec, rng)` that bulk-creates the
app's rows for the given memberships (use bulk_create in batches; no per-row save()).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ScaleSpec:
    networks: int = 100
    memberships: int = 2000
    criteria_per_network: int = 50
    milestones_per_roadmap: int = 40
    tenders_per_member_and_year: int = 20
    years: tuple[int, ...] = (2023, 2024, 2025, 2026)
    projects_per_member: int = 25
    scores_per_assessment: int = 30
