"""Scoring boards: versions, their groups, criteria and levels, activation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network.views.common import network_view, page_context, posted
from network.views.edit import form_page

from .. import services
from ..forms import (
    BoardCreateForm,
    BoardForm,
    CriterionForm,
    GroupForm,
    LevelForm,
)
from ..models import (
    BoardCriterion,
    CriteriaGroup,
    RatingLevel,
    ScoringBoard,
)
from ..scoring import validate_board
from .common import _board


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
    form = BoardCreateForm(posted(request))
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
    return _board_part(
        request, access, board, BoardForm(posted(request), instance=board), _("Raster bearbeiten")
    )


def _board_part(request, access, board, form, heading, obj=None):
    """The form page of the board or of one of its parts (a draft's groups, criteria,
    levels): back to the board after saving."""
    detail = reverse("building:board_detail", args=[access.network.slug, board.pk])
    return form_page(
        request,
        access,
        form,
        title=f"{heading}: {obj}" if obj else heading,
        breadcrumbs=[
            (_("Bewertungsraster"), reverse("building:board_list", args=[access.network.slug])),
            (str(board), detail),
        ],
        back_url=detail,
        success_url=detail,
        message=_("Gespeichert."),
        board=board,
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
    form = GroupForm(posted(request), instance=group)
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
    form = CriterionForm(posted(request), instance=criterion, board=board, initial=initial)
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
    form = LevelForm(posted(request), instance=level)
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
