"""Assessments of projects on a board: start, page, points, finalise."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network.concurrency import EditConflict
from network.views.common import network_view, page_context

from .. import presentation, services
from ..forms import (
    ScoreForm,
)
from ..models import (
    ScoringBoard,
)
from .common import _assessment, _number, _project


@network_view
def assessment_create(request, access, pk):
    """Start an assessment, after asking: GET (the project page's „Bewertung beginnen“) and
    a POST without `confirmed` show what will be created; only the confirmed POST creates
    the draft. Works without JavaScript."""
    project = _project(access, pk)
    access.require(access.can_edit_membership(project.membership))
    data = request.POST if request.method == "POST" else request.GET
    if request.method == "GET" and not data.get("board"):
        # Opened without a board (a bookmark, the address typed): the question offers the
        # active boards the project has no assessment on yet.
        return render(
            request,
            "building/assessment_start.html",
            page_context(
                access,
                project=project,
                board=None,
                boards=ScoringBoard.objects.filter(network=access.network)
                .active()
                .exclude(assessments__project=project),
            ),
        )
    board_id = _number(data.get("board", ""))
    if board_id is None:
        messages.error(request, _("Bitte ein aktives Raster auswählen."))
        return redirect("building:project_detail", access.network.slug, project.pk)
    board = access.get(ScoringBoard.objects.filter(network=access.network), pk=board_id)
    if board.status != ScoringBoard.Status.ACTIVE:
        # e.g. a new version was activated while the project page was open
        messages.error(
            request,
            _("Das Raster „%(board)s“ ist nicht aktiv. Bitte ein aktives Raster auswählen.")
            % {"board": board},
        )
        return redirect("building:project_detail", access.network.slug, project.pk)
    existing = project.assessments.filter(board=board).first()
    if existing is not None:  # one assessment per board: it opens, nothing is created
        return redirect("building:assessment_detail", access.network.slug, existing.pk)
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        assessment = services.assessment_start(project=project, board=board)
        return redirect("building:assessment_score", access.network.slug, assessment.pk)
    return render(
        request,
        "building/assessment_start.html",
        page_context(access, project=project, board=board),
    )


def _assessment_parts(assessment):
    groups = list(assessment.board.groups.prefetch_related("criteria__guidelines"))
    scores = {s.criterion_id: s for s in assessment.scores.prefetch_related("evidence")}
    for group in groups:
        for criterion in group.criteria.all():  # the prefetched list: attributes stay
            criterion.score = scores.get(criterion.pk)
    return groups, scores


@network_view
def assessment_detail(request, access, pk):
    assessment = _assessment(access, pk)
    groups, scores = _assessment_parts(assessment)
    levels = list(assessment.board.levels.all())
    result = assessment.evaluate(groups, scores.values(), levels)
    names = {c.pk: str(c) for g in groups for c in g.criteria.all()}
    return render(
        request,
        "building/assessment_detail.html",
        page_context(
            access,
            assessment=assessment,
            project=assessment.project,
            result=result,
            bars=presentation.bars(result),
            total_bar=presentation.total_bar(result),
            groups=groups,
            scores=scores,
            levels=levels,
            missing=[names[key] for key in result.missing],
            can_edit=access.can_edit_membership(assessment.project.membership),
        ),
    )


@network_view
def assessment_score(request, access, pk):
    assessment = _assessment(access, pk)
    access.require(access.can_edit_membership(assessment.project.membership))
    if assessment.is_final:
        messages.error(
            request, _("Die Bewertung ist abgeschlossen und kann nicht mehr geändert werden.")
        )
        return redirect("building:assessment_detail", access.network.slug, pk)
    groups, scores = _assessment_parts(assessment)
    criteria = [c for g in groups for c in g.criteria.all()]
    form = ScoreForm(
        request.POST or None,
        request.FILES or None,
        criteria=criteria,
        scores=scores,
        initial={"loaded_version": assessment.version},
    )
    for criterion in criteria:
        criterion.points_field = form[f"points_{criterion.pk}"]
        criterion.justification_field = form[f"justification_{criterion.pk}"]
        criterion.evidence_field = form[f"evidence_{criterion.pk}"]
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_save_scores(
                assessment=assessment,
                entries=form.entries(),
                evidence=form.evidence(),
                loaded_version=form.cleaned_data["loaded_version"],
                user=request.user,
            )
        except EditConflict as error:
            conflict = error
            form.add_error(
                None,
                _(
                    "Jemand anderes hat diese Bewertung gespeichert, während Sie sie bearbeitet "
                    "haben. Ihre Änderungen wurden nicht gespeichert; bitte laden Sie die Seite "
                    "neu und geben Sie sie erneut ein."
                ),
            )
        else:
            messages.success(request, _("Die Punkte wurden gespeichert."))
            return redirect("building:assessment_detail", access.network.slug, pk)
    return render(
        request,
        "building/assessment_score.html",
        page_context(
            access,
            assessment=assessment,
            project=assessment.project,
            form=form,
            groups=groups,
            scores=scores,
            conflict=conflict,
        ),
    )


@network_view
@require_POST
def assessment_finalise(request, access, pk):
    assessment = _assessment(access, pk)
    access.require(access.can_edit_membership(assessment.project.membership))
    try:
        services.assessment_finalise(assessment=assessment, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Die Bewertung ist abgeschlossen."))
    return redirect("building:assessment_detail", access.network.slug, pk)
