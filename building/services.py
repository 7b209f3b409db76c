"""Writes of the building app that span several rows or models."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from network.concurrency import EditConflict, changes_since
from network.documents import document_store

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
from .presets import PRESETS


def project_refresh(*, project: BuildingProject) -> BuildingProject:
    """Recompute the stored legal status and the results of the project's draft
    assessments (both depend on the project's data)."""
    project.legal_status = legal.status(project.legal_results())
    BuildingProject.objects.filter(pk=project.pk).update(legal_status=project.legal_status)
    for assessment in project.assessments.drafts().select_related("board"):
        assessment.project = project
        assessment_refresh(assessment=assessment)
    return project


def assessment_refresh(*, assessment: Assessment) -> scoring.Result:
    """Store the computed result on the assessment, so lists sort and filter in SQL."""
    result = assessment.evaluate()
    Assessment.objects.filter(pk=assessment.pk).update(
        total_pct=Decimal(f"{result.total:.2f}"),
        completeness_pct=Decimal(f"{result.completeness:.2f}"),
        rating=result.rating or "",
        eligible=result.eligible,
    )
    return result


# --- boards ------------------------------------------------------------------------------


@transaction.atomic
def board_create(*, network, name: str, preset: str = "", description: str = "") -> ScoringBoard:
    """A new draft board, empty or filled from one of the presets."""
    source = PRESETS.get(preset)
    board = ScoringBoard(
        network=network,
        name=name or (source.name if source else ""),
        description=description or (source.description if source else ""),
    )
    board.full_clean()
    board.save()
    if source is None:
        return board
    for g_pos, (code, group_name, weight, in_minimums, criteria) in enumerate(source.groups):
        group = CriteriaGroup.objects.create(
            board=board,
            code=code,
            name=group_name,
            weight_pct=Decimal(str(weight)),
            in_group_minimums=in_minimums,
            position=g_pos,
        )
        bulk_create_with_history(
            [
                BoardCriterion(
                    group=group,
                    code=c_code,
                    name=c_name,
                    factor=Decimal(factor),
                    minimum_points=minimum,
                    position=c_pos,
                    target=_preset_text("target"),
                    reference=_preset_text("reference"),
                    threshold=_preset_text("threshold"),
                )
                for c_pos, (c_code, c_name, factor, minimum) in enumerate(criteria)
            ],
            BoardCriterion,
        )
    bulk_create_with_history(
        [
            RatingLevel(
                board=board,
                name=level_name,
                min_total_pct=Decimal(total),
                min_group_pct=None if per_group is None else Decimal(per_group),
            )
            for level_name, total, per_group in source.levels
        ],
        RatingLevel,
    )
    return board


def _preset_text(kind):
    return {
        "target": "Zielwert: deutlich besser als gesetzlich gefordert (100 Punkte).",
        "reference": (
            "Referenzwert: gute Praxis, gesetzliche Anforderungen übertroffen (50 Punkte)."
        ),
        "threshold": "Grenzwert: gesetzliche Mindestanforderung eingehalten (10 Punkte).",
    }[kind]


def board_problems(board: ScoringBoard) -> list[str]:
    return scoring.validate_board(board.spec())


@transaction.atomic
def board_activate(*, board: ScoringBoard) -> ScoringBoard:
    """Freeze a draft and make it the active version of its series (the former active
    version is retired; its assessments keep pointing at it)."""
    board = ScoringBoard.objects.select_for_update().get(pk=board.pk)
    if not board.is_draft:
        raise ValidationError(_("Nur ein Entwurf kann aktiviert werden."))
    problems = board_problems(board)
    if problems:
        raise ValidationError(problems)
    # One by one, not .update(): the retirement of the former version belongs in its history.
    for former in ScoringBoard.objects.select_for_update().filter(
        series=board.series, status=ScoringBoard.Status.ACTIVE
    ):
        former.status = ScoringBoard.Status.RETIRED
        former.version += 1
        former.save(update_fields=["status", "version"])
    board.status = ScoringBoard.Status.ACTIVE
    board.activated_at = timezone.now()
    board.version += 1
    board.save(update_fields=["status", "activated_at", "version"])
    return board


@transaction.atomic
def board_new_version(*, board: ScoringBoard) -> ScoringBoard:
    """The draft that changes a frozen board: a copy of its groups, criteria, levels and
    guideline links as the next revision. An existing draft of the series is returned.
    Asked on an older version, it copies the series' latest one: starting from the old
    version would silently drop the changes made since."""
    existing = ScoringBoard.objects.filter(
        series=board.series, status=ScoringBoard.Status.DRAFT
    ).first()
    if existing:
        return existing
    board = ScoringBoard.objects.filter(series=board.series).order_by("-revision").first()
    draft = ScoringBoard.objects.create(
        network=board.network,
        series=board.series,
        revision=board.revision + 1,
        name=board.name,
        description=board.description,
    )
    links = {}  # guideline → the copied criteria it is linked to
    for group in board.groups.prefetch_related("criteria__guidelines"):
        criteria = list(group.criteria.all())
        group.pk = None
        group.board = draft
        group.version = 1
        group.save()
        for criterion in criteria:
            guidelines = list(criterion.guidelines.all())
            criterion.pk = None
            criterion.group = group
            criterion.version = 1
            criterion.save()
            for guideline in guidelines:
                links.setdefault(guideline, []).append(criterion)
    for guideline, criteria in links.items():
        guideline.criteria.add(*criteria)  # from the guideline's side: kept in its history
    for level in board.levels.all():
        level.pk = None
        level.board = draft
        level.version = 1
        level.save()
    return draft


# --- assessments -------------------------------------------------------------------------


@transaction.atomic
def assessment_start(*, project: BuildingProject, board: ScoringBoard) -> Assessment:
    if (
        board.status != ScoringBoard.Status.ACTIVE
        or board.network_id != project.membership.network_id
    ):
        raise ValidationError(_("Bewertet wird nur mit einem aktiven Raster des Netzwerks."))
    assessment, _created = Assessment.objects.get_or_create(project=project, board=board)
    assessment_refresh(assessment=assessment)
    BuildingProject.objects.filter(pk=project.pk).update(latest_assessment=assessment)
    return assessment


@transaction.atomic
def assessment_save_scores(
    *, assessment: Assessment, entries: dict, loaded_version: int, evidence: dict, user
) -> scoring.Result:
    """Store the points and justifications of a draft assessment in one go.

    `entries` maps criterion ids to (points or None, justification); None removes the
    score (the criterion counts as missing). `evidence` maps criterion ids to uploaded
    files. Raises EditConflict when someone saved the assessment after `loaded_version`.
    """
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.version != loaded_version:
        raise EditConflict(current, changes_since(current, loaded_version))
    if current.is_final:
        raise ValidationError(
            _("Die Bewertung ist abgeschlossen und kann nicht mehr geändert werden.")
        )
    existing = {s.criterion_id: s for s in current.scores.all()}
    for criterion_id, (points, justification) in entries.items():
        score = existing.get(criterion_id)
        if points is None:
            if score is not None:
                score.delete()
            continue
        if score is None:
            score = Score(assessment=current, criterion_id=criterion_id)
        elif score.points == points and score.justification == justification:
            continue
        else:
            score.version += 1
        score.points = points
        score.justification = justification
        score.full_clean(exclude=["assessment", "criterion"])
        score.save()
        existing[criterion_id] = score
    for criterion_id, files in evidence.items():
        score = existing.get(criterion_id)
        if score is None or score.pk is None:
            continue
        for upload in files:
            score.evidence.add(
                document_store(
                    network=current.project.membership.network,
                    membership=current.project.membership,
                    upload=upload,
                    user=user,
                )
            )
    current.version += 1
    current.save(update_fields=["version"])
    assessment.version = current.version
    return assessment_refresh(assessment=current)


@transaction.atomic
def assessment_finalise(*, assessment: Assessment, user) -> scoring.Result:
    """Close a complete assessment. An incomplete one is refused: a rating is only awarded
    to a complete, finalised assessment, and a finalised one can no longer be completed."""
    missing = len(assessment.evaluate().missing)
    if missing and not assessment.is_final:
        raise ValidationError(
            ngettext(
                "Es fehlen noch die Punkte für %(n)d Kriterium; erst eine vollständige "
                "Bewertung kann abgeschlossen werden.",
                "Es fehlen noch die Punkte für %(n)d Kriterien; erst eine vollständige "
                "Bewertung kann abgeschlossen werden.",
                missing,
            )
            % {"n": missing}
        )
    assessment.finalise(user)
    return assessment_refresh(assessment=assessment)
