"""The weighting workshop in a real browser: the moderator opens a vote from the board's
page, a coordinator types a ballot that does not add up (and is told the sum), then a
valid one; the results stay hidden until the moderator closes the vote, then the mean,
the spread and every ballot are shown, and the result goes into a new draft version
linked to a meeting decision. axe-core, reflow at 320 CSS px and control contrast on
every page of the workshop."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from building.models import Ballot, ScoringBoard, WeightingVote
from network.models import Decision, Meeting
from tests.browser.conftest import assert_page_fits, log_in
from tests.building.factories import small_board
from tests.factories import TEST_PASSWORD, MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_to(page, user):
    page.context.clear_cookies()
    log_in(page, user.email, TEST_PASSWORD)


def test_a_weighting_workshop_from_the_vote_to_the_draft(page, actors):
    board = small_board(actors.network)
    start = timezone.localtime() - timedelta(days=1)
    workshop = MeetingFactory(
        network=actors.network,
        kind=Meeting.Kind.WORKSHOP,
        title="Workshop Bewertungsraster",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        status=Meeting.Status.HELD,
    )
    decision = Decision.objects.create(
        meeting=workshop,
        text="Die Gewichtung aus dem Workshop wird als Entwurf des Rasters übernommen.",
    )
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations of data-confirm

    # The moderator opens the vote from the board's page.
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    page.goto(f"/n/knn/bauen/raster/{board.pk}/")
    page.get_by_role("link", name="Abstimmung öffnen").click()
    page.get_by_role("heading", name="Gewichtungsabstimmung öffnen").wait_for()
    assert_page_fits(page)
    page.get_by_label("Titel").fill("Gewichtung im Workshop")
    page.get_by_label("Workshop").select_option(value=str(workshop.pk))
    page.get_by_label("Auch über die Schwellen der Bewertungsstufen abstimmen").check()
    page.get_by_role("button", name="Abstimmung öffnen").click()
    page.get_by_role("heading", name=re.compile("Gewichtung im Workshop")).wait_for()
    assert_page_fits(page)
    vote = WeightingVote.objects.get()

    # Lünen's coordinator: a ballot of 90 points is refused with its sum, 100 is taken.
    switch_to(page, actors.coordinator)
    page.goto(f"/n/knn/bauen/raster/{board.pk}/gewichtung/{vote.pk}/")
    page.get_by_role("link", name="Stimme für Lünen abgeben").click()
    page.get_by_role("heading", name=re.compile("Stimme von Lünen")).wait_for()
    assert_page_fits(page)
    page.get_by_label("Klima (Punkte)").fill("60")
    page.get_by_label("Kosten (Punkte)").fill("30")
    page.get_by_role("button", name="Stimme speichern").click()
    page.locator("#form-errors").get_by_text("Die Punkte ergeben zusammen 90 statt 100.").wait_for()
    assert_page_fits(page)
    assert not Ballot.objects.exists()
    # check() reloaded the page: the form is empty again
    page.get_by_label("Klima (Punkte)").fill("60")
    page.get_by_label("Kosten (Punkte)").fill("40")
    page.get_by_label("Gold: Mindest-Gesamterfüllungsgrad (%)").fill("62,5")
    page.get_by_role("button", name="Stimme speichern").click()
    page.get_by_text("Ihre Stimme ist gespeichert.").wait_for()
    assert "Klima: 60" in page.content()

    # Herten votes too; nobody sees the other's points while the vote is open.
    switch_to(page, actors.other)
    page.goto(f"/n/knn/bauen/raster/{board.pk}/gewichtung/{vote.pk}/stimme/herten/")
    page.get_by_label("Klima (Punkte)").fill("41")
    page.get_by_label("Kosten (Punkte)").fill("59")
    page.get_by_role("button", name="Stimme speichern").click()
    page.get_by_text("Ihre Stimme ist gespeichert.").wait_for()
    assert page.locator("#voted-count").inner_text() == "2 von 2 Kommunen"
    assert "Klima: 60" not in page.content()
    assert page.locator("#weighting-outcome-table").count() == 0

    # The moderator closes the vote: mean, spread and every ballot are shown.
    switch_to(page, actors.moderator)
    page.goto(f"/n/knn/bauen/raster/{board.pk}/gewichtung/{vote.pk}/")
    page.get_by_role("button", name="Abstimmung schließen").click()
    page.get_by_text("Die Abstimmung ist geschlossen; das Ergebnis ist sichtbar.").wait_for()
    klima = page.locator("#weighting-outcome-table").get_by_role("row", name=re.compile("^Klima"))
    assert re.search(
        r"50,5.*41–60.*9,5.*51\xa0%", klima.inner_text().replace("\n", " ").replace("\t", " ")
    )
    ballots = page.locator("#weighting-ballots-table")
    assert "Herten" in ballots.inner_text() and "59" in ballots.inner_text()
    assert_page_fits(page)

    page.get_by_role("link", name="Ergebnis übernehmen").click()
    page.get_by_role("heading", name=re.compile("Ergebnis übernehmen")).wait_for()
    assert_page_fits(page)
    assert "Gewichtung aus dem Workshop" in page.get_by_label("Beschluss").inner_text()
    page.get_by_label("Beschluss").select_option(value=str(decision.pk))
    page.get_by_role("button", name="Ergebnis übernehmen").click()
    page.get_by_text(re.compile("Das Ergebnis ist in den Entwurf Version 2 übernommen")).wait_for()
    draft = ScoringBoard.objects.get(series=board.series, status="draft")
    assert [int(g.weight_pct) for g in draft.groups.all()] == [51, 49]
    assert "Die Gewichte dieser Version stammen aus der Abstimmung" in page.content()
    assert_page_fits(page)

    page.goto(f"/n/knn/bauen/raster/{board.pk}/gewichtung/")
    assert "übernommen in Version 2" in page.get_by_role("table").inner_text()
    assert_page_fits(page)
