"""Writes of the building app that span several rows or models."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.utils import bulk_create_with_history

from network.concurrency import EditConflict, changes_since
from network.documents import document_store
from network.models import Role
from network.notifications import Kind, notify

from . import legal, scoring
from .models import (
    Assessment,
    AssessmentReview,
    BoardCriterion,
    BuildingProject,
    CriteriaGroup,
    RatingLevel,
    ReviewComment,
    Score,
    ScoringBoard,
)
from .presets import PRESETS, criterion_details


def project_refresh(*, project: BuildingProject) -> BuildingProject:
    """Recompute the stored legal status and the results of the project's draft
    assessments (both depend on the project's data)."""
    project.legal_status = legal.status(project.legal_results())
    BuildingProject.objects.filter(pk=project.pk).update(legal_status=project.legal_status)
    for assessment in project.assessments.not_accepted().select_related("board"):
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
        provisional_rating=result.provisional_rating or "",
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
                    **criterion_details(source.key, c_code),
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

    `entries` maps criterion ids to (points or None, justification[, measured value]);
    None points remove the score (the criterion counts as missing). `evidence` maps
    criterion ids to uploaded files. Raises EditConflict when someone saved the assessment
    after `loaded_version`.
    """
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.version != loaded_version:
        raise EditConflict(current, changes_since(current, loaded_version))
    if not current.is_editable:
        raise ValidationError(not_editable_message(current))
    existing = {s.criterion_id: s for s in current.scores.all()}
    for criterion_id, (points, justification, *measured) in entries.items():
        value = measured[0] if measured else None  # of a measured criterion (indicators)
        score = existing.get(criterion_id)
        if points is None:
            if score is not None:
                score.delete()
            continue
        if score is None:
            score = Score(assessment=current, criterion_id=criterion_id)
        elif (score.points, score.justification, score.measured_value) == (
            points,
            justification,
            value,
        ):
            continue
        else:
            score.version += 1
        score.points = points
        score.justification = justification
        score.measured_value = value
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


# --- review (four eyes) ------------------------------------------------------------------
#
# The municipality submits a complete assessment; the moderation or an expert of the network
# accepts it (the rating is awarded) or returns it with comments (a draft again). Every
# status change is a conditional update on status and version (Assessment._move): of two
# reviewers deciding at once one wins, and scores saved while someone submits are never
# submitted unseen.


def not_editable_message(assessment: Assessment) -> str:
    if assessment.is_submitted:
        return _(
            "Die Bewertung ist zur Prüfung eingereicht; die Punkte können erst wieder geändert "
            "werden, wenn die Prüfung sie zurückgibt."
        )
    return _("Die Bewertung ist bestätigt und kann nicht mehr geändert werden.")


def can_review(access, assessment: Assessment, review: AssessmentReview | None = None) -> bool:
    """Four eyes: the moderation or an expert of the network may review, but nobody who
    works for the assessed member (coordinator or staff, even if also moderator) and never
    the person who submitted it."""
    membership = assessment.project.membership
    if membership.network_id != access.network.pk or not membership.is_active:
        return False
    if not (access.is_moderator or access.is_expert):
        return False
    if membership.pk in access.own_membership_ids:
        return False
    return review is None or review.submitted_by_id != access.user.pk


def _changed_meanwhile() -> ValidationError:
    return ValidationError(
        _(
            "Die Bewertung wurde inzwischen geändert (eingereicht, geprüft oder neu "
            "gespeichert). Es wurde nichts übernommen; bitte prüfen Sie den aktuellen Stand."
        )
    )


def _reviewers(assessment: Assessment) -> list[int]:
    """Who may review: the network's moderators and experts not working for the member."""
    membership = assessment.project.membership
    own = Role.objects.filter(membership=membership, kind__in=Role.MEMBER_KINDS).values("user_id")
    return list(
        Role.objects.filter(
            network_id=membership.network_id, kind__in=[Role.Kind.MODERATOR, Role.Kind.EXPERT]
        )
        .exclude(user_id__in=own)
        .values_list("user_id", flat=True)
        .distinct()
    )


def _assessment_url(assessment: Assessment) -> str:
    network = assessment.project.membership.network
    return reverse("building:assessment_detail", args=[network.slug, assessment.pk])


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user, loaded_version: int) -> AssessmentReview:
    """Submit a complete draft for review („Zur Prüfung einreichen“). An incomplete one is
    refused: a rating is only awarded to a complete assessment, and a submitted one can no
    longer be completed."""
    missing = len(assessment.evaluate().missing)
    if missing and assessment.is_editable:
        raise ValidationError(
            ngettext(
                "Es fehlen noch die Punkte für %(n)d Kriterium; erst eine vollständige "
                "Bewertung kann zur Prüfung eingereicht werden.",
                "Es fehlen noch die Punkte für %(n)d Kriterien; erst eine vollständige "
                "Bewertung kann zur Prüfung eingereicht werden.",
                missing,
            )
            % {"n": missing}
        )
    if not assessment.submit(loaded_version):
        raise _changed_meanwhile()
    review = AssessmentReview(assessment=assessment, submitted_by=user)
    review.full_clean()
    review.save()
    project = assessment.project
    notify(
        Kind.APPROVAL_REQUESTED,
        network=project.membership.network,
        recipients=_reviewers(assessment),
        title=lambda: _("Bewertung zur Prüfung eingereicht: %(name)s") % {"name": project.name},
        body=lambda: (
            _(
                "%(municipality)s bittet um Prüfung der Bewertung „%(assessment)s“. Bestätigen "
                "Sie sie, oder geben Sie sie mit Anmerkungen zurück."
            )
            % {"municipality": project.membership.municipality.name, "assessment": assessment}
        ),
        url=_assessment_url(assessment),
        membership=project.membership,
        actor=user,
    )
    return review


@transaction.atomic
def assessment_decide(
    *,
    assessment: Assessment,
    access,
    accept: bool,
    loaded_version: int,
    comment: str = "",
    comments: dict | None = None,
) -> AssessmentReview:
    """Accept („Bewertung bestätigen“: the rating is awarded) or return („Zurückgeben“:
    a draft again) a submitted assessment. `comments` maps criterion ids of the board to
    texts; returning needs at least one comment, general or per criterion."""
    if not assessment.is_submitted:
        raise ValidationError(_("Die Bewertung ist nicht zur Prüfung eingereicht."))
    review = assessment.reviews.filter(decision=AssessmentReview.Decision.PENDING).first()
    if review is None:  # decided by someone else since `assessment` was read
        raise _changed_meanwhile()
    if not can_review(access, assessment, review):
        raise ValidationError(
            _(
                "Prüfen darf nur die Moderation oder eine Expertin bzw. ein Experte des "
                "Netzwerks, nicht wer für die Kommune arbeitet oder die Bewertung eingereicht hat."
            )
        )
    comment = comment.strip()
    texts = {key: text.strip() for key, text in (comments or {}).items() if text.strip()}
    if not accept and not comment and not texts:
        raise ValidationError(
            _(
                "Zum Zurückgeben bitte mindestens eine Anmerkung schreiben, zur Bewertung "
                "insgesamt oder zu einem Kriterium."
            )
        )
    criteria = set(
        BoardCriterion.objects.filter(group__board=assessment.board, pk__in=texts).values_list(
            "pk", flat=True
        )
    )
    if set(texts) - criteria:
        raise ValidationError(_("Anmerkungen gibt es nur zu Kriterien dieses Rasters."))
    user = access.user
    moved = (
        assessment.accept(user, loaded_version) if accept else assessment.send_back(loaded_version)
    )
    if not moved:
        raise _changed_meanwhile()
    review.decision = (
        AssessmentReview.Decision.ACCEPTED if accept else AssessmentReview.Decision.RETURNED
    )
    review.decided_at = timezone.now()
    review.decided_by = user
    review.comment = comment
    review.full_clean()
    review.save(update_fields=["decision", "decided_at", "decided_by", "comment"])
    bulk_create_with_history(
        [ReviewComment(review=review, criterion_id=key, text=text) for key, text in texts.items()],
        ReviewComment,
    )
    assessment_refresh(assessment=assessment)
    project = assessment.project
    coordinators = Role.objects.filter(
        membership=project.membership, kind=Role.Kind.COORDINATOR
    ).values_list("user_id", flat=True)

    def title():
        values = {"name": project.name}
        if accept:
            return _("Bewertung bestätigt: %(name)s") % values
        return _("Bewertung zurückgegeben: %(name)s") % values

    notify(
        Kind.APPROVAL_ANSWERED,
        network=project.membership.network,
        recipients={review.submitted_by_id, *coordinators} - {None},
        title=title,
        body=lambda: comment,
        url=_assessment_url(assessment),
        membership=project.membership,
        actor=user,
    )
    return review
