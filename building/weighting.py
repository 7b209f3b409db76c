"""The weighting workshop: the members of a network decide the weights of a scoring board.

The moderator opens a vote on a board; every member municipality still in the network
allocates 100 points across the board's criteria groups (one ballot per member, cast by
one of its coordinators, changeable until the vote closes) and, if the vote asks for it,
proposes a minimum total per rating level. Nobody sees a ballot of another member until
the moderator closes the vote; then the mean, the spread and every member's ballot are
shown. The moderator applies the result to the series' draft (a new version, made by
building.services.board_new_version), linked to the meeting decision that adopted it.

Result rules (the pure functions at the top, tested without a database):
- a group's weight is the mean of the ballots' points, rounded to whole percent by the
  largest-remainder method so that the weights sum to exactly 100 (`largest_remainder`);
- the spread is shown as the range (lowest–highest points) and the population standard
  deviation over the ballots (the members are all the voters, not a sample of them);
- a level's threshold is the mean of the proposals made for it, rounded half up to the
  two decimal places the board stores (`threshold_mean`); no proposal leaves it as it is.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network.concurrency import EditConflict
from network.models import Decision, Membership, Role
from network.notifications import Kind, notify

from . import services
from .models import (
    Ballot,
    BallotPoints,
    BallotThreshold,
    CriteriaGroup,
    RatingLevel,
    ScoringBoard,
    WeightingVote,
)

POINTS = 100  # what every ballot allocates
THRESHOLD_PLACES = Decimal("0.01")  # RatingLevel.min_total_pct: decimal_places=2


# --- pure rules ----------------------------------------------------------------------------


def largest_remainder(shares: Sequence, total: int = POINTS) -> list[int]:
    """Whole numbers that sum to `total`, each the floor or the ceiling of its share
    (Hamilton's method). The shares are scaled to `total` first, so they need not sum to
    it exactly. The units left after taking every floor go to the largest remainders; of
    equal remainders the larger share wins, then the earlier position — the same shares
    always give the same result. Shares are exact numbers (int, Fraction, Decimal)."""
    exact = [Fraction(s) for s in shares]
    if any(s < 0 for s in exact):
        raise ValueError("shares must not be negative")
    whole = sum(exact)
    if not exact:
        return []
    if whole == 0:
        raise ValueError("shares must not all be zero")
    scaled = [s * total / whole for s in exact]
    floors = [math.floor(s) for s in scaled]
    left = total - sum(floors)
    order = sorted(range(len(scaled)), key=lambda i: (-(scaled[i] - floors[i]), -scaled[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors


@dataclass(frozen=True)
class GroupOutcome:
    key: object
    name: str
    mean: float  # points, unrounded
    low: int
    high: int
    stdev: float  # population standard deviation of the points
    result: int  # whole percent; the results of all groups sum to 100


def outcome(groups: Sequence[tuple[object, str]], ballots: Sequence[Mapping]) -> list[GroupOutcome]:
    """Per group (key, name) the statistics of `ballots` (each a mapping group key →
    points; a group a ballot does not name counts 0) and the rounded weight. No ballots:
    no outcome."""
    if not ballots or not groups:
        return []
    columns = [[ballot.get(key, 0) for ballot in ballots] for key, _name in groups]
    means = [Fraction(sum(column), len(column)) for column in columns]
    results = largest_remainder(means) if sum(means) else [0] * len(groups)
    outcomes = []
    for (key, name), column, mean, result in zip(groups, columns, means, results, strict=True):
        variance = sum((Fraction(p) - mean) ** 2 for p in column) / len(column)
        outcomes.append(
            GroupOutcome(
                key=key,
                name=name,
                mean=float(mean),
                low=min(column),
                high=max(column),
                stdev=math.sqrt(variance),
                result=result,
            )
        )
    return outcomes


def threshold_mean(proposals: Sequence[Decimal]) -> Decimal | None:
    """The mean of the proposals for one level, rounded half up as the board stores it;
    None without proposals."""
    if not proposals:
        return None
    mean = sum(proposals, Decimal(0)) / len(proposals)
    return mean.quantize(THRESHOLD_PLACES, rounding=ROUND_HALF_UP)


# --- who may do what -----------------------------------------------------------------------


def voters(network):
    """The members that vote: the municipalities still members of the network."""
    return Membership.objects.active().filter(network=network).select_related("municipality")


def may_cast(access, membership) -> bool:
    """A ballot is cast by a coordinator of a member that is still in the network."""
    return (
        membership.network_id == access.network.pk
        and membership.is_active
        and membership.pk in access.coordinated_membership_ids
    )


def castable_memberships(access) -> list:
    """may_cast for every member: the members this person casts the ballot for."""
    if not access.coordinated_membership_ids:
        return []
    return list(voters(access.network).filter(pk__in=access.coordinated_membership_ids))


# --- reading -------------------------------------------------------------------------------


def vote_url(vote) -> str:
    return reverse(
        "building:weighting_detail", args=[vote.board.network.slug, vote.board_id, vote.pk]
    )


def ballots_of(vote) -> list[Ballot]:
    """All ballots of a vote with their points and proposals (three queries)."""
    return list(
        vote.ballots.select_related("membership__municipality", "cast_by").prefetch_related(
            "points", "thresholds"
        )
    )


@dataclass(frozen=True)
class LevelOutcome:
    level: RatingLevel
    proposals: int
    mean: Decimal | None


def level_outcome(levels, ballots) -> list[LevelOutcome]:
    by_level = {level.pk: [] for level in levels}
    for ballot in ballots:
        for proposal in ballot.thresholds.all():
            by_level.setdefault(proposal.level_id, []).append(proposal.min_total_pct)
    return [
        LevelOutcome(level, len(by_level[level.pk]), threshold_mean(by_level[level.pk]))
        for level in levels
    ]


def group_outcome(groups, ballots) -> list[GroupOutcome]:
    return outcome(
        [(g.pk, str(g)) for g in groups],
        [{p.group_id: p.points for p in ballot.points.all()} for ballot in ballots],
    )


# --- writes --------------------------------------------------------------------------------


@transaction.atomic
def vote_open(*, board: ScoringBoard, title: str, user, meeting=None, with_thresholds=False):
    """Open a vote on `board` and tell the coordinators of the members."""
    if not board.groups.exists():
        raise ValidationError(
            _("Das Raster hat keine Kriteriengruppe, über die abgestimmt werden kann.")
        )
    if meeting is not None and meeting.network_id != board.network_id:
        raise ValidationError(_("Der Workshop gehört nicht zu diesem Netzwerk."))
    if board.weighting_votes.open().exists():
        raise ValidationError(_("Für dieses Raster läuft schon eine Abstimmung."))
    vote = WeightingVote(
        board=board,
        title=title,
        meeting=meeting,
        with_thresholds=with_thresholds and board.levels.exists(),
        opened_by=user,
    )
    vote.full_clean()
    try:
        with transaction.atomic():
            vote.save()
    except IntegrityError:  # a second moderator opened one at the same moment
        raise ValidationError(_("Für dieses Raster läuft schon eine Abstimmung.")) from None
    coordinators = Role.objects.filter(
        network=board.network,
        kind=Role.Kind.COORDINATOR,
        membership__in=voters(board.network),
    ).values_list("user_id", flat=True)
    notify(
        Kind.WEIGHTING_VOTE,
        network=board.network,
        recipients=list(coordinators),
        title=lambda: _("Gewichtung abstimmen: %(title)s") % {"title": vote.title},
        body=lambda: (
            _(
                "Verteilen Sie für Ihre Kommune 100 Punkte auf die Kriteriengruppen von "
                "„%(board)s“. Ihre Stimme können Sie ändern, bis die Moderation die Abstimmung "
                "schließt."
            )
            % {"board": board}
        ),
        url=vote_url(vote),
        actor=user,
    )
    return vote


def _points_error(points: Mapping, groups) -> str | None:
    total = sum(points.get(g.pk, 0) for g in groups)
    if total != POINTS:
        return _(
            "Die Punkte ergeben zusammen %(sum)s statt 100. Bitte verteilen Sie genau 100 Punkte."
        ) % {"sum": total}
    return None


def ballot_cast(
    *,
    vote: WeightingVote,
    membership,
    user,
    points: Mapping[int, int],
    thresholds: Mapping[int, Decimal] | None = None,
    loaded_version: int | None,
) -> Ballot:
    """Cast or change the ballot of `membership`. `points` maps every group of the board to
    whole points (0–100, summing to 100), `thresholds` a level to a proposed minimum total
    (levels left out have no proposal). `loaded_version` is the version of the ballot the
    form showed, None if it showed none: if the member's ballot moved on since (another
    coordinator of the same member saved), EditConflict is raised and nothing is written.

    Raises ValidationError (German) for a closed vote, a member of another network or one
    that left, and points that are not 100 in all; nothing is written then either."""
    with transaction.atomic():
        # The vote's row is locked: casting and closing take turns, so no ballot slips in
        # after the close and none is lost in it.
        vote = WeightingVote.objects.select_for_update().select_related("board").get(pk=vote.pk)
        if not vote.is_open:
            raise ValidationError(
                _("Die Abstimmung ist geschlossen. Ihre Stimme wurde nicht gespeichert.")
            )
        if membership.network_id != vote.board.network_id or not membership.is_active:
            raise ValidationError(_("Abstimmen können nur Mitgliedskommunen dieses Netzwerks."))
        groups = list(vote.board.groups.all())
        unknown = set(points) - {g.pk for g in groups}
        if unknown or any(not 0 <= p <= POINTS for p in points.values()):
            raise ValidationError(
                _("Bitte je Kriteriengruppe eine ganze Zahl von 0 bis 100 angeben.")
            )
        problem = _points_error(points, groups)
        if problem:
            raise ValidationError(problem)
        levels = {lv.pk for lv in vote.board.levels.all()} if vote.with_thresholds else set()
        proposals = {k: v for k, v in (thresholds or {}).items() if k in levels and v is not None}

        ballot = Ballot.objects.filter(vote=vote, membership=membership).first()
        if ballot is None:
            if loaded_version:
                # The form showed a ballot that is gone (its member's ballots are never
                # deleted while the vote is open): refuse rather than guess.
                raise ValidationError(_("Bitte laden Sie die Seite neu und stimmen Sie erneut ab."))
            try:
                with transaction.atomic():
                    ballot = Ballot.objects.create(
                        vote=vote, membership=membership, cast_by=user, cast_at=timezone.now()
                    )
            except IntegrityError:
                # Another coordinator of the same member cast first (ballot_one_per_member).
                raise EditConflict(
                    Ballot.objects.get(vote=vote, membership=membership), []
                ) from None
        else:
            changed = Ballot.objects.filter(pk=ballot.pk, version=loaded_version or 0).update(
                version=F("version") + 1, cast_by=user, cast_at=timezone.now()
            )
            if not changed:
                raise EditConflict(Ballot.objects.get(pk=ballot.pk), [])
            ballot.refresh_from_db()
            ballot.save(update_fields=["version", "cast_by", "cast_at"])  # into the history
            ballot.points.all().delete()
            ballot.thresholds.all().delete()
        BallotPoints.objects.bulk_create(
            BallotPoints(ballot=ballot, group=g, points=points.get(g.pk, 0)) for g in groups
        )
        BallotThreshold.objects.bulk_create(
            BallotThreshold(ballot=ballot, level_id=k, min_total_pct=v)
            for k, v in sorted(proposals.items())
        )
        return ballot


def vote_close(*, vote: WeightingVote, user) -> None:
    with transaction.atomic():
        WeightingVote.objects.select_for_update().get(pk=vote.pk)  # waits for a running cast
        if not vote.close(user):
            raise ValidationError(_("Die Abstimmung ist schon geschlossen."))


def decisions_for(network):
    """The decisions a result can be linked to: those of the network's meetings that were
    not cancelled, newest meeting first."""
    return (
        Decision.objects.filter(meeting__network=network)
        .exclude(meeting__status="cancelled")
        .select_related("meeting")
        .order_by("-meeting__starts_at", "id")
    )


def _key(obj) -> tuple[str, str]:
    return (obj.code, obj.name) if hasattr(obj, "code") else (obj.name,)


@transaction.atomic
def vote_apply(*, vote: WeightingVote, decision: Decision, user) -> ScoringBoard:
    """Write the result of a closed vote into the series' draft — the existing one, or a
    new version copied from the latest (building.services.board_new_version) — and link
    the draft to the vote and to the meeting decision that adopted the result. The groups
    (and levels) are matched by code and name: a draft whose groups are not the ones voted
    on is refused, as is a vote without ballots or one applied already."""
    vote = (
        WeightingVote.objects.select_for_update().select_related("board__network").get(pk=vote.pk)
    )
    board = vote.board
    if vote.is_open:
        raise ValidationError(_("Das Ergebnis kann erst nach dem Schließen übernommen werden."))
    if ScoringBoard.objects.filter(from_vote=vote).exists():
        raise ValidationError(_("Das Ergebnis dieser Abstimmung ist schon übernommen."))
    if not decisions_for(board.network).filter(pk=decision.pk).exists():
        raise ValidationError(_("Der Beschluss gehört zu keinem Termin dieses Netzwerks."))
    ballots = ballots_of(vote)
    if not ballots:
        raise ValidationError(_("Es wurde keine Stimme abgegeben; es gibt kein Ergebnis."))
    groups = list(board.groups.all())
    levels = list(board.levels.all())

    draft = services.board_new_version(board=board)
    draft = ScoringBoard.objects.select_for_update().get(pk=draft.pk)
    if draft.from_vote_id is not None:
        raise ValidationError(
            _(
                "Der Entwurf Version %(n)s enthält schon das Ergebnis einer anderen "
                "Abstimmung. Aktivieren Sie ihn zuerst."
            )
            % {"n": draft.revision}
        )
    targets = {_key(g): g for g in CriteriaGroup.objects.filter(board=draft)}
    if set(targets) != {_key(g) for g in groups}:
        raise ValidationError(
            _(
                "Die Kriteriengruppen des Entwurfs Version %(n)s sind nicht mehr die, über "
                "die abgestimmt wurde. Das Ergebnis wurde nicht übernommen."
            )
            % {"n": draft.revision}
        )
    for group, result in zip(groups, group_outcome(groups, ballots), strict=True):
        target = targets[_key(group)]
        target.weight_pct = Decimal(result.result)
        target.version += 1
        target.save(update_fields=["weight_pct", "version"])
    if vote.with_thresholds:
        draft_levels = {_key(lv): lv for lv in RatingLevel.objects.filter(board=draft)}
        for found in level_outcome(levels, ballots):
            target = draft_levels.get(_key(found.level))
            if target is not None and found.mean is not None:
                target.min_total_pct = found.mean
                target.version += 1
                target.save(update_fields=["min_total_pct", "version"])
    draft.from_vote = vote
    draft.adopted_by_decision = decision
    draft.version += 1
    draft.save(update_fields=["from_vote", "adopted_by_decision", "version"])
    return draft


def votes_of_board(board):
    """The votes of a board's series, newest first, with their ballot counts and the
    draft each produced (one query)."""
    return (
        WeightingVote.objects.filter(board__series=board.series)
        .select_related("board", "result_board", "meeting")
        .annotate(ballot_count=Count("ballots"))
        .order_by("-opened_at", "-id")
    )
