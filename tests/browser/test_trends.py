"""The trend charts (network.timeseries) in a real browser: axe, reflow at 320 CSS px, and
the table behind each chart."""

from datetime import date

import pytest

from network import timeseries
from procurement.models import Milestone
from tests.browser.conftest import assert_accessible, log_in
from tests.browser.test_reflow import OVERFLOW_JS
from tests.factories import TEST_PASSWORD
from tests.procurement.factories import MilestoneFactory, RoadmapFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def trends(actors):
    actors.network.started_on = date(2023, 1, 1)
    actors.network.save()
    MilestoneFactory(
        roadmap=RoadmapFactory(membership=actors.luenen),
        status=Milestone.Status.DONE,
        completed_on=date(2023, 5, 2),
    )
    timeseries.snapshots_backfill(network=actors.network, today=date(2025, 1, 10))
    return actors


@pytest.mark.parametrize("who", ["moderator", "coordinator"])
def test_trend_charts_accessible_and_reflow(page, trends, who):
    log_in(page, getattr(trends, who).email, TEST_PASSWORD)
    urls = [f"/n/{trends.network.slug}/dashboard/"]
    if who == "moderator":
        urls.append(f"/n/{trends.network.slug}/kommunen/luenen/")
    for url in urls:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(url)
        charts = page.locator("svg.trend-chart[role=img]")
        assert charts.count() >= 5
        first = page.locator("section[aria-labelledby=trends-title] details").first
        first.locator("summary").click()
        assert first.locator("tbody tr").count() == 8  # Q1 2023 … Q4 2024
        assert_accessible(page)
        page.set_viewport_size({"width": 320, "height": 800})
        page.goto(url)
        measured = page.evaluate(OVERFLOW_JS)
        assert measured["scroll"] <= measured["inner"], (url, measured["wide"])
