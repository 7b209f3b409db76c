"""Playwright with Debian's Chromium against Django's live server, plus an axe-core check."""

import os

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test
# itself are still plain synchronous code, so Django's guard is lifted for these tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(
            "Debian's chromium is missing: run `make test` as root or apt-get install chromium"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # Reduced motion switches off Bootstrap's colour transitions, so axe measures the
    # contrast of the final colours, not of a link halfway through a transition.
    context = browser.new_context(
        locale="de-DE",
        base_url=live_server.url,
        accept_downloads=True,
        reduced_motion="reduce",
    )
    # Any request to another host fails the test: the portal must load nothing from outside.
    foreign = []

    def guard(route):
        if route.request.url.startswith(live_server.url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not foreign, f"requests to other hosts: {foreign}"


def assert_accessible(page):
    """axe-core finds no WCAG 2.1 A/AA violation on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    # Never check a page that is still loading (after a click that navigates).
    page.wait_for_load_state("load")

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    assert not violations, f"{page.url}:\n" + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} – "
        + "; ".join(node["target"][0] for node in v["nodes"][:5])
        for v in violations
    )


def assert_page_fits(page):
    """The three checks every new page gets, on the page as it is: axe-core, then reflow at
    320 CSS px and the contrast of the controls (tests/browser/test_reflow.py and
    test_contrast.py say what they measure); the page is loaded again at its old size."""
    from tests.browser.test_contrast import CONTRAST_JS, MINIMUM
    from tests.browser.test_reflow import OVERFLOW_JS

    assert_accessible(page)
    url, size = page.url, page.viewport_size
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto(url)
    result = page.evaluate(OVERFLOW_JS)
    assert result["scroll"] <= result["inner"] + 1, (url, result)
    for control in page.evaluate(CONTRAST_JS):
        assert control["ratio"] >= MINIMUM, (url, control)
    page.set_viewport_size(size)
    page.goto(url)


def log_in(page, email, password, *, succeeds=True):
    page.goto("/konto/anmelden/")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    if succeeds:
        # The next page, not the login page still loading (a click returns before it).
        page.wait_for_url(lambda url: "/konto/anmelden/" not in url)
    else:
        page.wait_for_load_state()
