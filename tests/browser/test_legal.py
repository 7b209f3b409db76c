"""The legal pages in a real browser: reachable from the login page's footer, accessible
(axe), and the language switch works in one step, also without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_legal_pages_from_the_login_footer_are_accessible(page):
    page.goto("/konto/anmelden/")
    footer = page.get_by_role("navigation", name="Rechtliche Hinweise")
    for link, heading in [
        ("Impressum", "Impressum"),
        ("Datenschutz", "Datenschutzerklärung"),
        ("Barrierefreiheit", "Erklärung zur Barrierefreiheit"),
    ]:
        footer.get_by_role("link", name=link).click()
        page.get_by_role("heading", level=1, name=heading).wait_for()
        assert_accessible(page)
        footer = page.get_by_role("navigation", name="Rechtliche Hinweise")


def test_the_favicon_comes_from_the_portal(page):
    page.goto("/konto/anmelden/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(href)
    assert response.ok
    assert response.headers["content-type"].startswith("image/svg+xml")


def test_language_switch_in_one_step_without_javascript(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, locale="de-DE", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/barrierefreiheit/")
        english = page.get_by_role("button", name="English")
        assert english.get_attribute("lang") == "en"
        assert english.get_attribute("aria-pressed") == "false"
        english.click()
        # Back on the same page, now in English; the binding text stays German.
        expect(page.locator("html")).to_have_attribute("lang", "en")
        assert page.url.endswith("/barrierefreiheit/")
        assert page.locator("#language-label").inner_text() == "Language:"
        assert page.locator("main [lang=de]").count() == 1
        assert page.get_by_role("button", name="English").get_attribute("aria-pressed") == "true"
        page.get_by_role("button", name="Deutsch").click()
        expect(page.locator("html")).to_have_attribute("lang", "de")
    finally:
        context.close()


def test_language_switch_by_keyboard(page):
    page.goto("/konto/anmelden/")
    page.get_by_role("button", name="English").focus()
    page.keyboard.press("Enter")
    # Waits for the new page (wait_for_load_state could still see the old one).
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url.endswith("/konto/anmelden/")
