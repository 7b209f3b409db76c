from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_shows_network_in_german_and_accessible(page, actors):
    page.goto("/konto/anmelden/")
    assert_accessible(page)
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    # The personal start page (tests/browser/test_start_page.py), with the network linked.
    assert page.get_by_role("heading", level=1).inner_text() == "Meine Startseite"
    assert page.get_by_role("link", name="Kommunales Netzwerk Nachhaltigkeit").first.is_visible()
    assert page.locator("html").get_attribute("lang") == "de"
    assert_accessible(page)


def test_keyboard_only_login_and_skip_link(page, actors):
    """Log in and reach the content with the keyboard alone."""
    # The e-mail field has the focus when the login page opens: type, Tab, type, Enter.
    page.goto("/konto/anmelden/")
    page.keyboard.type(actors.coordinator.email)
    page.keyboard.press("Tab")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == "/")  # the personal start page
    # The first Tab reaches the skip link; Enter moves the focus to the content.
    page.keyboard.press("Tab")
    assert page.locator(":focus").inner_text() == "Zum Inhalt springen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Every element reached by Tab afterwards shows a visible focus outline.
    for _ in range(6):
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", page.evaluate("document.activeElement.outerHTML")
