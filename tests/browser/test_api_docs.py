"""The API's reference page in a browser: generated from the schema, accessible like every
page of the portal (axe, reflow at 320 px, control contrast), no cookie, nothing from
another host. Swagger UI, third-party, sits on a page of its own beside it."""

import pytest

from tests.browser.conftest import assert_accessible
from tests.browser.test_contrast import CONTRAST_JS, MINIMUM
from tests.browser.test_reflow import OVERFLOW_JS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_reference_lists_the_endpoints_and_is_accessible(page, live_server):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto("/api/docs/")
    assert response.status == 200
    table = page.get_by_role("table", name="Endpunkte der Schnittstelle")
    text = table.inner_text()
    assert "/api/netzwerke/" in text and "/api/netzwerke/{network_slug}/mitglieder/" in text
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    result = page.evaluate(OVERFLOW_JS)
    assert result["scroll"] <= result["inner"] + 1, result
    low = [c for c in page.evaluate(CONTRAST_JS) if c["ratio"] < MINIMUM]
    assert not low, low
    assert page.context.cookies() == []
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert page.get_by_role("link", name="Interaktive Ansicht (Swagger UI, braucht JavaScript)")
