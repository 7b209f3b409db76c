"""Preparing and holding a meeting in a real browser: the agenda reordered by htmx (focus
and announcement), the invitation page with preview, guests and a personal message, the
attendance page with the one-click button, a guest at the door and the signature list.
axe-core, reflow at 320 CSS px and control contrast on every page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from network.models import Attendance, Guest
from tests.browser.conftest import assert_accessible, assert_page_fits, log_in
from tests.factories import TEST_PASSWORD, AgendaItemFactory, MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_prepare_invite_and_hold_a_meeting(page, actors):
    start = timezone.localtime().replace(second=0, microsecond=0) + timedelta(days=7)
    meeting = MeetingFactory(
        network=actors.network,
        title="Netzwerktreffen Bauen",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        location="Rathaus Unna",
    )
    for n, title in enumerate(["Begrüßung", "Bericht Lünen", "Ausblick"]):
        AgendaItemFactory(meeting=meeting, title=title, position=n, duration_minutes=30)
    log_in(page, actors.moderator.email, TEST_PASSWORD)

    page.goto(f"/n/knn/termine/{meeting.pk}/")
    agenda = page.locator("#agenda")
    first = f"{start:%H:%M}–{start + timedelta(minutes=30):%H:%M}"
    assert first in agenda.inner_text()
    assert_page_fits(page)

    # Reordering without a reload: the page stays, the focus stays on the moved item.
    page.evaluate("window.notReloaded = true")
    page.get_by_role("button", name=re.compile(r"^nach unten\s*: Begrüßung$")).click()
    page.locator("#agenda-status", has_text="„Begrüßung“ ist jetzt Punkt 2 von 3.").wait_for()
    assert page.evaluate("window.notReloaded") is True
    rows = page.locator("#agenda tbody tr").all_inner_texts()
    assert ["Bericht Lünen" in rows[0], "Begrüßung" in rows[1]] == [True, True]
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.startswith("nach unten") and "Begrüßung" in focused
    page.keyboard.press("Enter")  # once more, from the keyboard
    page.locator("#agenda-status", has_text="Punkt 3 von 3").wait_for()
    assert "Begrüßung" in page.locator("#agenda tbody tr").nth(2).inner_text()
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.startswith("nach oben") and "Begrüßung" in focused  # at the end now
    assert list(meeting.agenda_items.values_list("title", flat=True)) == [
        "Bericht Lünen",
        "Ausblick",
        "Begrüßung",
    ]
    assert_accessible(page)

    page.get_by_role("link", name="Beteiligte einladen").click()
    assert_page_fits(page)
    assert page.get_by_label(str(actors.coordinator)).is_checked()
    page.get_by_label(str(actors.staff)).uncheck()
    page.get_by_label("Persönliche Nachricht").fill("Bitte bringen Sie Ihre Zahlen mit.")
    page.get_by_label("Gäste ohne Zugang zum Portal").fill(
        "Eva Weber, Energieagentur, weber@example.org"
    )
    page.get_by_role("button", name="Vorschau aktualisieren").click()
    preview = page.locator("section[aria-labelledby=preview-heading]")
    assert "Bitte bringen Sie Ihre Zahlen mit." in preview.inner_text()
    assert not page.get_by_label(str(actors.staff)).is_checked()  # the choice is kept
    assert_accessible(page)  # (check() would reload the page and lose the choice)
    page.get_by_role("button", name="Einladung senden").click()
    assert "Personen wurden eingeladen." in page.locator(".messages").inner_text()
    invited = set(meeting.attendances.values_list("user__email", flat=True))
    assert actors.coordinator.email in invited and actors.staff.email not in invited
    assert Guest.objects.get().email == "weber@example.org"

    # The coordinator answers with a remark; then the meeting begins.
    page.context.clear_cookies()
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    page.goto(f"/n/knn/termine/{meeting.pk}/")
    page.get_by_label("Bemerkung (freiwillig)").fill("komme später")
    page.get_by_role("button", name="Zusagen").click()
    assert "Sie haben zugesagt." in page.locator(".messages").inner_text()
    assert_page_fits(page)
    begun = timezone.now() - timedelta(minutes=10)
    type(meeting).objects.filter(pk=meeting.pk).update(
        starts_at=begun, ends_at=begun + timedelta(hours=3)
    )

    page.context.clear_cookies()
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    page.goto(f"/n/knn/termine/{meeting.pk}/teilnahme/")
    assert "komme später" in page.content()
    assert_page_fits(page)
    page.get_by_role("button", name="Alle Zugesagten als teilgenommen (1)").click()
    assert "1 zugesagte Person als teilgenommen erfasst." in page.locator(".messages").inner_text()
    row = meeting.attendances.get(user=actors.coordinator)
    assert row.status == Attendance.Status.ATTENDED
    table = page.locator("table", has_text="Teilnahme je Kommune")
    assert "vertreten" in table.locator("tr", has_text="Lünen").inner_text()

    page.locator("fieldset", has_text=str(actors.expert)).get_by_label("teilgenommen").check()
    page.get_by_role("button", name="Teilnahme speichern").click()
    assert "Die Teilnahme wurde gespeichert." in page.locator(".messages").inner_text()
    assert meeting.attendances.get(user=actors.expert).status == Attendance.Status.ATTENDED

    page.goto(f"/n/knn/termine/{meeting.pk}/teilnahme/")
    page.get_by_label("Name").fill("Jan Roth")
    page.get_by_label("Organisation").fill("Stadtwerke")
    page.get_by_role("button", name="Gast eintragen").click()
    assert "Jan Roth (Stadtwerke) wurde als Gast eingetragen." in page.content()
    assert_page_fits(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Unterschriftenliste (PDF)").click()
    day = timezone.localtime(begun).date()
    assert download.value.suggested_filename == f"Unterschriftenliste-knn-{day:%Y-%m-%d}.pdf"
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"  # noqa: SIM115
