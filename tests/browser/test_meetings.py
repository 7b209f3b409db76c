"""The moderator's path through meetings in a real browser, with axe-core on every page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from network.models import Attendance, Meeting
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_moderator_plans_and_records_a_meeting(page, actors, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    log_in(page, actors.moderator.email, TEST_PASSWORD)

    page.goto("/n/knn/termine/")
    assert page.get_by_role("heading", level=1).inner_text() == "Termine"
    assert_accessible(page)

    page.get_by_role("link", name="Termin anlegen").click()
    assert_accessible(page)
    # Yesterday's meeting, so that attendance can be recorded right away.
    start = (timezone.localtime() - timedelta(days=1)).replace(hour=10, minute=0)
    page.get_by_label("Art").select_option("workshop")
    page.get_by_label("Thema").fill("Workshop Sanierung Rathaus")
    page.get_by_label("Beginn").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ende").fill((start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ort", exact=True).fill("Rathaus Lünen")
    page.get_by_label("Lünen").check()
    page.get_by_role("button", name="Termin speichern").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Workshop Sanierung Rathaus"
    assert_accessible(page)

    page.get_by_role("link", name="Tagesordnungspunkt hinzufügen").click()
    assert_accessible(page)
    page.get_by_label("Tagesordnungspunkt").fill("Begrüßung")
    page.get_by_label("Dauer (Minuten)").fill("20")
    page.get_by_role("button", name="Speichern und weiteren hinzufügen").click()
    page.get_by_label("Tagesordnungspunkt").fill("Rundgang Heizungskeller")
    page.get_by_label("Dauer (Minuten)").fill("50")
    page.get_by_role("button", name="Tagesordnungspunkt speichern").click()

    agenda = page.locator("section[aria-labelledby=agenda-heading]")
    assert "Begrüßung" in agenda.inner_text() and "Rundgang Heizungskeller" in agenda.inner_text()
    assert "Geplant: 70 Minuten von 60 Minuten Termindauer" in agenda.inner_text()
    assert "länger als der Termin" in agenda.inner_text()

    # The invitation page (prep): preview, everyone not yet invited ticked, then send.
    page.get_by_role("link", name="Beteiligte einladen").click()
    assert_accessible(page)
    page.get_by_role("button", name="Einladung senden").click()
    assert "Personen wurden eingeladen." in page.locator(".messages").inner_text()
    page.get_by_role("link", name="Teilnahme erfassen").click()
    assert_accessible(page)
    # One radio group per person (prep), instead of a select.
    page.locator("fieldset", has_text=str(actors.coordinator)).get_by_label("teilgenommen").check()
    page.locator("fieldset", has_text=str(actors.staff)).get_by_label("entschuldigt").check()
    page.get_by_role("button", name="Teilnahme speichern").click()
    assert "Die Teilnahme wurde gespeichert." in page.locator(".messages").inner_text()
    assert_accessible(page)

    meeting = Meeting.objects.get(title="Workshop Sanierung Rathaus")
    assert meeting.status == Meeting.Status.HELD
    assert dict(meeting.attendances.values_list("user__email", "status")) == {
        actors.moderator.email: Attendance.Status.INVITED,
        actors.expert.email: Attendance.Status.INVITED,
        actors.coordinator.email: Attendance.Status.ATTENDED,
        actors.staff.email: Attendance.Status.EXCUSED,
    }

    page.goto("/n/knn/termine/kalender/")
    assert_accessible(page)
    feed_url = page.get_by_label("Ihre Kalender-Adresse").input_value()
    response = page.request.get(feed_url)
    assert response.ok
    assert response.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(response.body()).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Workshop Sanierung Rathaus"]
    assert str(events[0]["uid"]) == str(meeting.uid)
    assert "Rundgang Heizungskeller" in str(events[0]["description"])

    page.goto(f"/n/knn/termine/{meeting.pk}/verlauf/")
    assert "Workshop Sanierung Rathaus" in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)
