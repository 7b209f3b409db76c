"""The weighting workshop: votes on a board's group weights (building.weighting)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network.concurrency import EditConflict
from network.views.common import network_view, page_context, posted
from network.views.edit import form_page

from .. import weighting
from ..models import WeightingVote
from ..weighting_forms import BallotForm, VoteApplyForm, VoteOpenForm
from .common import _board


def _vote(access, pk, vote_pk):
    return access.get(
        WeightingVote.objects.filter(board__network=access.network, board_id=pk).select_related(
            "board__network", "meeting", "result_board", "opened_by", "closed_by"
        ),
        pk=vote_pk,
    )


def _crumbs(access, board, vote=None):
    crumbs = [
        (_("Bewertungsraster"), reverse("building:board_list", args=[access.network.slug])),
        (str(board), reverse("building:board_detail", args=[access.network.slug, board.pk])),
        (
            _("Gewichtung"),
            reverse("building:weighting_list", args=[access.network.slug, board.pk]),
        ),
    ]
    if vote is not None:
        crumbs.append((vote.title, weighting.vote_url(vote)))
    return crumbs


@network_view
def weighting_list(request, access, pk):
    board = _board(access, pk)
    return render(
        request,
        "building/weighting/list.html",
        page_context(
            access,
            board=board,
            votes=weighting.votes_of_board(board),
            can_manage=access.can_manage_network(),
        ),
    )


@network_view
def weighting_open(request, access, pk):
    access.require(access.can_manage_network())
    board = _board(access, pk)
    form = VoteOpenForm(
        posted(request),
        board=board,
        initial={"title": _("Gewichtung: %(board)s") % {"board": board.name}},
    )
    return form_page(
        request,
        access,
        form,
        title=_("Gewichtungsabstimmung öffnen"),
        intro=_(
            "Jede Mitgliedskommune verteilt 100 Punkte auf die Kriteriengruppen dieses "
            "Rasters; abgegeben wird die Stimme von ihrer Koordination. Die Stimmen bleiben "
            "verborgen, bis Sie die Abstimmung schließen. Die Koordinationen werden "
            "benachrichtigt."
        ),
        breadcrumbs=_crumbs(access, board),
        back_url=reverse("building:board_detail", args=[access.network.slug, board.pk]),
        success_url=weighting.vote_url,
        message=_("Die Abstimmung ist geöffnet; die Koordinationen sind benachrichtigt."),
        submit_label=_("Abstimmung öffnen"),
        save=lambda form: weighting.vote_open(
            board=board,
            title=form.cleaned_data["title"],
            meeting=form.cleaned_data["meeting"],
            with_thresholds=form.cleaned_data.get("with_thresholds", False),
            user=request.user,
        ),
    )


@network_view
def weighting_detail(request, access, pk, vote_pk):
    vote = _vote(access, pk, vote_pk)
    board = vote.board
    groups = list(board.groups.all())
    levels = list(board.levels.all()) if vote.with_thresholds else []
    ballots = weighting.ballots_of(vote)
    voted = {b.membership_id: b for b in ballots}
    own = {m.pk for m in weighting.castable_memberships(access)} if vote.is_open else set()
    participation = [
        (membership, membership.pk in voted, membership.pk in own)
        for membership in weighting.voters(access.network)
    ]
    context = {}
    if not vote.is_open:
        # The results and every member's ballot only once the vote is closed.
        context = {
            "outcomes": weighting.group_outcome(groups, ballots),
            "level_outcomes": weighting.level_outcome(levels, ballots),
            "ballot_rows": [
                (b, [p.points for p in sorted(b.points.all(), key=_position(groups))])
                for b in ballots
            ],
        }
    return render(
        request,
        "building/weighting/detail.html",
        page_context(
            access,
            vote=vote,
            board=board,
            groups=groups,
            levels=levels,
            participation=participation,
            voted_count=len(voted),
            own_ballots=[voted[m] for m in own if m in voted],
            can_manage=access.can_manage_network(),
            breadcrumbs=_crumbs(access, board),
            **context,
        ),
    )


def _position(groups):
    order = {g.pk: i for i, g in enumerate(groups)}
    return lambda points: order.get(points.group_id, len(order))


@network_view
def weighting_ballot(request, access, pk, vote_pk, municipality_slug):
    vote = _vote(access, pk, vote_pk)
    membership = access.membership(municipality_slug)
    access.require(weighting.may_cast(access, membership))
    detail = weighting.vote_url(vote)
    if not vote.is_open:
        messages.error(
            request, _("Die Abstimmung ist geschlossen. Stimmen können nicht mehr geändert werden.")
        )
        return redirect(detail)
    board = vote.board
    groups = list(board.groups.all())
    levels = list(board.levels.all()) if vote.with_thresholds else []
    ballot = (
        vote.ballots.filter(membership=membership)
        .select_related("cast_by")
        .prefetch_related("points", "thresholds")
        .first()
    )
    form = BallotForm(posted(request), groups=groups, levels=levels, ballot=ballot)
    conflict = {}

    def save(form):
        try:
            return weighting.ballot_cast(
                vote=vote,
                membership=membership,
                user=request.user,
                points=form.points(),
                thresholds=form.thresholds(),
                loaded_version=form.cleaned_data.get("loaded_version"),
            )
        except EditConflict as error:
            current = (
                vote.ballots.select_related("cast_by")
                .prefetch_related("points", "thresholds")
                .get(pk=error.current.pk)
            )
            conflict["ballot"] = current
            conflict["points"] = [
                (g, next((p.points for p in current.points.all() if p.group_id == g.pk), 0))
                for g in groups
            ]
            # Saving once more replaces the other coordinator's ballot deliberately.
            form.data = form.data.copy()
            form.data["loaded_version"] = current.version
            form.add_error(
                None,
                _(
                    "Eine andere Person Ihrer Kommune hat die Stimme inzwischen abgegeben oder "
                    "geändert. Ihre Eingabe wurde nicht gespeichert. Die gespeicherte Stimme "
                    "steht unten; speichern Sie erneut, um sie zu ersetzen."
                ),
            )
            return None

    return form_page(
        request,
        access,
        form,
        title=_("Stimme von %(member)s: %(vote)s")
        % {"member": membership.municipality.name, "vote": vote.title},
        intro=_(
            "Verteilen Sie genau 100 Punkte auf die Kriteriengruppen: ganze Zahlen von 0 bis "
            "100. Sie können die Stimme ändern, bis die Moderation die Abstimmung schließt."
        ),
        breadcrumbs=_crumbs(access, board, vote),
        back_url=detail,
        success_url=detail,
        message=_("Ihre Stimme ist gespeichert. Sie können sie bis zum Schließen ändern."),
        submit_label=_("Stimme speichern"),
        save=save,
        template="building/weighting/ballot.html",
        ballot=ballot,
        conflict_ballot=conflict,
        vote=vote,
    )


@network_view
@require_POST
def weighting_close(request, access, pk, vote_pk):
    access.require(access.can_manage_network())
    vote = _vote(access, pk, vote_pk)
    try:
        weighting.vote_close(vote=vote, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Die Abstimmung ist geschlossen; das Ergebnis ist sichtbar."))
    return redirect(weighting.vote_url(vote))


@network_view
def weighting_apply(request, access, pk, vote_pk):
    access.require(access.can_manage_network())
    vote = _vote(access, pk, vote_pk)
    detail = weighting.vote_url(vote)
    if vote.is_open:
        messages.error(request, _("Das Ergebnis kann erst nach dem Schließen übernommen werden."))
        return redirect(detail)
    form = VoteApplyForm(posted(request), network=access.network)
    return form_page(
        request,
        access,
        form,
        title=_("Ergebnis übernehmen: %(vote)s") % {"vote": vote.title},
        intro=_(
            "Die gerundeten Gewichte (ganze Prozent, zusammen 100) werden in den Entwurf der "
            "nächsten Version des Rasters übernommen und mit dem Beschluss verknüpft. "
            "Aktiv wird der Entwurf erst, wenn Sie ihn aktivieren."
        ),
        breadcrumbs=_crumbs(access, vote.board, vote),
        back_url=detail,
        success_url=lambda draft: reverse(
            "building:board_detail", args=[access.network.slug, draft.pk]
        ),
        message=lambda draft: (
            _(
                "Das Ergebnis ist in den Entwurf Version %(n)s übernommen. Prüfen und aktivieren "
                "Sie ihn."
            )
            % {"n": draft.revision}
        ),
        submit_label=_("Ergebnis übernehmen"),
        save=lambda form: weighting.vote_apply(
            vote=vote, decision=form.cleaned_data["decision"], user=request.user
        ),
    )
