import pytest

from tests.browser.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_shows_network_in_german_and_accessible(page, actors):
    page.goto("/konto/anmelden/")
    assert_accessible(page)
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    # One network only: the start page leads straight to it.
    assert page.get_by_role("heading", level=1).inner_text() == "Kommunales Netzwerk Nachhaltigkeit"
    assert page.locator("html").get_attribute("lang") == "de"
    assert_accessible(page)
