"""Procurement in a real browser: a criterion is agreed through two departments of Lünen
and the moderator's network matrix changes; every procurement page passes axe-core."""

from datetime import date

import pytest
from playwright.sync_api import expect

from procurement.models import Adoption, Criterion
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD, DepartmentFactory, RoleFactory, UserFactory
from tests.procurement.factories import (
    CriterionFactory,
    MilestoneFactory,
    ProductGroupFactory,
    RoadmapFactory,
    TenderFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def heading(page):
    return page.get_by_role("heading", level=1).inner_text()


def visit(page, path, title):
    page.goto(path)
    assert title in heading(page)
    assert_accessible(page)


def log_out(page):
    page.get_by_role("button", name="Abmelden").click()
    page.wait_for_url("**/konto/anmelden/")


def luenen_paper_cell(page):
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Lünen"))
    return row.first.get_by_role("cell").first.inner_text()


def test_criterion_agreed_through_two_departments(page, actors):
    group = ProductGroupFactory(network=actors.network, name="Papier", cpv_codes=["30197630"])
    criterion = CriterionFactory(
        network=actors.network,
        product_group=group,
        title="Recyclingpapier mit Blauem Engel",
        verification="Blauer Engel DE-UZ 14a",
    )
    it = DepartmentFactory(municipality=actors.luenen.municipality, name="IT und Digitalisierung")
    TenderFactory(membership=actors.luenen, product_group=group, title="Kopierpapier 2025")
    MilestoneFactory(
        roadmap=RoadmapFactory(membership=actors.luenen),
        title="Dienstanweisung anpassen",
        due_on=date(2024, 6, 30),
    )
    it_staff = UserFactory(email="it.luenen@example.org")
    RoleFactory(
        user=it_staff, network=actors.network, kind="staff", membership=actors.luenen, department=it
    )
    base = "/n/knn/beschaffung/"

    # The moderator's pages; the matrix shows nothing agreed yet.
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    visit(page, base, "Nachhaltige Beschaffung")
    visit(page, base + "katalog/", "Kriterienkatalog")
    page.get_by_role("link", name="Recyclingpapier mit Blauem Engel").click()
    assert heading(page) == "Recyclingpapier mit Blauem Engel"
    assert_accessible(page)
    visit(page, base + f"katalog/{criterion.pk}/bearbeiten/", "Kriterium bearbeiten")
    visit(page, base + "warengruppen/neu/", "Warengruppe anlegen")
    visit(page, base + "katalog/import/", "EU-GPP-Kriterien importieren")
    visit(page, base + "fahrplan-vorlage/", "Vorlage für Fahrpläne")
    visit(page, base + "fahrplan-vorlage/neu/", "Meilenstein anlegen")
    visit(page, base + "matrix/", "Stand der Mitglieder")
    assert luenen_paper_cell(page).startswith("0\u00a0%")
    log_out(page)

    # The coordinator starts the adoption and asks two departments.
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    visit(page, base + "kommunen/luenen/uebernahmen/", "Kriterien und Zustimmung – Lünen")
    # The select-all box (static/js/procurement.js) ticks every criterion of the group.
    page.get_by_label("Alle Kriterien der Warengruppe Papier auswählen").check()
    assert page.get_by_label("Recyclingpapier mit Blauem Engel").is_checked()
    page.get_by_label("Aktion").select_option("start")
    page.get_by_role("button", name="Ausführen").click()
    # starting asks first
    page.get_by_role("heading", name="Übernahme beginnen – Lünen").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, Übernahme beginnen").click()
    page.get_by_role("link", name="Recyclingpapier mit Blauem Engel").click()
    page.wait_for_url("**/uebernahmen/*/")
    assert_accessible(page)
    page.get_by_label("Zentrale Vergabestelle").check()
    page.get_by_label("IT und Digitalisierung").check()
    page.get_by_role("button", name="Zustimmung anfragen").click()
    expect(page.get_by_text("2 Fachbereiche angefragt.")).to_be_visible()
    assert Adoption.objects.get().status == "consultation"
    visit(page, base + "kommunen/luenen/ausschreibungen/", "Ausschreibungen – Lünen")
    visit(page, base + "kommunen/luenen/ausschreibungen/neu/", "Ausschreibung erfassen")
    visit(page, base + "kommunen/luenen/fahrplan/", "Fahrplan – Lünen")
    expect(page.get_by_role("table").get_by_text("überfällig").first).to_be_visible()
    visit(page, base + "kommunen/luenen/fahrplan/neu/", "Meilenstein anlegen")
    log_out(page)

    # Each department answers from its inbox.
    for user, department in ((actors.staff, "Zentrale Vergabestelle"), (it_staff, "IT und D")):
        log_in(page, user.email, TEST_PASSWORD)
        visit(page, base + "zustimmungen/", "Zustimmungen der Fachbereiche")
        card = page.locator("section.card", has_text=department)
        assert card.count() == 1
        card.get_by_label("Zustimmen").check()
        card.get_by_role("button", name="Antwort senden").click()
        expect(page.get_by_text("Ihre Antwort wurde gespeichert.")).to_be_visible()
        log_out(page)
    assert Adoption.objects.get().status == "agreed"
    assert Criterion.objects.get().adoptions.get().criterion_id == criterion.pk

    # The moderator's matrix now shows Lünen's paper criterion as agreed.
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    visit(page, base + "matrix/", "Stand der Mitglieder")
    assert luenen_paper_cell(page).startswith("100\u00a0%")
