"""German numbers and dates are kept whatever the browser's locale (issue 10).

Office PCs often run an English Windows and Chromium. With `<input type="number">` an
en-US Chromium read „60,5“ kWp as 605 and refused „6.200.000“ €; the portal's number
fields are text now, read the German way on the server. Typed in an en-US and a de-DE
context, saved, and read back on the page and in the database.
"""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from building.models import BuildingProject
from procurement.models import Tender
from tests.browser.conftest import log_in
from tests.building.factories import ProjectFactory
from tests.factories import TEST_PASSWORD
from tests.procurement.factories import ProductGroupFactory, TenderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=["en-US", "de-DE"])
def localized_page(request, browser, live_server):
    context = browser.new_context(
        locale=request.param,
        base_url=live_server.url,
        reduced_motion="reduce",
        extra_http_headers={"Accept-Language": f"{request.param},en;q=0.8"},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def type_into(field, text):
    """Type key by key as a person does (fill() would set the value in one go)."""
    field.fill("")
    field.press_sequentially(text)


def test_project_form_keeps_german_decimals_and_thousands(localized_page, actors):
    page = localized_page
    project = ProjectFactory(membership=actors.luenen, name="Grundschule am Park")
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    page.goto(f"/n/knn/bauen/vorhaben/{project.pk}/bearbeiten/")
    pv = page.get_by_label("PV-Leistung (kWp)")
    type_into(pv, "60,5")
    type_into(page.get_by_label("Budget (€)"), "6.200.000")
    type_into(page.get_by_label("Datum des Bauantrags"), "24.11.2021")
    page.get_by_role("button", name="Speichern").first.click()
    expect(page.get_by_text("Das Bauvorhaben wurde gespeichert.")).to_be_visible()
    pv_field = page.goto(f"/n/knn/bauen/vorhaben/{project.pk}/bearbeiten/")
    assert pv_field.ok
    pv = page.get_by_label("PV-Leistung (kWp)")
    assert pv.get_attribute("type") == "text" and pv.get_attribute("inputmode") == "decimal"

    project.refresh_from_db()
    assert project.pv_peak_kw == Decimal("60.5")  # not 605
    assert project.budget_eur == Decimal("6200000")
    assert str(project.application_date) == "2021-11-24"
    # Shown back the German way in the form, whatever the browser's locale.
    expect(page.get_by_label("PV-Leistung (kWp)")).to_have_value("60,5")
    expect(page.get_by_label("Budget (€)")).to_have_value("6.200.000,00")
    expect(page.get_by_label("Datum des Bauantrags")).to_have_value("24.11.2021")


def test_tender_form_keeps_a_german_amount(localized_page, actors):
    page = localized_page
    group = ProductGroupFactory(network=actors.network, name="IT-Geräte")
    tender = TenderFactory(membership=actors.luenen, product_group=group, title="Monitore")
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    page.goto(f"/n/knn/beschaffung/kommunen/luenen/ausschreibungen/{tender.pk}/")
    type_into(page.get_by_label("Geschätzter Auftragswert (EUR)"), "420.000,00")
    page.get_by_role("button", name="Speichern").first.click()
    expect(page.get_by_text("Ausschreibung gespeichert.")).to_be_visible()

    assert Tender.objects.get(pk=tender.pk).estimated_value == Decimal("420000.00")
    expect(page.get_by_role("cell", name="420.000,00\u00a0€")).to_be_visible()
    assert BuildingProject.objects.count() == 0


def test_an_ambiguous_entry_is_refused_with_what_was_understood(localized_page, actors):
    page = localized_page
    project = ProjectFactory(membership=actors.luenen, name="Feuerwache", pv_peak_kw=10)
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    page.goto(f"/n/knn/bauen/vorhaben/{project.pk}/bearbeiten/")
    type_into(page.get_by_label("PV-Leistung (kWp)"), "60.5")
    page.get_by_role("button", name="Speichern").first.click()
    expect(page.get_by_text("„60.5“ ist nicht eindeutig").first).to_be_visible()
    expect(page.get_by_text("Meinten Sie 60,5?").first).to_be_visible()
    project.refresh_from_db()
    assert project.pv_peak_kw == Decimal("10")
