"""The moderator's figure table in a real browser: at 1366 px and at 320 px every figure is
a column, the table scrolls inside its own region (never the page), the municipality column
stays in view while it scrolls, and the explanation and rows pages pass axe.

Screenshots of the dashboard at both widths go to $SCREENSHOT_DIR when it is set."""

import os

import pytest
from django.core.management import call_command

from network.demo import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GEOMETRY_JS = """() => {
  const region = document.querySelector('.figure-table-region');
  const first = region.querySelector('tbody th');
  const before = first.getBoundingClientRect().left - region.getBoundingClientRect().left;
  region.scrollLeft = region.scrollWidth;
  const after = first.getBoundingClientRect().left - region.getBoundingClientRect().left;
  const columns = region.querySelectorAll('thead tr:nth-child(2) th').length;
  const groups = region.querySelectorAll('th[scope=colgroup]').length;
  region.scrollLeft = 0;
  return {
    page: document.documentElement.scrollWidth, inner: window.innerWidth,
    region: region.scrollWidth, visible: region.clientWidth,
    before, after, columns, groups,
  };
}"""


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses without debug
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False


@pytest.mark.parametrize("width", [1366, 320])
def test_figure_table_fits(page, live_server, demo, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, "moderator@example.org", DEMO_PASSWORD)
    page.goto("/n/knn/dashboard/")
    geometry = page.evaluate(GEOMETRY_JS)
    shots = os.environ.get("SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=os.path.join(shots, f"dashboard-{width}.png"), full_page=False)
    assert geometry["page"] <= geometry["inner"] + 1, geometry  # the page never scrolls sideways
    assert geometry["groups"] >= 3 and geometry["columns"] >= 15, geometry  # nothing hidden
    # The municipality column sticks to the left edge of the region while it scrolls.
    assert abs(geometry["after"] - geometry["before"]) <= 1, geometry
    if width == 320:
        assert geometry["region"] > geometry["visible"], geometry  # scrolls inside its region
    assert_accessible(page)


def test_rows_and_overdue_pages_are_accessible(page, live_server, demo):
    log_in(page, "moderator@example.org", DEMO_PASSWORD)
    page.goto("/n/knn/dashboard/")
    # Lünen's tender share by count: the rows behind it, with what each tender misses.
    page.locator('.figure-table-region a[href$="/kennzahl/tender_share_count_pct/luenen/"]').click()
    page.wait_for_load_state("load")
    assert "So wird die Kennzahl berechnet" in page.content()
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], "figure-rows.png"))
    assert_accessible(page)
    page.goto("/n/knn/dashboard/")
    page.get_by_role("link", name="Alle anzeigen").click()
    page.wait_for_load_state("load")
    assert "/ueberfaellig/" in page.url
    assert_accessible(page)
