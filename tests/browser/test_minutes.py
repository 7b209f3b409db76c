"""Minutes, decisions and action items in a real browser: the moderator writes the minutes
in Markdown, releases them, records a decision with its vote, edits it, gives a task to a
municipality (the owner choices follow the municipality, swapped in by htmx) and downloads
the PDF; a coordinator then reads the released minutes. axe-core, reflow at 320 CSS px and
control contrast on every page of the area."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from network.models import ActionItem, Decision, Meeting
from network.services import meetings as services
from tests.browser.conftest import assert_accessible, assert_page_fits, log_in
from tests.factories import TEST_PASSWORD, MeetingFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_minutes_decisions_and_tasks(page, actors):
    start = timezone.localtime() - timedelta(days=1)
    meeting = MeetingFactory(
        network=actors.network,
        title="Netzwerktreffen Bauen",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        status=Meeting.Status.HELD,
    )
    services.meeting_invite(meeting=meeting)
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations of data-confirm
    log_in(page, actors.moderator.email, TEST_PASSWORD)

    page.goto(f"/n/knn/termine/{meeting.pk}/")
    page.get_by_role("link", name="Protokoll bearbeiten").click()
    assert_page_fits(page)
    page.get_by_label("Protokoll").fill(
        "## Ergebnisse\n\nDie **Lebenszykluskosten** werden gewertet.\n\n- Werne rechnet vor"
    )
    page.get_by_role("button", name="Entwurf speichern").click()
    minutes = page.locator("section[aria-labelledby=minutes-heading]")
    assert "Entwurf" in minutes.inner_text()
    assert minutes.locator("strong", has_text="Lebenszykluskosten").count() == 1
    assert_page_fits(page)

    page.get_by_role("button", name="Protokoll freigeben").click()
    assert "Das Protokoll wurde freigegeben" in page.locator(".messages").inner_text()
    assert Meeting.objects.get(pk=meeting.pk).minutes_released

    # The decision's own page (where a refused form comes back) …
    detail = page.url
    page.goto(reverse("network:decision_create", args=["knn", meeting.pk]))
    assert_page_fits(page)
    # … and its form on the meeting's page, where it is written during the meeting.
    page.goto(detail)
    page.locator("#decision_text").fill("Lebenszykluskosten zählen 20 %.")
    page.get_by_label("Ja-Stimmen").fill("12")
    page.get_by_label("Nein-Stimmen").fill("0")
    page.get_by_label("Enthaltungen").fill("1")
    page.get_by_role("button", name="Beschluss speichern").click()
    decisions = page.locator("section[aria-labelledby=decisions-heading]")
    assert "Beschluss 1" in decisions.inner_text()
    assert (
        "Ja: 12, Nein: 0, Enthaltungen: 1 – einstimmig bei 1 Enthaltung" in decisions.inner_text()
    )

    page.get_by_role("link", name=re.compile(r"^bearbeiten\s*: Beschluss 1$")).click()
    assert_page_fits(page)
    page.get_by_label("Nein-Stimmen").fill("-2")
    page.get_by_role("button", name="Beschluss speichern").click()
    assert "Die Zahl der Stimmen kann nicht negativ sein." in page.content()
    assert_page_fits(page)
    page.get_by_label("Nein-Stimmen").fill("2")
    page.get_by_role("button", name="Beschluss speichern").click()
    assert Decision.objects.get().votes_no == 2
    page.get_by_role("link", name=re.compile(r"^Verlauf\s*: Beschluss 1$")).click()
    assert_page_fits(page)
    page.go_back()

    page.get_by_role("link", name=re.compile(r"^Aufgabe anlegen\s*zu Beschluss 1$")).click()
    assert_page_fits(page)
    owner = page.get_by_label("Verantwortlich")
    assert owner.locator(f"option[value='{actors.staff.pk}']").count() == 1
    page.get_by_label("Kommune").select_option(label="Herten")
    # htmx swaps in the owners of Herten: its coordinator, no longer Lünen's staff
    page.locator(f"#id_owner option[value='{actors.staff.pk}']").wait_for(state="detached")
    assert page.locator(f"#id_owner option[value='{actors.other.pk}']").count() == 1
    assert page.locator(f"#id_owner option[value='{actors.expert.pk}']").count() == 1
    assert_accessible(page)  # the swapped field, without reloading the form
    page.locator("#id_title").fill("Wirtschaftlichkeit rechnen")
    page.get_by_label("Verantwortlich").select_option(str(actors.other.pk))
    page.get_by_role("button", name="Aufgabe speichern").click()
    item = ActionItem.objects.get()
    assert (item.owner, item.membership) == (actors.other, actors.herten)

    page.goto(f"/n/knn/termine/{meeting.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Protokoll als PDF").click()
    day = timezone.localdate(meeting.starts_at)
    assert download.value.suggested_filename == f"Protokoll-KNN-{day:%Y-%m-%d}.pdf"

    page.context.clear_cookies()
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    page.goto(f"/n/knn/termine/{meeting.pk}/")
    minutes = page.locator("section[aria-labelledby=minutes-heading]")
    assert "Lebenszykluskosten" in minutes.inner_text() and "Entwurf" not in minutes.inner_text()
    assert page.get_by_role("link", name="Protokoll bearbeiten").count() == 0
    assert_page_fits(page)


def test_owner_choices_without_javascript(browser, live_server, actors):
    """With JavaScript off, „Verantwortliche für die gewählte Kommune anzeigen“ does what
    htmx does: the form comes back unsaved with the owners of the municipality chosen."""
    meeting = MeetingFactory(network=actors.network, status=Meeting.Status.HELD)
    decision = Decision.objects.create(meeting=meeting, text="Kriterien beschließen")
    context = browser.new_context(
        locale="de-DE", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, actors.moderator.email, TEST_PASSWORD)
        page.goto(f"/n/knn/termine/{meeting.pk}/beschluesse/{decision.pk}/aufgabe/")
        page.locator("#id_title").fill("Kriterien prüfen")
        page.get_by_label("Kommune").select_option(label="Herten")
        page.get_by_role("button", name="Verantwortliche für die gewählte Kommune anzeigen").click()
        page.wait_for_load_state()
        assert page.locator(f"#id_owner option[value='{actors.other.pk}']").count() == 1
        assert page.locator(f"#id_owner option[value='{actors.staff.pk}']").count() == 0
        assert page.locator("#id_title").input_value() == "Kriterien prüfen"
        assert not ActionItem.objects.exists()
        page.get_by_label("Verantwortlich").select_option(str(actors.other.pk))
        page.get_by_role("button", name="Aufgabe speichern").click()
        page.wait_for_load_state()
        assert ActionItem.objects.get().owner == actors.other
    finally:
        context.close()
