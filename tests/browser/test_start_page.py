"""The personal start page in a real browser: axe-core, reflow at 320 CSS px and the way
from the overdue count to the full list."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.conftest import assert_accessible, log_in
from tests.browser.test_reflow import OVERFLOW_JS
from tests.factories import TEST_PASSWORD, ActionItemFactory, AttendanceFactory, MeetingFactory
from tests.procurement.factories import (
    AdoptionFactory,
    DepartmentApprovalFactory,
    MilestoneFactory,
    RoadmapFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scroll(page):
    result = page.evaluate(OVERFLOW_JS)
    assert result["scroll"] <= result["inner"] + 1, result


def test_start_page_and_overdue_list(page, actors):
    today = timezone.localdate()
    roadmap = RoadmapFactory(membership=actors.luenen)
    for n in range(3):
        MilestoneFactory(
            roadmap=roadmap,
            title=f"Beschaffungsrichtlinie der Stadtverwaltung überarbeiten, Schritt {n}",
            due_on=today - timedelta(days=n + 1),
            department=actors.luenen_department,
        )
    MilestoneFactory(
        roadmap=roadmap,
        title="Schulung der Beschaffenden",
        due_on=today + timedelta(days=9),
        department=actors.luenen_department,
    )
    DepartmentApprovalFactory(
        adoption=AdoptionFactory(
            membership=actors.luenen, criterion__title="Recyclingpapier mit Blauem Engel"
        ),
        department=actors.luenen_department,
    )
    ActionItemFactory(network=actors.network, owner=actors.staff, title="Protokoll gegenlesen")
    AttendanceFactory(
        meeting=MeetingFactory(network=actors.network, title="Netzwerktreffen Wärmeplanung"),
        user=actors.staff,
        membership=actors.luenen,
    )
    log_in(page, actors.staff.email, TEST_PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text() == "Meine Startseite"
    waiting = page.get_by_role("heading", name="Wartet auf mich")
    assert waiting.is_visible()
    assert page.get_by_role(
        "link", name="Zentrale Vergabestelle: Recyclingpapier mit Blauem Engel"
    ).first.is_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    no_sideways_scroll(page)

    page.get_by_role("link", name="Alle überfälligen anzeigen").click()
    page.get_by_role("heading", level=1, name="Überfällig").wait_for()
    assert "3 Einträge" in page.locator("main").inner_text()
    no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    assert_accessible(page)


def test_moderator_sees_the_counts_of_their_network(page, actors):
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    page.get_by_role("heading", name="Meine moderierten Netzwerke").wait_for()
    assert page.get_by_role("link", name="Berichte in Arbeit: 0").first.is_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    no_sideways_scroll(page)
