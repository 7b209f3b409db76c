"""The weighting workshop (building.weighting): the rounding and the statistics as pure
functions, then votes, ballots, closing and applying through the views, with the named
actors of tests/conftest.py."""

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from building import weighting
from building.models import (
    Ballot,
    BallotPoints,
    BallotThreshold,
    CriteriaGroup,
    RatingLevel,
    ScoringBoard,
    WeightingVote,
)
from network.models import Decision, Notification, Role
from network.notifications import Kind
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    MunicipalityFactory,
    RoleFactory,
    UserFactory,
)

# --- largest remainder -------------------------------------------------------------------------


def test_the_demo_means_round_to_whole_percent_summing_to_100():
    # K, R, G, W, P: 195/6, 115/6, 85/6, 145/6, 60/6 = 32,5 / 19,17 / 14,17 / 24,17 / 10.
    # Floors 32+19+14+24+10 = 99; the one unit left goes to the largest remainder (K, ,5).
    shares = [Fraction(195, 6), Fraction(115, 6), Fraction(85, 6), Fraction(145, 6), 10]
    assert weighting.largest_remainder(shares) == [33, 19, 14, 24, 10]


def test_equal_remainders_go_to_the_larger_share_then_the_earlier_position():
    third = Fraction(100, 3)
    assert weighting.largest_remainder([third, third, third]) == [34, 33, 33]
    # 12,5 and 37,5 have the same remainder ,5: the larger share gets the unit.
    assert weighting.largest_remainder([Fraction(25, 2), Fraction(75, 2), 50]) == [12, 38, 50]


def test_whole_shares_stay_and_other_totals_are_scaled():
    assert weighting.largest_remainder([30, 20, 50]) == [30, 20, 50]
    assert weighting.largest_remainder([1, 1]) == [50, 50]
    assert weighting.largest_remainder([1, 2], total=10) == [3, 7]
    with pytest.raises(ValueError):
        weighting.largest_remainder([0, 0])
    with pytest.raises(ValueError):
        weighting.largest_remainder([-1, 101])


def _ballots(groups):
    """A ballot: `groups` whole numbers from 0 to 100 summing to 100."""
    cuts = st.lists(st.integers(0, 100), min_size=groups - 1, max_size=groups - 1)
    return cuts.map(
        lambda c: [b - a for a, b in zip([0, *sorted(c)], [*sorted(c), 100], strict=True)]
    )


@st.composite
def votes(draw):
    groups = draw(st.integers(1, 8))
    return draw(st.lists(_ballots(groups), min_size=1, max_size=12))


@given(votes())
def test_the_rounded_means_sum_to_100_and_stay_next_to_the_mean(ballots):
    groups = len(ballots[0])
    means = [Fraction(sum(b[i] for b in ballots), len(ballots)) for i in range(groups)]
    result = weighting.largest_remainder(means)
    assert sum(result) == 100
    for mean, rounded in zip(means, result, strict=True):
        assert math.floor(mean) <= rounded <= math.ceil(mean)
    assert weighting.largest_remainder(list(means)) == result  # deterministic


@given(votes(), st.randoms(use_true_random=False))
def test_the_order_of_the_groups_does_not_change_their_results(ballots, rnd):
    groups = len(ballots[0])
    means = [Fraction(sum(b[i] for b in ballots), len(ballots)) for i in range(groups)]
    result = weighting.largest_remainder(means)
    order = list(range(groups))
    rnd.shuffle(order)
    shuffled = weighting.largest_remainder([means[i] for i in order])
    # Ties fall to the earlier position, so only groups whose share is unique keep their
    # result whatever the order.
    for new_position, old_position in enumerate(order):
        if means.count(means[old_position]) == 1:
            remainders = [m - math.floor(m) for m in means]
            ties = [
                i
                for i in range(groups)
                if remainders[i] == remainders[old_position] and means[i] != means[old_position]
            ]
            if not ties:
                assert shuffled[new_position] == result[old_position]


@given(votes())
def test_outcome_bounds(ballots):
    keys = [(i, f"G{i}") for i in range(len(ballots[0]))]
    found = weighting.outcome(keys, [dict(enumerate(b)) for b in ballots])
    assert sum(o.result for o in found) == 100
    for o in found:
        assert o.low <= o.mean <= o.high
        assert 0 <= o.stdev <= (o.high - o.low) / 2 + 1e-9


def test_outcome_worked_example():
    # Points 20, 30, 40 for A and 80, 70, 60 for B: means 30 and 70, range 20–40,
    # population standard deviation √((100 + 0 + 100) / 3) = 8,16.
    found = weighting.outcome(
        [("a", "A"), ("b", "B")], [{"a": 20, "b": 80}, {"a": 30, "b": 70}, {"a": 40, "b": 60}]
    )
    a, b = found
    assert (a.mean, a.low, a.high, a.result) == (30, 20, 40, 30)
    assert (b.mean, b.low, b.high, b.result) == (70, 60, 80, 70)
    assert a.stdev == pytest.approx(8.1650, abs=1e-4)
    assert weighting.outcome([("a", "A")], []) == []


def test_threshold_mean_rounds_half_up_to_two_places():
    assert weighting.threshold_mean([Decimal(75), Decimal(80), Decimal(75)]) == Decimal("76.67")
    assert weighting.threshold_mean([Decimal("60.00"), Decimal("60.01")]) == Decimal("60.01")
    assert weighting.threshold_mean([]) is None


# --- views ---------------------------------------------------------------------------------------


def u(name, *args):
    return reverse(f"building:{name}", args=["knn", *args])


@pytest.fixture
def vote(actors, data):
    return weighting.vote_open(
        board=data.board, title="Gewichtung im Workshop", user=actors.moderator
    )


def groups_of(board):
    return list(board.groups.all())  # Klima, Kosten


def ballot_post(board, *points, version=None, **extra):
    post = {f"group_{g.pk}": p for g, p in zip(groups_of(board), points, strict=True)}
    if version is not None:
        post["loaded_version"] = version
    return {**post, **extra}


def cast(vote, membership, user, *points, thresholds=None, loaded_version=None):
    return weighting.ballot_cast(
        vote=vote,
        membership=membership,
        user=user,
        points=dict(zip([g.pk for g in groups_of(vote.board)], points, strict=True)),
        thresholds=thresholds or {},
        loaded_version=loaded_version,
    )


def state():
    """Everything the weighting views could change."""
    return (
        list(WeightingVote.objects.order_by("pk").values()),
        list(Ballot.objects.order_by("pk").values()),
        list(BallotPoints.objects.order_by("pk").values()),
        list(BallotThreshold.objects.order_by("pk").values()),
        list(ScoringBoard.objects.order_by("pk").values()),
        list(CriteriaGroup.objects.order_by("pk").values()),
        list(RatingLevel.objects.order_by("pk").values()),
    )


def all_urls(vote):
    b, v = vote.board_id, vote.pk
    return [
        (u("weighting_list", b), "get"),
        (u("weighting_open", b), "get"),
        (u("weighting_open", b), "post"),
        (u("weighting_detail", b, v), "get"),
        (u("weighting_ballot", b, v, "luenen"), "get"),
        (u("weighting_ballot", b, v, "luenen"), "post"),
        (u("weighting_close", b, v), "post"),
        (u("weighting_apply", b, v), "get"),
        (u("weighting_apply", b, v), "post"),
    ]


@pytest.mark.django_db
def test_anonymous_goes_to_login_and_the_outsider_gets_404(client, actors, vote):
    before = state()
    outsider = actors.client(actors.outsider)
    for url, method in all_urls(vote):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert getattr(outsider, method)(url).status_code == 404, url
    assert state() == before


@pytest.mark.django_db
def test_a_vote_of_another_network_is_404_for_the_moderator(actors, vote):
    from tests.building.factories import small_board

    foreign = weighting.vote_open(
        board=small_board(actors.other_network), title="Fremd", user=actors.moderator
    )
    client = actors.client(actors.moderator)
    assert client.get(u("weighting_detail", foreign.board_id, foreign.pk)).status_code == 404
    # the vote under another board of the own network: 404 as well
    other_board = ScoringBoard.objects.create(network=actors.network, name="Anderes")
    assert client.get(u("weighting_detail", other_board.pk, vote.pk)).status_code == 404


@pytest.mark.django_db
def test_the_moderator_opens_a_vote_and_the_coordinators_hear_of_it(actors, data):
    client = actors.client(actors.moderator)
    assert client.get(u("weighting_open", data.board.pk)).status_code == 200
    response = client.post(
        u("weighting_open", data.board.pk), {"title": "Gewichtung 2027", "with_thresholds": "on"}
    )
    vote = WeightingVote.objects.get()
    assert response.status_code == 302 and response["Location"] == weighting.vote_url(vote)
    assert vote.is_open and vote.with_thresholds and vote.opened_by == actors.moderator
    told = set(
        Notification.objects.filter(kind=Kind.WEIGHTING_VOTE).values_list("recipient", flat=True)
    )
    assert told == {actors.coordinator.pk, actors.other.pk}
    # a second open vote on the same board is refused with a message
    response = client.post(u("weighting_open", data.board.pk), {"title": "Noch eine"})
    assert "Für dieses Raster läuft schon eine Abstimmung." in response.content.decode()
    assert WeightingVote.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["expert", "observer", "coordinator", "staff", "other"])
def test_only_the_moderator_opens_closes_and_applies(actors, vote, who):
    client = actors.client(getattr(actors, who))
    before = state()
    b = vote.board_id
    assert client.get(u("weighting_open", b)).status_code == 403
    assert client.post(u("weighting_open", b), {"title": "X"}).status_code == 403
    assert client.post(u("weighting_close", b, vote.pk)).status_code == 403
    assert client.get(u("weighting_apply", b, vote.pk)).status_code == 403
    assert state() == before


@pytest.mark.django_db
def test_a_coordinator_casts_and_changes_the_ballot_of_their_member(actors, vote):
    client = actors.client(actors.coordinator)
    url = u("weighting_ballot", vote.board_id, vote.pk, "luenen")
    assert client.get(url).status_code == 200
    response = client.post(url, ballot_post(vote.board, "60", "40"))
    assert response.status_code == 302
    ballot = Ballot.objects.get()
    assert ballot.membership == actors.luenen and ballot.cast_by == actors.coordinator
    assert sorted(ballot.points.values_list("points", flat=True)) == [40, 60]
    # the form shows the ballot; submitting again changes it (no second ballot)
    page = client.get(url).content.decode()
    assert 'value="60"' in page
    response = client.post(url, ballot_post(vote.board, "70", "30", version=ballot.version))
    assert response.status_code == 302
    assert Ballot.objects.count() == 1
    ballot.refresh_from_db()
    assert ballot.version == 2
    assert [p.points for p in ballot.points.order_by("group__position")] == [70, 30]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("points", "message"),
    [
        (("60", "30"), "Die Punkte ergeben zusammen 90 statt 100."),
        (("80", "30"), "Die Punkte ergeben zusammen 110 statt 100."),
        (("12,5", "87,5"), "Bitte eine ganze Zahl von 0 bis 100 eingeben."),
        (("-10", "110"), "Bitte eine ganze Zahl von 0 bis 100 eingeben."),
        (("viel", "100"), "Bitte eine ganze Zahl von 0 bis 100 eingeben."),
        (("", "100"), "Bitte Punkte angeben"),
    ],
)
def test_bad_points_give_a_german_message_and_save_nothing(actors, vote, points, message):
    client = actors.client(actors.coordinator)
    before = state()
    response = client.post(
        u("weighting_ballot", vote.board_id, vote.pk, "luenen"), ballot_post(vote.board, *points)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert state() == before


@pytest.mark.django_db
def test_points_typed_german_style_are_read(actors, vote):
    client = actors.client(actors.coordinator)
    url = u("weighting_ballot", vote.board_id, vote.pk, "luenen")
    assert client.post(url, ballot_post(vote.board, " 55,0 ", "45")).status_code == 302
    assert sorted(BallotPoints.objects.values_list("points", flat=True)) == [45, 55]


@pytest.mark.django_db
def test_two_coordinators_of_one_member_never_overwrite_each_other_unseen(actors, vote):
    second = UserFactory()
    RoleFactory(
        user=second, network=actors.network, kind=Role.Kind.COORDINATOR, membership=actors.luenen
    )
    url = u("weighting_ballot", vote.board_id, vote.pk, "luenen")
    first_client, second_client = actors.client(actors.coordinator), actors.client(second)
    assert second_client.get(url).status_code == 200  # loaded before there was a ballot
    assert first_client.post(url, ballot_post(vote.board, "60", "40")).status_code == 302
    before = state()
    response = second_client.post(url, ballot_post(vote.board, "10", "90"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Eine andere Person Ihrer Kommune hat die Stimme inzwischen abgegeben" in page
    assert state() == before  # one ballot, the first coordinator's points
    # the page now carries the current version: saving again replaces deliberately
    ballot = Ballot.objects.get()
    assert f'name="loaded_version" value="{ballot.version}"' in page
    response = second_client.post(url, ballot_post(vote.board, "10", "90", version=ballot.version))
    assert response.status_code == 302
    assert Ballot.objects.count() == 1
    assert Ballot.objects.get().cast_by == second


@pytest.mark.django_db
def test_stale_versions_are_refused_by_the_service_too(actors, vote):
    ballot = cast(vote, actors.luenen, actors.coordinator, 50, 50)
    cast(vote, actors.luenen, actors.coordinator, 40, 60, loaded_version=ballot.version)
    from network.concurrency import EditConflict

    with pytest.raises(EditConflict):
        cast(vote, actors.luenen, actors.coordinator, 30, 70, loaded_version=ballot.version)
    with pytest.raises(EditConflict):
        cast(vote, actors.luenen, actors.coordinator, 30, 70, loaded_version=None)
    assert [p.points for p in Ballot.objects.get().points.order_by("group__position")] == [40, 60]


@pytest.mark.django_db(transaction=True)
def test_the_database_holds_one_ballot_per_member(actors, data):
    vote = weighting.vote_open(board=data.board, title="Gewichtung", user=actors.moderator)
    Ballot.objects.create(vote=vote, membership=actors.luenen)
    with pytest.raises(IntegrityError), transaction.atomic():
        Ballot.objects.create(vote=vote, membership=actors.luenen)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["moderator", "expert", "observer", "staff", "other"])
def test_only_the_members_own_coordinators_cast(actors, vote, who):
    client = actors.client(getattr(actors, who))
    url = u("weighting_ballot", vote.board_id, vote.pk, "luenen")
    before = state()
    assert client.get(url).status_code == 403
    assert client.post(url, ballot_post(vote.board, "50", "50")).status_code == 403
    assert state() == before


@pytest.mark.django_db
def test_a_member_that_left_no_longer_votes(actors, vote):
    from datetime import timedelta

    from django.utils import timezone

    actors.luenen.left_on = timezone.localdate() - timedelta(days=1)
    actors.luenen.save()
    client = actors.client(actors.coordinator)
    url = u("weighting_ballot", vote.board_id, vote.pk, "luenen")
    assert client.post(url, ballot_post(vote.board, "50", "50")).status_code == 403
    with pytest.raises(ValidationError, match="Mitgliedskommunen dieses Netzwerks"):
        cast(vote, actors.luenen, actors.coordinator, 50, 50)
    assert not Ballot.objects.exists()


@pytest.mark.django_db
def test_a_coordinator_of_another_network_cannot_cast(actors, vote):
    with pytest.raises(ValidationError) as error:
        cast(vote, actors.other_membership, actors.outsider, 50, 50)
    assert error.value.messages == ["Abstimmen können nur Mitgliedskommunen dieses Netzwerks."]
    assert not Ballot.objects.exists()


@pytest.mark.django_db
def test_no_vote_after_closing(actors, vote):
    ballot = cast(vote, actors.luenen, actors.coordinator, 50, 50)
    response = actors.client(actors.moderator).post(u("weighting_close", vote.board_id, vote.pk))
    assert response.status_code == 302
    vote.refresh_from_db()
    assert not vote.is_open and vote.closed_by == actors.moderator
    before = state()
    client = actors.client(actors.coordinator)
    url = u("weighting_ballot", vote.board_id, vote.pk, "luenen")
    response = client.post(
        url, ballot_post(vote.board, "90", "10", version=ballot.version), follow=True
    )
    assert "Die Abstimmung ist geschlossen." in response.content.decode()
    with pytest.raises(ValidationError, match="Die Abstimmung ist geschlossen"):
        cast(vote, actors.luenen, actors.coordinator, 90, 10, loaded_version=ballot.version)
    assert state() == before
    # closing twice says so
    response = actors.client(actors.moderator).post(
        u("weighting_close", vote.board_id, vote.pk), follow=True
    )
    assert "Die Abstimmung ist schon geschlossen." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "who", ["moderator", "expert", "observer", "coordinator", "staff", "other"]
)
def test_results_are_hidden_until_the_vote_closes(actors, vote, who):
    cast(vote, actors.luenen, actors.coordinator, 63, 37)
    cast(vote, actors.herten, actors.other, 41, 59)
    client = actors.client(getattr(actors, who))
    url = u("weighting_detail", vote.board_id, vote.pk)
    page = client.get(url).content.decode()
    assert "2 von 2 Kommunen" in page
    assert "weighting-outcome-table" not in page and "weighting-ballots-table" not in page
    assert ">41<" not in page  # Herten's points are nobody else's business yet
    vote.close(actors.moderator)
    page = client.get(url).content.decode()
    # means 52 and 48; range 41–63; σ 11
    assert "weighting-outcome-table" in page
    assert "52,0" in page and "48,0" in page and "41–63" in page and "11,0" in page
    assert "Herten" in page and ">41<" in page and ">59<" in page


@pytest.mark.django_db
def test_the_own_coordinator_sees_the_own_ballot_while_open(actors, vote):
    cast(vote, actors.luenen, actors.coordinator, 63, 37)
    page = actors.client(actors.coordinator).get(u("weighting_detail", vote.board_id, vote.pk))
    assert "Klima: 63" in page.content.decode()
    page = actors.client(actors.other).get(u("weighting_detail", vote.board_id, vote.pk))
    assert "Klima: 63" not in page.content.decode()


def _held_decision(
    actors, text="Die Gewichtung aus dem Workshop wird als Entwurf des Rasters übernommen."
):
    meeting = MeetingFactory(network=actors.network, kind="workshop", status="held")
    return Decision.objects.create(meeting=meeting, text=text)


@pytest.mark.django_db
def test_the_moderator_applies_the_result_to_a_new_draft_linked_to_the_decision(actors, data):
    vote = weighting.vote_open(
        board=data.board, title="Workshop", user=actors.moderator, with_thresholds=True
    )
    gold = data.board.levels.get(name="Gold")
    cast(vote, actors.luenen, actors.coordinator, 63, 37, thresholds={gold.pk: Decimal("70")})
    cast(vote, actors.herten, actors.other, 40, 60, thresholds={gold.pk: Decimal("65.5")})
    decision = _held_decision(actors)
    client = actors.client(actors.moderator)
    apply_url = u("weighting_apply", vote.board_id, vote.pk)
    response = client.get(apply_url, follow=True)  # still open: refused
    assert "erst nach dem Schließen" in response.content.decode()
    vote.close(actors.moderator)
    assert client.get(apply_url).status_code == 200
    response = client.post(apply_url, {"decision": decision.pk})
    draft = ScoringBoard.objects.get(series=data.board.series, status="draft")
    assert response.status_code == 302
    assert response["Location"] == u("board_detail", draft.pk)
    assert draft.revision == 2 and draft.from_vote == vote
    assert draft.adopted_by_decision == decision
    # means 51,5 and 48,5: equal remainders, the earlier group gets the unit
    assert [g.weight_pct for g in draft.groups.all()] == [Decimal(52), Decimal(48)]
    assert draft.levels.get(name="Gold").min_total_pct == Decimal("67.75")
    assert draft.levels.get(name="Bronze").min_total_pct == Decimal(30)  # no proposals
    # the active version is untouched
    assert [g.weight_pct for g in data.board.groups.all()] == [Decimal(50), Decimal(50)]
    page = client.get(u("board_detail", draft.pk)).content.decode()
    assert "Die Gewichte dieser Version stammen aus der Abstimmung „Workshop“." in page
    assert "Die Gewichtung aus dem Workshop wird als Entwurf des Rasters übernommen." in page
    # applying twice is refused and changes nothing
    before = state()
    response = client.post(apply_url, {"decision": decision.pk})
    assert "Das Ergebnis dieser Abstimmung ist schon übernommen." in response.content.decode()
    assert state() == before


@pytest.mark.django_db
def test_a_decision_of_another_network_or_no_ballots_are_refused(actors, data, vote):
    vote.close(actors.moderator)
    foreign = Decision.objects.create(
        meeting=MeetingFactory(network=actors.other_network, status="held"), text="Fremd"
    )
    client = actors.client(actors.moderator)
    before = state()
    url = u("weighting_apply", vote.board_id, vote.pk)
    response = client.post(url, {"decision": foreign.pk})
    assert "Dies ist keine gültige Auswahl." in response.content.decode()
    response = client.post(url, {"decision": _held_decision(actors).pk})
    assert "Es wurde keine Stimme abgegeben" in response.content.decode()
    assert state() == before


@pytest.mark.django_db
def test_a_draft_whose_groups_changed_is_refused(actors, data, vote):
    cast(vote, actors.luenen, actors.coordinator, 50, 50)
    vote.close(actors.moderator)
    from building import services

    draft = services.board_new_version(board=data.board)
    draft.groups.filter(code="W").update(name="Wirtschaftlichkeit")
    before = state()
    with pytest.raises(ValidationError, match="nicht mehr die, über die abgestimmt wurde"):
        weighting.vote_apply(vote=vote, decision=_held_decision(actors), user=actors.moderator)
    assert state()[4:] == before[4:]


@pytest.mark.django_db
def test_the_board_page_links_to_the_workshop(actors, data, vote):
    page = actors.client(actors.observer).get(u("board_detail", data.board.pk)).content.decode()
    assert u("weighting_list", data.board.pk) in page
    assert u("weighting_open", data.board.pk) not in page
    page = actors.client(actors.moderator).get(u("board_detail", data.board.pk)).content.decode()
    assert u("weighting_open", data.board.pk) in page


# --- queries -------------------------------------------------------------------------------------


def _members(actors, n):
    """`n` members in all (Lünen and Herten among them), each with a coordinator."""
    extra = []
    for i in range(n - 2):
        membership = MembershipFactory(
            network=actors.network,
            municipality=MunicipalityFactory(name=f"Stadt {i}", slug=f"stadt-{i}"),
        )
        user = UserFactory()
        RoleFactory(
            user=user, network=actors.network, kind=Role.Kind.COORDINATOR, membership=membership
        )
        extra.append((membership, user))
    return [(actors.luenen, actors.coordinator), (actors.herten, actors.other), *extra]


def _queries(client, url):
    client.get(url)  # sessions and caches warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.django_db
def test_the_detail_page_costs_the_same_for_2_and_6_ballots(actors, data):
    members = _members(actors, 6)
    gold = data.board.levels.get(name="Gold")
    client = actors.client(actors.moderator)
    counts = {}
    for n in (2, 6):
        vote = weighting.vote_open(
            board=data.board, title=f"Runde {n}", user=actors.moderator, with_thresholds=True
        )
        for membership, user in members[:n]:
            cast(vote, membership, user, 50, 50, thresholds={gold.pk: Decimal(60)})
        vote.close(actors.moderator)
        counts[n], page = _queries(client, u("weighting_detail", vote.board_id, vote.pk))
        assert f"{n} von 6 Kommunen" in page
        assert page.count("<td>") >= n
    assert counts[2] == counts[6], counts


@pytest.mark.django_db
def test_the_list_page_costs_the_same_for_2_and_6_votes(actors, data):
    from building import services

    board = data.board
    client = actors.client(actors.observer)
    url = u("weighting_list", data.board.pk)
    counts = {}
    for i in range(6):
        vote = weighting.vote_open(board=board, title=f"Runde {i}", user=actors.moderator)
        cast(vote, actors.luenen, actors.coordinator, 50, 50)
        vote.close(actors.moderator)
        if i % 2:  # every second one produced a version
            weighting.vote_apply(vote=vote, decision=_held_decision(actors), user=actors.moderator)
            board = services.board_activate(board=ScoringBoard.objects.get(from_vote=vote))
        if i + 1 in (2, 6):
            counts[i + 1], page = _queries(client, url)
            assert page.count("Runde ") == i + 1
            assert page.count("übernommen in Version") == (i + 1) // 2
    assert counts[2] == counts[6], counts


# --- the demo ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_workshop_produced_a_draft_adopted_by_a_decision(actors):
    from datetime import timedelta
    from types import SimpleNamespace

    from django.utils import timezone

    from building import demo, services
    from building.presets import KNN

    board = services.board_activate(
        board=services.board_create(network=actors.network, name="", preset=KNN.key)
    )
    held = MeetingFactory(
        network=actors.network,
        kind="workshop",
        status="held",
        starts_at=timezone.now() - timedelta(days=30),
    )
    seeded = SimpleNamespace(
        network=actors.network,
        memberships={"luenen": actors.luenen, "herten": actors.herten},
        users={"luenen": actors.coordinator, "herten": actors.other},
    )
    demo._weighting_workshop(seeded, board, actors.moderator)
    demo._weighting_workshop(seeded, board, actors.moderator)  # idempotent
    vote = WeightingVote.objects.get()
    assert not vote.is_open and vote.meeting == held and vote.opened_at == held.starts_at
    assert sorted(vote.ballots.values_list("membership__municipality__slug", flat=True)) == [
        "herten",
        "luenen",
    ]
    draft = ScoringBoard.objects.get(from_vote=vote)
    assert draft.status == "draft" and draft.revision == 2 and draft.series == board.series
    assert draft.adopted_by_decision.meeting == held
    assert draft.adopted_by_decision.text == demo.WORKSHOP_DECISION
    # Lünen K35 R20 G10 W25 P10, Herten K30 R15 G15 W30 P10: means 32,5 17,5 12,5 27,5 10;
    # floors sum to 98, the two units go to the equal remainders of the larger shares (K, W)
    assert [int(g.weight_pct) for g in draft.groups.all()] == [33, 17, 12, 28, 10]
    # Gold: Lünen proposes 75, Herten nothing; Silber: Lünen 60
    assert draft.levels.get(name="Gold").min_total_pct == Decimal(75)
    assert draft.levels.get(name="Silber").min_total_pct == Decimal(60)
