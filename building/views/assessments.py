"""Assessments of projects on a board: start, page, points, submit and review."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from network.concurrency import EditConflict
from network.forms.fields import VersionField
from network.views.common import network_view, page_context

from .. import indicators, presentation, services
from ..forms import (
    ScoreForm,
)
from ..models import (
    AssessmentReview,
    BuildingSettings,
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
            **_review_context(access, assessment, groups),
        ),
    )


@network_view
def assessment_score(request, access, pk):
    assessment = _assessment(access, pk)
    access.require(access.can_edit_membership(assessment.project.membership))
    if not assessment.is_editable:
        messages.error(request, services.not_editable_message(assessment))
        return redirect("building:assessment_detail", access.network.slug, pk)
    groups, scores = _assessment_parts(assessment)
    criteria = [c for g in groups for c in g.criteria.all()]
    sourced = indicators.sourced_values(
        assessment.project, criteria, BuildingSettings.for_network(access.network).assumptions()
    )
    form = ScoreForm(
        request.POST or None,
        request.FILES or None,
        criteria=criteria,
        scores=scores,
        sourced=sourced,
        initial={"loaded_version": assessment.version},
    )
    for criterion in criteria:
        if criterion.is_measured:
            criterion.value_field = form[f"value_{criterion.pk}"]
            value = (
                sourced.get(criterion.pk)
                if criterion.is_sourced
                else (criterion.score.measured_value if criterion.score else None)
            )
            criterion.computed_points = indicators.whole_points(criterion.points_for(value))
        else:
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
def assessment_submit(request, access, pk):
    """„Zur Prüfung einreichen“: the municipality (whoever edits its data) asks for review."""
    assessment = _assessment(access, pk)
    access.require(access.can_edit_membership(assessment.project.membership))
    version = VersionField().clean(request.POST.get("loaded_version"))
    try:
        services.assessment_submit(
            assessment=assessment, user=request.user, loaded_version=version or 0
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "Die Bewertung ist zur Prüfung eingereicht. Die Moderation und die "
                "Expertinnen und Experten des Netzwerks wurden benachrichtigt."
            ),
        )
    return redirect("building:assessment_detail", access.network.slug, pk)


class ReviewForm(forms.Form):
    """The reviewer's decision with a general comment and one per scored criterion."""

    ACCEPT, RETURN = "accept", "return"

    loaded_version = VersionField(required=True)
    decision = forms.ChoiceField(
        choices=[
            (ACCEPT, gettext_lazy("Bewertung bestätigen")),
            (RETURN, gettext_lazy("Zurückgeben")),
        ],
        error_messages={
            "required": gettext_lazy("Bitte „Bewertung bestätigen“ oder „Zurückgeben“ wählen.")
        },
    )
    comment = forms.CharField(
        label=gettext_lazy("Anmerkung zur Bewertung insgesamt"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Anmerkung zu %(criterion)s") % {"criterion": criterion},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def comments(self) -> dict:
        return {c.pk: self.cleaned_data[f"comment_{c.pk}"] for c in self.criteria}


def _scored_criteria(groups):
    return [c for g in groups for c in g.criteria.all() if c.score is not None]


def _review_context(access, assessment, groups) -> dict:
    """The status and review block of the assessment page (building/_review.html): the
    reviews so far with their comments, and the review form for who may decide now."""
    reviews = list(
        assessment.reviews.select_related("submitted_by", "decided_by").prefetch_related(
            "comments__criterion"
        )
    )
    open_review = next(
        (r for r in reviews if r.decision == AssessmentReview.Decision.PENDING), None
    )
    may_review = assessment.is_submitted and services.can_review(access, assessment, open_review)
    returned = reviews[0] if reviews and assessment.is_editable else None
    form = None
    if may_review:
        form = ReviewForm(
            criteria=_scored_criteria(groups), initial={"loaded_version": assessment.version}
        )
        for criterion in form.criteria:
            criterion.review_field = form[f"comment_{criterion.pk}"]
    return {
        "reviews": reviews,
        "open_review": open_review,
        "returned_review": returned
        if returned and returned.decision == AssessmentReview.Decision.RETURNED
        else None,
        "may_review": may_review,
        "review_form": form,
    }


@network_view
@require_POST
def assessment_review(request, access, pk):
    """Accept („Bewertung bestätigen“) or return („Zurückgeben“) a submitted assessment:
    the moderation or an expert, never the municipality itself (services.can_review)."""
    assessment = _assessment(access, pk)
    access.require(services.can_review(access, assessment))
    groups, _scores = _assessment_parts(assessment)
    form = ReviewForm(request.POST, criteria=_scored_criteria(groups))
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("building:assessment_detail", access.network.slug, pk)
    accept = form.cleaned_data["decision"] == ReviewForm.ACCEPT
    try:
        services.assessment_decide(
            assessment=assessment,
            access=access,
            accept=accept,
            loaded_version=form.cleaned_data["loaded_version"],
            comment=form.cleaned_data["comment"],
            comments=form.comments(),
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Die Bewertung ist bestätigt; die Bewertungsstufe ist vergeben.")
            if accept
            else _("Die Bewertung ist mit Ihren Anmerkungen zurückgegeben."),
        )
    return redirect("building:assessment_detail", access.network.slug, pk)
