"""Issue 10 in a real browser: the grouped criteria picker (filter, live count, keyboard,
following the tender's product group), the project form in sections, the glossary — each
page passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from building.models import BuildingSettings
from procurement.models import Adoption, Milestone, Tender
from tests.browser.conftest import assert_accessible, log_in
from tests.building.factories import ProjectFactory, small_board
from tests.factories import TEST_PASSWORD
from tests.procurement.factories import (
    AdoptionFactory,
    CriterionFactory,
    MilestoneFactory,
    ProductGroupFactory,
    RoadmapFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def criteria(actors):
    paper = ProductGroupFactory(network=actors.network, name="Papier", position=1)
    it = ProductGroupFactory(network=actors.network, name="IT-Geräte", position=2)
    return {
        "paper": paper,
        "it": it,
        "recycled": CriterionFactory(
            network=actors.network, product_group=paper, title="Recyclingpapier"
        ),
        "monitors": CriterionFactory(
            network=actors.network, product_group=it, title="Energieeffiziente Monitore"
        ),
        "notebooks": CriterionFactory(
            network=actors.network, product_group=it, title="Langlebige Notebooks"
        ),
    }


def count_text(page):
    return page.locator("#id_criteria_count").inner_text()


def test_the_milestone_picker_filters_by_keyboard_and_keeps_what_is_ticked(page, actors, criteria):
    milestone = MilestoneFactory(
        roadmap=RoadmapFactory(membership=actors.luenen), title="Dienstanweisung"
    )
    milestone.criteria.add(criteria["recycled"])
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    page.goto(f"/n/knn/beschaffung/kommunen/luenen/fahrplan/{milestone.pk}/")
    page.get_by_role("group", name="Papier").wait_for()
    assert page.get_by_role("group", name="IT-Geräte").is_visible()
    assert count_text(page) == "3 von 3 angezeigt, 1 ausgewählt"
    assert_accessible(page)

    search = page.get_by_label(re.compile("^Kriterien filtern"))
    search.focus()
    page.keyboard.type("monitor")
    expect(page.locator("#id_criteria_count")).to_have_text("1 von 3 angezeigt, 1 ausgewählt")
    expect(page.locator("#id_criteria_count")).to_have_attribute("aria-live", "polite")
    assert not page.get_by_role("group", name="Papier").is_visible()
    assert not page.get_by_label(re.compile("^Langlebige Notebooks")).is_visible()
    page.keyboard.press("Enter")  # filtering, not sending the form
    assert Milestone.objects.get().version == milestone.version
    assert_accessible(page)

    page.keyboard.press("Tab")  # the first box still shown
    assert page.evaluate("document.activeElement.labels[0].textContent").startswith(
        "Energieeffiziente Monitore"
    )
    page.keyboard.press("Space")
    expect(page.locator("#id_criteria_count")).to_have_text("1 von 3 angezeigt, 2 ausgewählt")

    search.focus()
    page.keyboard.press("Escape")
    expect(page.locator("#id_criteria_count")).to_have_text("3 von 3 angezeigt, 2 ausgewählt")
    # the box ticked before filtering is still ticked, hidden or not
    assert page.get_by_label(re.compile("^Recyclingpapier")).is_checked()
    page.get_by_role("button", name="Speichern").first.click()
    page.get_by_text("Meilenstein gespeichert.").wait_for()
    assert set(Milestone.objects.get().criteria.all()) == {
        criteria["recycled"],
        criteria["monitors"],
    }


def test_the_tender_picker_shows_the_chosen_product_group(page, actors, criteria):
    for key in ("recycled", "monitors", "notebooks"):
        AdoptionFactory(
            membership=actors.luenen, criterion=criteria[key], status=Adoption.Status.AGREED
        )
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    page.goto("/n/knn/beschaffung/kommunen/luenen/ausschreibungen/neu/")
    page.get_by_role("group", name="Papier").wait_for()
    page.get_by_role("combobox", name=re.compile("^Warengruppe")).select_option(label="IT-Geräte")
    expect(page.get_by_role("group", name="Papier")).to_be_hidden()
    expect(page.locator("#id_applied_criteria_count")).to_have_text(
        "2 von 3 angezeigt, 0 ausgewählt"
    )
    assert_accessible(page)
    page.get_by_label(re.compile("^Energieeffiziente Monitore")).check()
    page.get_by_label("Titel").fill("Bildschirme 2026")
    page.get_by_label("Geschätzter Auftragswert (EUR)").fill("48.000")
    page.get_by_label("Verfahren").select_option(label="Direktauftrag")
    page.get_by_label("Veröffentlicht am").fill("02.03.2026")
    page.get_by_role("button", name="Speichern").first.click()
    page.get_by_text("Ausschreibung gespeichert.").wait_for()
    assert list(Tender.objects.get().applied_criteria.all()) == [criteria["monitors"]]


def test_the_project_form_in_sections_and_the_assessment_question(page, actors):
    BuildingSettings.objects.create(
        network=actors.network, discount_rate_pct=0, period_years=20, co2_price_eur_per_t=0
    )
    board = small_board(actors.network)
    project = ProjectFactory(membership=actors.luenen, name="Kita Süd")
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    page.goto(f"/n/knn/bauen/vorhaben/{project.pk}/bearbeiten/")
    for legend in ("Stammdaten", "Gebäude", "Energie", "Termine"):
        expect(page.get_by_role("group", name=legend)).to_be_visible()
    heating = page.get_by_role("group", name="Energie").get_by_label("Heizung", exact=True)
    assert "für Rechtsprüfung" in heating.evaluate(
        "el => document.getElementById(el.getAttribute('aria-describedby').split(' ')[0])"
        ".textContent"
    )
    assert_accessible(page)

    page.goto(f"/n/knn/bauen/vorhaben/{project.pk}/")
    page.get_by_role("button", name="Bewertung beginnen").click()
    page.get_by_role("button", name="Ja, Bewertung anlegen").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Ja, Bewertung anlegen").click()
    page.get_by_role("heading", name=re.compile("Punkte vergeben")).wait_for()
    page.get_by_role("link", name="Abbrechen").first.click()
    finalise = page.get_by_role("button", name="Zur Prüfung einreichen")
    expect(finalise).to_be_disabled()
    expect(finalise).to_have_accessible_description(re.compile("Noch nicht möglich"))
    assert board.pk
    assert_accessible(page)


def test_the_glossary_opens_by_keyboard(page, actors, criteria):
    AdoptionFactory(membership=actors.luenen, criterion=criteria["recycled"])
    log_in(page, actors.observer.email, TEST_PASSWORD)
    page.goto("/n/knn/beschaffung/kommunen/luenen/uebernahmen/")
    summary = page.get_by_text("Was bedeuten die Status?")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Fachbereiche sind um Zustimmung gebeten")).to_be_visible()
    assert_accessible(page)
