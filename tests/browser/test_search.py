"""The header search in a real browser: reached and used with the keyboard alone, the
results page with axe-core, reflow at 320 CSS px and the contrast of its controls."""

import pytest

from network.models import Decision
from tests.browser.conftest import assert_accessible, log_in
from tests.browser.test_contrast import CONTRAST_JS, MINIMUM
from tests.browser.test_reflow import OVERFLOW_JS
from tests.building.factories import GuidelineFactory, ProjectFactory
from tests.factories import TEST_PASSWORD, MeetingFactory
from tests.procurement.factories import CriterionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page):
    result = page.evaluate(OVERFLOW_JS)
    assert result["scroll"] <= result["inner"] + 1, result


def controls_stand_out(page):
    low = [c for c in page.evaluate(CONTRAST_JS) if c["ratio"] < MINIMUM]
    assert not low, low


@pytest.fixture
def found(actors):
    network = actors.network
    for n in range(7):
        ProjectFactory(
            membership=actors.luenen,
            name=f"Kita Kämmereiweg {n}",
            address="Kämmereiweg 12, 44532 Lünen",
            description="Neubau einer Kindertagesstätte; die Kämmerei prüft die "
            "Lebenszykluskostenberechnung der Varianten mit Wärmepumpe und Photovoltaik.",
        )
    CriterionFactory(
        network=network,
        product_group__network=network,
        title="Lebenszykluskosten in der Wertung",
        description="Die Kämmerei rechnet die Kosten über die ganze Nutzungsdauer.",
    )
    GuidelineFactory(
        network=network,
        title="Wärmepumpen in Schulen",
        body="# Wärme\n\nDie **Kämmerei** gibt die Mittel frei.",
    )
    held = MeetingFactory(network=network, title="Netzwerktreffen Haushalt")
    Decision.objects.create(meeting=held, text="Die Kämmerei legt die Zahlen bis März vor.")


def test_the_header_search_with_the_keyboard(page, actors, found):
    log_in(page, actors.staff.email, TEST_PASSWORD)
    landmark = page.get_by_role("search")
    assert landmark.count() == 1
    field = landmark.get_by_role("searchbox", name="Suche in meinen Netzwerken")
    # From the top of the page, Tab by Tab (the skip link, the brand, the networks …).
    for _ in range(20):
        page.keyboard.press("Tab")
        if field.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the search field is not reached with the Tab key")
    page.keyboard.type("Kaemmerei")
    page.keyboard.press("Enter")
    page.wait_for_url("**/suche/?q=Kaemmerei")
    main = page.locator("main")
    assert page.get_by_role("heading", level=2, name="Bauvorhaben 7 Treffer").is_visible()
    assert page.get_by_role("heading", level=2, name="Kriterien 1 Treffer").is_visible()
    assert main.locator("mark", has_text="Kämmerei").first.is_visible()
    assert_accessible(page)
    controls_stand_out(page)

    page.get_by_role("link", name="Alle 7 anzeigen: Bauvorhaben").click()
    page.get_by_role("heading", level=1, name="Suche: Bauvorhaben").wait_for()
    assert main.locator("section ol > li").count() == 7
    assert_accessible(page)

    page.set_viewport_size({"width": 320, "height": 800})
    no_sideways_scroll(page)
    page.goto("/suche/?q=Kämmerei")
    no_sideways_scroll(page)
    # On a narrow screen the field is behind the navigation's toggle, and works there.
    page.get_by_role("button", name="Navigation umschalten").click()
    field.fill("Wärmepumpen")
    field.press("Enter")
    page.get_by_role("heading", level=2, name="Leitlinien 1 Treffer").wait_for()
    no_sideways_scroll(page)
    controls_stand_out(page)
    assert_accessible(page)


def test_messages_for_empty_and_fruitless_queries(page, actors, found):
    log_in(page, actors.staff.email, TEST_PASSWORD)
    page.goto("/suche/?q=")
    assert page.get_by_role("status").filter(has_text="Suchbegriff").is_visible()
    page.goto("/suche/?q=Zauberwort")
    assert page.get_by_role("status").filter(has_text="Keine Treffer").is_visible()
    assert_accessible(page)
