"""Building in a real browser: score a project, see the rating, compare two variants; axe
on every building page."""

import re

import pytest
from playwright.sync_api import expect

from building import services
from building.models import Assessment, BuildingSettings
from tests.browser.conftest import assert_accessible, log_in
from tests.building.factories import (
    GuidelineFactory,
    ProjectFactory,
    gas_and_heat_pump,
    small_board,
)
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def building(actors):
    BuildingSettings.objects.create(
        network=actors.network, discount_rate_pct=0, period_years=20, co2_price_eur_per_t=0
    )
    board = small_board(actors.network)
    project = ProjectFactory(membership=actors.luenen, name="Grundschule am Park")
    gas_and_heat_pump(project)
    guideline = GuidelineFactory(network=actors.network, title="Leitlinie Wärme")
    guideline.criteria.set(board.groups.get(code="K").criteria.all())
    return board, project, guideline


def test_member_scores_a_project_sees_the_rating_and_compares_variants(page, actors, building):
    board, project, _guideline = building
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    page.goto("/n/knn/")  # login lands on the personal start page
    page.get_by_role("link", name="Bauen").first.click()
    page.get_by_role("heading", name="Nachhaltiges Bauen").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Grundschule am Park").click()
    page.get_by_role("heading", name="Grundschule am Park").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Bewertung beginnen").click()
    # creating the draft asks first (a page of its own, no JavaScript needed)
    page.get_by_role("heading", name=re.compile("Bewertung beginnen:")).wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, Bewertung anlegen").click()

    page.get_by_role("heading", name=re.compile("Punkte vergeben")).wait_for()
    assert_accessible(page)
    fields = page.get_by_label("Punkte (0–100)")
    fields.nth(0).fill("100")  # K1
    fields.nth(1).fill("100")  # K2
    fields.nth(2).fill("50")  # W1
    page.get_by_label("Begründung").nth(1).fill("Wärmepumpe mit Erdsonden")
    page.get_by_role("button", name="Punkte speichern").last.click()  # also at the top

    # Klima 100 %, Kosten 50 % → 75 % → Gold, but provisional until finalised
    page.locator("#total-pct").wait_for()
    assert page.locator("#total-pct").inner_text() == "75,0\u00a0%"
    assert "vorläufig: Gold" in page.locator("#rating").inner_text()
    assert_accessible(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Zur Prüfung einreichen").click()
    page.get_by_text("Die Bewertung ist zur Prüfung eingereicht.").wait_for()
    assert Assessment.objects.get(project=project).rating == ""  # four eyes: not yet
    assert_accessible(page)
    # The moderation reviews and accepts; only now is the level awarded.
    url = page.url
    page.context.clear_cookies()
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    page.goto(url)
    assert_accessible(page)
    page.get_by_role("button", name="Bewertung bestätigen").click()
    page.get_by_text("Die Bewertung ist bestätigt; die Bewertungsstufe ist vergeben.").wait_for()
    assert page.locator("#rating").inner_text() == "Gold"
    assert Assessment.objects.get(project=project).rating == "Gold"
    page.context.clear_cookies()
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    page.goto(url)

    page.get_by_role("link", name="Zurück zum Bauvorhaben").click()
    page.get_by_role("link", name="Wirtschaftlichkeit und Sensitivität ansehen").click()
    page.get_by_role("heading", name="Sensitivität").wait_for()
    assert_accessible(page)
    row = page.get_by_role("row", name=re.compile("^Wärmepumpe"))
    assert "500\u00a0€" in row.inner_text()
    assert "geringste CO₂-Emissionen" in row.inner_text()
    gas = page.get_by_role("row", name=re.compile("^Gaskessel"))
    assert "günstigste" in gas.inner_text()  # 30.000 € against 38.000 €
    expect(
        page.get_by_text(
            "vermeidet CO₂ gegenüber der Referenz am günstigsten – sie kostet 500\u00a0€ je "
            "vermiedener Tonne."
        )
    ).to_be_visible()

    # the forms of a member: project, variant
    for link in ("Variante anlegen",):
        page.get_by_role("link", name=link).click()
        page.get_by_role("heading", name=link).wait_for()
        assert_accessible(page)
    page.goto(f"/n/knn/bauen/vorhaben/{project.pk}/bearbeiten/")
    assert_accessible(page)
    page.goto(f"/n/knn/bauen/vorhaben/{project.pk}/varianten/{project.variants.first().pk}/")
    assert_accessible(page)
    page.goto("/n/knn/bauen/vorhaben/neu/")
    assert_accessible(page)
    page.goto("/n/knn/bauen/vergleich/")
    page.get_by_role("heading", name="Rangfolge nach Gesamterfüllungsgrad").wait_for()
    assert "Grundschule am Park" in page.get_by_role("table").first.inner_text()
    assert_accessible(page)


def test_moderator_pages_are_accessible(page, actors, building):
    board, project, guideline = building
    draft = services.board_new_version(board=board)
    group = draft.groups.first()
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    for url in (
        "/n/knn/bauen/raster/",
        f"/n/knn/bauen/raster/{board.pk}/",
        f"/n/knn/bauen/raster/{draft.pk}/",
        f"/n/knn/bauen/raster/{draft.pk}/bearbeiten/",
        f"/n/knn/bauen/raster/{draft.pk}/gruppen/{group.pk}/",
        f"/n/knn/bauen/raster/{draft.pk}/kriterien/neu/",
        f"/n/knn/bauen/raster/{draft.pk}/stufen/neu/",
        "/n/knn/bauen/raster/neu/",
        "/n/knn/bauen/einstellungen/",
        "/n/knn/bauen/leitlinien/",
        f"/n/knn/bauen/leitlinien/{guideline.pk}/",
        f"/n/knn/bauen/leitlinien/{guideline.pk}/bearbeiten/",
        "/n/knn/bauen/leitlinien/neu/",
        f"/n/knn/bauen/vorhaben/{project.pk}/",
    ):
        page.goto(url)
        page.get_by_role("heading", level=1).first.wait_for()
        assert_accessible(page)
    # an empty draft shows its problems; the board page keeps working by keyboard
    page.goto(f"/n/knn/bauen/raster/{draft.pk}/")
    page.get_by_role("link", name="Kriteriengruppe hinzufügen").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Kriteriengruppe").fill("Zusatz")
    page.get_by_label("Gewicht (%)").fill("10")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_text("ergeben 110 %, nicht 100 %").wait_for()
    assert_accessible(page)
