"""Building rows of the national-scale benchmark data set (see network.scale).

Per network one active board with `spec.scores_per_assessment` criteria; per membership
`spec.projects_per_member` projects, each with one finalised assessment scoring every
criterion. Rows are written with bulk_create in batches (no history, no per-row save);
the stored results (total %, rating, legal status) are computed in Python on the way.
"""

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from network.models import Membership

from . import legal, scoring
from .models import (
    Assessment,
    BoardCriterion,
    BuildingProject,
    CriteriaGroup,
    RatingLevel,
    Score,
    ScoringBoard,
)

BATCH = 2000
GROUPS = (
    ("K", "Klimaschutz", 30),
    ("R", "Ressourcen", 20),
    ("G", "Gesundheit", 15),
    ("W", "Wirtschaftlichkeit", 25),
    ("P", "Prozess", 10),
)
LEVELS = (("Gold", 75, 50), ("Silber", 60, 35), ("Bronze", 45, None))
USES = [c for c, _label in BuildingProject.Use.choices]
HEATING = [c for c, _label in BuildingProject.Heating.choices]


def _board(network_id, criteria_count):
    board = ScoringBoard.objects.create(
        network_id=network_id,
        name="Bewertungsraster (Skalentest)",
        status=ScoringBoard.Status.ACTIVE,
        activated_at=timezone.now(),
    )
    groups = CriteriaGroup.objects.bulk_create(
        CriteriaGroup(board=board, code=code, name=name, weight_pct=weight, position=i)
        for i, (code, name, weight) in enumerate(GROUPS)
    )
    criteria = BoardCriterion.objects.bulk_create(
        BoardCriterion(
            group=groups[i % len(groups)],
            code=f"C{i + 1}",
            name=f"Kriterium {i + 1}",
            factor=Decimal(1 + i % 3),
            position=i,
        )
        for i in range(criteria_count)
    )
    RatingLevel.objects.bulk_create(
        RatingLevel(board=board, name=n, min_total_pct=t, min_group_pct=g) for n, t, g in LEVELS
    )
    spec = scoring.BoardSpec(
        groups=tuple(scoring.GroupSpec(g.pk, g.name, float(g.weight_pct)) for g in groups),
        criteria=tuple(
            scoring.CriterionSpec(c.pk, c.group.pk, c.name, float(c.factor)) for c in criteria
        ),
        levels=tuple(scoring.LevelSpec(n, t, g) for n, t, g in LEVELS),
    )
    return board, criteria, spec


def generate(memberships, spec, rng):
    by_network = defaultdict(list)
    for membership in memberships:
        by_network[membership.network_id].append(membership)
    now = timezone.now()
    populations = dict(
        Membership.objects.filter(pk__in=[m.pk for m in memberships]).values_list(
            "pk", "municipality__population"
        )
    )
    for network_id, members in by_network.items():
        board, criteria, board_spec = _board(network_id, spec.scores_per_assessment)
        projects = []
        for membership in members:
            population = populations.get(membership.pk)
            for n in range(spec.projects_per_member):
                kind = legal.NEW_BUILD if rng.random() < 0.4 else legal.RENOVATION
                start = date(2023, 1, 1) + timedelta(days=rng.randrange(0, 2200))
                project = BuildingProject(
                    membership=membership,
                    name=f"Vorhaben {n + 1}",
                    use=rng.choice(USES),
                    kind=kind,
                    phase=rng.randint(1, 9),
                    gross_floor_area_m2=rng.randrange(300, 8000),
                    roof_area_m2=rng.randrange(100, 3000),
                    roof_renewal=rng.random() < 0.3,
                    solar_area_m2=rng.randrange(0, 900),
                    in_new_development_area=rng.random() < 0.3 if kind == legal.NEW_BUILD else None,
                    application_date=start - timedelta(days=200),
                    construction_start=start,
                    heating=rng.choice(HEATING),
                    heating_replaced=rng.random() < 0.5,
                    renewable_heat_share_pct=rng.randrange(0, 101),
                    budget_eur=rng.randrange(500_000, 20_000_000),
                )
                facts = legal.ProjectFacts(
                    kind=kind,
                    use=project.use,
                    application_date=project.application_date,
                    construction_start=start,
                    in_new_development_area=project.in_new_development_area,
                    population=population,
                    heating=project.heating,
                    heating_replaced=project.heating_replaced,
                    renewable_heat_share=float(project.renewable_heat_share_pct),
                    roof_area=float(project.roof_area_m2),
                    roof_renewal=project.roof_renewal,
                    solar_area=float(project.solar_area_m2),
                )
                results = legal.check(facts)
                project.legal_status = legal.status(results)
                project._failures = legal.failures(results)
                projects.append(project)
        for i in range(0, len(projects), BATCH):
            chunk = projects[i : i + BATCH]
            BuildingProject.objects.bulk_create(chunk)
            assessments, scores = [], []
            for project in chunk:
                points = {c.pk: rng.choice((10, 50, 75, 100)) for c in criteria}
                result = scoring.evaluate(
                    board_spec, points, finalised=True, legal_failures=project._failures
                )
                assessment = Assessment(
                    project=project,
                    board=board,
                    status=Assessment.Status.FINAL,
                    finalised_at=now,
                    legal_failures=project._failures,
                    total_pct=Decimal(f"{result.total:.2f}"),
                    completeness_pct=100,
                    rating=result.rating or "",
                    eligible=result.eligible,
                )
                assessment._points = points
                assessments.append(assessment)
            Assessment.objects.bulk_create(assessments)
            for assessment in assessments:
                scores.extend(
                    Score(assessment=assessment, criterion_id=cid, points=p)
                    for cid, p in assessment._points.items()
                )
            Score.objects.bulk_create(scores, batch_size=BATCH * 2)
            for project, assessment in zip(chunk, assessments, strict=True):
                project.latest_assessment = assessment
            BuildingProject.objects.bulk_update(chunk, ["latest_assessment"], batch_size=BATCH)
