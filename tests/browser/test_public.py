"""The public pages in a real browser, as an anonymous visitor sees them: accessible (axe),
no sideways scrolling at 320 CSS px, controls that stand out by 3:1, and not one cookie."""

from datetime import date

import pytest

from network.models import FigureSnapshot
from network.models.public import Publication, Release
from tests.browser.conftest import assert_accessible
from tests.browser.test_contrast import CONTRAST_JS, MINIMUM
from tests.browser.test_reflow import OVERFLOW_JS
from tests.network import test_public_pages as pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

sections = pages.sections  # the test-only public sections


@pytest.fixture
def public(actors, sections):
    Publication.objects.create(
        network=actors.network, is_public=True, annual_report=pages.annual_report(actors.network)
    )
    Release.objects.create(
        membership=actors.luenen, section="tenders", released=True, approved=True
    )
    for quarter, (luenen, herten) in zip(
        (date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)),
        ((20.0, 30.0), (35.0, 45.0), (40.0, 60.0)),
        strict=True,
    ):
        for membership, value in ((actors.luenen, luenen), (actors.herten, herten)):
            FigureSnapshot.objects.create(
                membership=membership,
                section="procurement",
                key="roadmap_done_pct",
                period_end=quarter,
                value=value,
                label="Fahrplan erledigt",
                unit="%",
            )
    return ["/oeffentlich/knn/", "/oeffentlich/knn/luenen/", "/oeffentlich/knn/luenen/einbetten/"]


def test_the_public_pages_are_accessible_and_set_no_cookie(page, public):
    for url in public:
        response = page.goto(url)
        assert response.status == 200, url
        assert_accessible(page)
    page.goto("/oeffentlich/knn/")
    page.get_by_role("link", name="Lünen").click()
    page.get_by_role("heading", level=1, name="Lünen").wait_for()
    assert "Ausschreibungen von Lünen: 7 von 9" in page.content()
    assert page.context.cookies() == []


def test_no_public_page_scrolls_sideways_at_320_px(page, public):
    page.set_viewport_size({"width": 320, "height": 800})
    offenders = []
    for url in public:
        page.goto(url)
        result = page.evaluate(OVERFLOW_JS)
        if result["scroll"] > result["inner"] + 1:
            offenders.append(f"{url}: {result['scroll']} px {result['wide']}")
    assert not offenders, "\n".join(offenders)
    assert page.context.cookies() == []


def test_controls_of_the_public_pages_stand_out_by_3_to_1(page, public):
    low = []
    for url in public:
        page.goto(url)
        # The trend tables open on a click: their summary is the one control here.
        for control in page.evaluate(CONTRAST_JS):
            if control["ratio"] < MINIMUM:
                low.append(f"{url} {control['kind']} {control['ratio']}:1 {control['what']}")
    assert not low, "\n".join(low)
    assert page.context.cookies() == []


def test_release_approve_and_see_it_without_login(browser, live_server, actors, sections):
    """The coordinator of Lünen releases, the moderator confirms, an anonymous visitor
    reads it; the management page is accessible for both."""
    from tests.browser.conftest import log_in
    from tests.factories import TEST_PASSWORD

    Publication.objects.create(network=actors.network, is_public=True)

    def session():
        context = browser.new_context(
            locale="de-DE", base_url=live_server.url, reduced_motion="reduce"
        )
        page = context.new_page()
        page.set_default_timeout(15_000)
        return context, page

    context, page = session()
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    page.goto("/n/knn/oeffentlich/")
    assert_accessible(page)
    page.get_by_label("Ausschreibungen", exact=False).check()
    page.get_by_role("button", name="Freigaben speichern").click()
    page.get_by_text("wartet auf Bestätigung").first.wait_for()
    context.close()

    context, page = session()
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    page.goto("/n/knn/oeffentlich/")
    assert_accessible(page)
    page.get_by_role("button", name="Bestätigen").click()
    page.get_by_text("der Abschnitt ist öffentlich").wait_for()
    context.close()

    context, page = session()
    page.goto("/oeffentlich/knn/luenen/")
    assert "Ausschreibungen von Lünen: 7 von 9" in page.content()
    assert context.cookies() == []
    context.close()
