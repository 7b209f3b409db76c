"""Views of the building area. Every view resolves the user's access to the network first
(404 for outsiders) and looks objects up only inside that network."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network.concurrency import EditConflict
from network.documents import DocumentForm, document_response, document_store
from network.models import Document, Membership
from network.views.common import network_view, page_context

from . import presentation, services
from .filters import ProjectFilter
from .forms import (
    BoardCreateForm,
    BoardForm,
    CriterionForm,
    EnergyUseFormSet,
    GroupForm,
    GuidelineForm,
    LevelForm,
    ProjectForm,
    ScoreForm,
    SettingsForm,
    VariantForm,
)
from .models import (
    Assessment,
    BoardCriterion,
    BuildingProject,
    BuildingSettings,
    CriteriaGroup,
    EnergyUse,
    Guideline,
    RatingLevel,
    ScoringBoard,
    Variant,
)
from .rendering import render_markdown
from .scoring import validate_board

# --- lookups scoped to the network ------------------------------------------------------


def _projects(access):
    return BuildingProject.objects.of_network(access.network).select_related(
        "membership__municipality", "membership__network"
    )


def _project(access, pk):
    return access.get(_projects(access), pk=pk)


def _board(access, pk):
    return access.get(ScoringBoard.objects.filter(network=access.network), pk=pk)


def _assessment(access, pk):
    return access.get(
        Assessment.objects.of_network(access.network).select_related(
            "board",
            "project__membership__municipality",
            "project__membership__network",
            "finalised_by",
        ),
        pk=pk,
    )


def _number(text: str) -> int | None:
    """A positive id or revision from a form or query string; None for anything else
    ("abc", "²", a number too large for the database), never an exception."""
    if text.isascii() and text.isdigit() and 0 < int(text) < 2**63:
        return int(text)
    return None


def _editable_memberships(access):
    members = Membership.objects.filter(network=access.network).select_related(
        "municipality", "network"
    )
    return [m for m in members if access.can_edit_membership(m)]


# --- projects ------------------------------------------------------------------------------


@network_view
def project_list(request, access):
    projects = _projects(access).select_related("latest_assessment__board")
    filterset = ProjectFilter(request.GET or None, queryset=projects, network=access.network)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "building/project_list.html",
        page_context(
            access,
            filter=filterset,
            page_obj=page,
            query=query.urlencode(),
            can_create=bool(_editable_memberships(access)),
        ),
    )


@network_view
def project_create(request, access):
    memberships = _editable_memberships(access)
    access.require(bool(memberships))
    queryset = Membership.objects.filter(pk__in=[m.pk for m in memberships]).select_related(
        "municipality"
    )
    form = ProjectForm(request.POST or None, memberships=queryset)
    if request.method == "POST" and form.is_valid():
        access.require(access.can_edit_membership(form.cleaned_data["membership"]))
        with transaction.atomic():
            project = form.save()
            services.project_refresh(project=project)
        messages.success(request, _("Das Bauvorhaben wurde angelegt."))
        return redirect("building:project_detail", access.network.slug, project.pk)
    return render(
        request, "building/project_form.html", page_context(access, form=form, project=None)
    )


@network_view
def project_detail(request, access, pk):
    project = _project(access, pk)
    assessments = project.assessments.select_related("board").order_by("-created_at")
    variants = project.variants.prefetch_related("energy_uses")
    settings_obj = BuildingSettings.for_network(access.network)
    active_boards = ScoringBoard.objects.filter(network=access.network).active()
    records = list(project.history.select_related("history_user").order_by("-history_id")[:11])
    changes = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        fields = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=["version", "legal_status"])
            fields = [
                str(BuildingProject._meta.get_field(c.field).verbose_name) for c in delta.changes
            ]
        changes.append((newer, fields))
    return render(
        request,
        "building/project_detail.html",
        page_context(
            access,
            project=project,
            legal_results=project.legal_results(),
            assessments=assessments,
            table=presentation.variant_table(variants, settings_obj.assumptions()),
            settings_obj=settings_obj,
            active_boards=[
                b for b in active_boards if not any(a.board_id == b.pk for a in assessments)
            ],
            can_edit=access.can_edit_membership(project.membership),
            changes=changes[:10],
        ),
    )


@network_view
def project_edit(request, access, pk):
    project = _project(access, pk)
    access.require(access.can_edit_membership(project.membership))
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save_checked()
            if saved is not None:
                services.project_refresh(project=saved)
        if saved is not None:
            messages.success(request, _("Das Bauvorhaben wurde gespeichert."))
            return redirect("building:project_detail", access.network.slug, project.pk)
    return render(
        request, "building/project_form.html", page_context(access, form=form, project=project)
    )


# --- economics --------------------------------------------------------------------------------


@network_view
def project_economics(request, access, pk):
    project = _project(access, pk)
    settings_obj = BuildingSettings.for_network(access.network)
    table = presentation.variant_table(
        project.variants.prefetch_related("energy_uses"), settings_obj.assumptions()
    )
    return render(
        request,
        "building/economics.html",
        page_context(
            access,
            project=project,
            table=table,
            sensitivity=table.sensitivity() if table else [],
            settings_obj=settings_obj,
            can_edit=access.can_edit_membership(project.membership),
        ),
    )


def _variant_form(request, access, project, variant):
    access.require(access.can_edit_membership(project.membership))
    variant = variant or Variant(project=project)
    form = VariantForm(request.POST or None, instance=variant)
    formset = EnergyUseFormSet(
        request.POST or None,
        instance=variant,
        queryset=EnergyUse.objects.filter(variant=variant)
        if variant.pk
        else EnergyUse.objects.none(),
        prefix="energy",
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            saved = form.save_checked()
            if saved is not None:
                formset.instance = saved
                formset.save()
        if saved is not None:
            messages.success(request, _("Die Variante wurde gespeichert."))
            return redirect("building:project_economics", access.network.slug, project.pk)
    return render(
        request,
        "building/variant_form.html",
        page_context(access, project=project, variant=variant, form=form, formset=formset),
    )


@network_view
def variant_create(request, access, pk):
    return _variant_form(request, access, _project(access, pk), None)


@network_view
def variant_edit(request, access, pk, variant_pk):
    project = _project(access, pk)
    variant = access.get(Variant.objects.filter(project=project), pk=variant_pk)
    return _variant_form(request, access, project, variant)


@network_view
@require_POST
def variant_delete(request, access, pk, variant_pk):
    project = _project(access, pk)
    variant = access.get(Variant.objects.filter(project=project), pk=variant_pk)
    access.require(access.can_edit_membership(project.membership))
    variant.delete()
    messages.success(request, _("Die Variante wurde gelöscht."))
    return redirect("building:project_economics", access.network.slug, project.pk)


@network_view
def settings_edit(request, access):
    settings_obj = BuildingSettings.for_network(access.network)
    if request.method == "POST":
        access.require(access.can_manage_network())
    form = SettingsForm(request.POST or None, instance=settings_obj)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = form.save_checked()
        except IntegrityError:
            # Two first saves in the same instant: the other one created the settings.
            form.add_error(
                None,
                _(
                    "Die Einstellungen wurden gerade von jemand anderem angelegt. Bitte laden "
                    "Sie die Seite neu und prüfen Sie die Werte."
                ),
            )
            saved = None
        if saved is not None:
            messages.success(request, _("Die Einstellungen wurden gespeichert."))
            return redirect("building:settings", access.network.slug)
    return render(
        request,
        "building/settings.html",
        page_context(access, form=form, can_edit=access.can_manage_network()),
    )


# --- comparison ------------------------------------------------------------------------------


# Rows of each ranking on one page of the comparison (1,500 projects in a 60-member network).
COMPARISON_PAGE_SIZE = 50


@network_view
def comparison(request, access):
    settings_obj = BuildingSettings.for_network(access.network)
    assumptions = settings_obj.assumptions()
    # The score ranking is ordered and cut to the page by the database: a network of 60
    # members has 1,500 projects, and only one page of them is shown.
    scored = (
        _projects(access)
        .filter(latest_assessment__total_pct__isnull=False)
        .select_related("latest_assessment__board")
        # Ties as before: by name, then by municipality (the projects' own order).
        .order_by("-latest_assessment__total_pct", "name", "membership__municipality__name", "pk")
    )
    total_count = scored.count()
    # The cost ranking needs the life-cycle figures of each project's variants, computed
    # in Python; only projects with something to compare (two variants or more) are read.
    comparable = list(
        _projects(access).annotate(variant_count=Count("variants")).filter(variant_count__gte=2)
    )
    variants = defaultdict(list)
    for variant in (
        Variant.objects.filter(project__in=[p.pk for p in comparable])
        .prefetch_related("energy_uses")
        .order_by("-is_reference", "name")
    ):
        variants[variant.project_id].append(variant)
    by_cost = []
    for project in comparable:
        table = presentation.variant_table(variants[project.pk], assumptions)
        best = table.best_per_tonne
        if best is not None:
            reference = table.rows[table.reference]
            avoided = reference.result.tonnes_co2 - best.result.tonnes_co2
            by_cost.append((project, best, reference, avoided))
    by_cost.sort(key=lambda item: item[1].per_tonne)
    # Both rankings cover every project (a rank does not depend on the page), but only
    # COMPARISON_PAGE_SIZE rows of each are rendered; one page number pages both tables.
    longest = max(total_count, len(by_cost))
    page = Paginator(range(longest), COMPARISON_PAGE_SIZE).get_page(request.GET.get("page"))
    first = max(page.start_index() - 1, 0)
    last = first + COMPARISON_PAGE_SIZE
    return render(
        request,
        "building/comparison.html",
        page_context(
            access,
            by_total=list(scored[first:last]),
            by_cost=by_cost[first:last],
            total_count=total_count,
            cost_count=len(by_cost),
            rank_offset=first,
            page_obj=page,
            settings_obj=settings_obj,
        ),
    )


# --- boards ------------------------------------------------------------------------------------


@network_view
def board_list(request, access):
    boards = (
        ScoringBoard.objects.filter(network=access.network)
        .annotate(assessment_count=Count("assessments"))
        .order_by("name", "-revision")
    )
    return render(
        request,
        "building/board_list.html",
        page_context(
            access, boards=boards, form=BoardCreateForm(), can_manage=access.can_manage_network()
        ),
    )


@network_view
def board_create(request, access):
    access.require(access.can_manage_network())
    form = BoardCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        board = services.board_create(
            network=access.network,
            name=form.cleaned_data["name"],
            preset=form.cleaned_data["preset"],
        )
        messages.success(request, _("Der Entwurf des Rasters wurde angelegt."))
        return redirect("building:board_detail", access.network.slug, board.pk)
    return render(request, "building/board_create.html", page_context(access, form=form))


@network_view
def board_detail(request, access, pk):
    board = _board(access, pk)
    groups = list(board.groups.prefetch_related("criteria__guidelines"))
    levels = list(board.levels.all())
    spec = board.spec(groups, levels)
    versions = ScoringBoard.objects.filter(series=board.series).order_by("-revision")
    return render(
        request,
        "building/board_detail.html",
        page_context(
            access,
            board=board,
            groups=groups,
            levels=levels,
            weight_sum=sum(g.weight for g in spec.groups),
            problems=validate_board(spec) if board.is_draft else [],
            versions=versions,
            can_manage=access.can_manage_network(),
        ),
    )


def _draft_board(request, access, pk):
    """A board that may still be edited; frozen boards answer with a redirect and nothing
    changes (a change to an active board goes through a new version)."""
    access.require(access.can_manage_network())
    board = _board(access, pk)
    if not board.is_draft:
        messages.error(
            request,
            _("Dieses Raster ist eingefroren. Legen Sie eine neue Version an, um es zu ändern."),
        )
        return board, redirect("building:board_detail", access.network.slug, board.pk)
    return board, None


@network_view
def board_edit(request, access, pk):
    board, refused = _draft_board(request, access, pk)
    if refused:
        return refused
    form = BoardForm(request.POST or None, instance=board)
    if request.method == "POST" and form.is_valid() and form.save_checked() is not None:
        return redirect("building:board_detail", access.network.slug, board.pk)
    return render(
        request,
        "building/board_part_form.html",
        page_context(access, board=board, form=form, heading=_("Raster bearbeiten")),
    )


def _board_part(request, access, board, form, heading, obj=None):
    if request.method == "POST" and form.is_valid() and form.save_checked() is not None:
        messages.success(request, _("Gespeichert."))
        return redirect("building:board_detail", access.network.slug, board.pk)
    return render(
        request,
        "building/board_part_form.html",
        page_context(access, board=board, form=form, heading=heading, obj=obj),
    )


@network_view
def group_form(request, access, pk, group_pk=None):
    board, refused = _draft_board(request, access, pk)
    if refused:
        return refused
    group = (
        access.get(CriteriaGroup.objects.filter(board=board), pk=group_pk)
        if group_pk
        else CriteriaGroup(board=board, position=board.groups.count())
    )
    form = GroupForm(request.POST or None, instance=group)
    return _board_part(
        request, access, board, form, _("Kriteriengruppe"), group if group_pk else None
    )


@network_view
def criterion_form(request, access, pk, criterion_pk=None):
    board, refused = _draft_board(request, access, pk)
    if refused:
        return refused
    criterion = (
        access.get(BoardCriterion.objects.filter(group__board=board), pk=criterion_pk)
        if criterion_pk
        else BoardCriterion()
    )
    initial = {"group": request.GET.get("gruppe")} if not criterion_pk else None
    form = CriterionForm(request.POST or None, instance=criterion, board=board, initial=initial)
    return _board_part(
        request, access, board, form, _("Kriterium"), criterion if criterion_pk else None
    )


@network_view
def level_form(request, access, pk, level_pk=None):
    board, refused = _draft_board(request, access, pk)
    if refused:
        return refused
    level = (
        access.get(RatingLevel.objects.filter(board=board), pk=level_pk)
        if level_pk
        else RatingLevel(board=board)
    )
    form = LevelForm(request.POST or None, instance=level)
    return _board_part(
        request, access, board, form, _("Bewertungsstufe"), level if level_pk else None
    )


PARTS = {
    "gruppe": (CriteriaGroup, "board"),
    "kriterium": (BoardCriterion, "group__board"),
    "stufe": (RatingLevel, "board"),
}


@network_view
@require_POST
def board_part_delete(request, access, pk, part, part_pk):
    board, refused = _draft_board(request, access, pk)
    if refused:
        return refused
    if part not in PARTS:
        raise Http404
    model, path = PARTS[part]
    obj = access.get(model.objects.filter(**{path: board}), pk=part_pk)
    obj.delete()
    messages.success(request, _("Gelöscht."))
    return redirect("building:board_detail", access.network.slug, board.pk)


@network_view
@require_POST
def board_activate(request, access, pk):
    access.require(access.can_manage_network())
    board = _board(access, pk)
    try:
        services.board_activate(board=board)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Das Raster ist jetzt aktiv und eingefroren."))
    return redirect("building:board_detail", access.network.slug, board.pk)


@network_view
@require_POST
def board_new_version(request, access, pk):
    access.require(access.can_manage_network())
    board = _board(access, pk)
    draft = services.board_new_version(board=board)
    messages.success(
        request,
        _("Version %(n)s ist als Entwurf angelegt. Bisherige Bewertungen bleiben unverändert.")
        % {"n": draft.revision},
    )
    return redirect("building:board_detail", access.network.slug, draft.pk)


# --- assessments -------------------------------------------------------------------------------


@network_view
@require_POST
def assessment_create(request, access, pk):
    project = _project(access, pk)
    access.require(access.can_edit_membership(project.membership))
    board_id = _number(request.POST.get("board", ""))
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
    assessment = services.assessment_start(project=project, board=board)
    return redirect("building:assessment_score", access.network.slug, assessment.pk)


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


# --- documents -----------------------------------------------------------------------------------


@network_view
def document_download(request, access, pk):
    """Evidence of scores and guideline attachments of this network, and nothing else."""
    document = access.get(Document.objects.filter(network=access.network), pk=pk)
    evidence = document.building_scores.filter(
        assessment__project__membership__network=access.network
    ).exists()
    attachment = Guideline.objects.filter(network=access.network, attachments=document)
    if not evidence and not attachment.visible_to(access).exists():
        raise Http404
    return document_response(document)


# --- guidelines ----------------------------------------------------------------------------------


@network_view
def guideline_list(request, access):
    guidelines = (
        Guideline.objects.filter(network=access.network)
        .visible_to(access)
        .annotate(
            criteria_count=Count("criteria", distinct=True),
            attachment_count=Count("attachments", distinct=True),
        )
    )
    return render(
        request,
        "building/guideline_list.html",
        page_context(access, guidelines=guidelines, can_edit=access.can_edit_meeting_content()),
    )


def _guideline(access, pk):
    return access.get(Guideline.objects.filter(network=access.network).visible_to(access), pk=pk)


@network_view
def guideline_detail(request, access, pk):
    guideline = _guideline(access, pk)
    revisions = list(
        guideline.revisions_visible_to(access)
        .select_related("history_user")
        .only("history_id", "revision", "history_date", "history_user", "status", "body", "title")
    )
    shown = guideline
    wanted = _number(request.GET.get("fassung", ""))
    if wanted is not None and wanted != guideline.revision:
        shown = next((r for r in revisions if r.revision == wanted), None)
        if shown is None:
            raise Http404
    seen, versions = set(), []
    for record in revisions:  # latest record of each revision
        if record.revision not in seen:
            seen.add(record.revision)
            versions.append(record)
    return render(
        request,
        "building/guideline_detail.html",
        page_context(
            access,
            guideline=guideline,
            shown=shown,
            html=render_markdown(shown.body),
            versions=versions,
            criteria=guideline.criteria.select_related("group__board"),
            attachments=guideline.attachments.all(),
            upload_form=DocumentForm(title_required=False),
            can_edit=access.can_edit_meeting_content(),
        ),
    )


@network_view
def guideline_form(request, access, pk=None):
    access.require(access.can_edit_meeting_content())
    guideline = _guideline(access, pk) if pk else Guideline(network=access.network)
    form = GuidelineForm(request.POST or None, instance=guideline, network=access.network)
    if request.method == "POST" and form.is_valid():
        saved = form.save_checked()
        if saved is not None:
            messages.success(request, _("Die Leitlinie wurde gespeichert."))
            return redirect("building:guideline_detail", access.network.slug, saved.pk)
    return render(
        request,
        "building/guideline_form.html",
        page_context(access, form=form, guideline=guideline if pk else None),
    )


@network_view
@require_POST
def guideline_attach(request, access, pk):
    access.require(access.can_edit_meeting_content())
    guideline = _guideline(access, pk)
    form = DocumentForm(request.POST, request.FILES, title_required=False)
    if form.is_valid():
        document = document_store(
            network=access.network,
            membership=None,
            upload=form.cleaned_data["file"],
            user=request.user,
            title=form.cleaned_data["title"],
        )
        guideline.attachments.add(document)
        messages.success(request, _("Der Anhang wurde hochgeladen."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("building:guideline_detail", access.network.slug, guideline.pk)
