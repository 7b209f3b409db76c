"""The collegial consultation in a real browser: a coordinator brings a case and asks the
round, the moderation schedules it, writes nothing for the owner and takes the conclusion
over as a guideline draft; axe-core, reflow at 320 CSS px and control contrast on every
page of the area."""

from datetime import timedelta

import pytest
from django.utils import timezone

from building.models import Guideline
from network.access import get_access
from network.exchange import services
from network.models import AgendaItem, Case, Contribution
from tests.browser.conftest import assert_page_fits, log_in
from tests.factories import TEST_PASSWORD, MeetingFactory
from tests.procurement.factories import CriterionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Die Kämmerei lehnt Lebenszykluskosten in der Wertung ab"


def check(page, seen):
    assert_page_fits(page)
    seen.append(page.url)


def test_a_case_from_presentation_to_a_guideline_draft(page, actors):
    seen = []
    CriterionFactory(network=actors.network, title="Lebenszykluskosten bei der Wertung")
    planned = MeetingFactory(
        network=actors.network,
        title="7. Netzwerktreffen",
        starts_at=timezone.now() + timedelta(days=14),
    )
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    page.goto("/n/knn/")
    page.get_by_role("link", name="Fallberatung").first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "Fallberatung"
    check(page, seen)

    page.get_by_role("link", name="Fall einbringen").click()
    check(page, seen)
    page.locator("#id_title").fill(TITLE)
    page.get_by_label("Fallvorstellung (Markdown)").fill(
        "Die Kämmerei will nur den **Anschaffungspreis** werten."
    )
    page.get_by_label("Lebenszykluskosten bei der Wertung").check()
    page.get_by_role("button", name="Fall einbringen").click()
    assert page.get_by_role("heading", level=1).inner_text() == TITLE
    assert "Anschaffungspreis" in page.locator("strong").all_inner_texts()
    check(page, seen)

    page.get_by_role("button", name="Phase „Fallvorstellung“ schließen").click()
    page.get_by_role("button", name="Phase „Verständnisfragen“ eröffnen").click()
    assert "ist eröffnet" in page.locator(".messages").inner_text()
    page.get_by_label("Ihr Beitrag").fill("Welche Produktgruppen betrifft es?")
    page.get_by_role("button", name="Frage stellen").click()
    assert "Ihr Beitrag wurde gespeichert." in page.locator(".messages").inner_text()
    assert Contribution.objects.get().phase == "questions"
    check(page, seen)

    # The others speak, the phases move on (through the services the views call).
    case = Case.objects.get()
    expert = get_access(actors.expert, "knn")
    case.close_phase("questions")
    case.open_phase("ideas")
    services.contribution_add(access=expert, case=case, text="Der Leitfaden WU Hochbau hilft.")
    case.close_phase("ideas")
    case.open_phase("conclusion")

    page.goto(f"/n/knn/fallberatung/{case.pk}/")
    assert (
        "Expertin/Experte" in page.locator(f"#beitrag-{case.contributions.last().pk}").inner_text()
    )
    page.get_by_role("link", name="Fazit schreiben").click()
    check(page, seen)
    page.get_by_label("Fazit (Markdown)").fill("Wir starten mit einem Pilot.")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("button", name="Fall abschließen").click()
    assert "Der Fall ist abgeschlossen." in page.locator(".messages").inner_text()
    check(page, seen)

    page.context.clear_cookies()
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    page.goto(f"/n/knn/fallberatung/{case.pk}/")
    page.get_by_role("button", name="Als Leitlinien-Entwurf übernehmen").click()
    guideline = Guideline.objects.get(from_case=case)
    assert guideline.status == "draft"
    page.locator("#ergebnis").get_by_role("link", name=guideline.title).click()
    assert "Entstanden aus der Fallberatung:" in page.content()
    page.goto(f"/n/knn/fallberatung/{case.pk}/verlauf/")
    check(page, seen)

    # A second case goes on the agenda of the next meeting.
    running = services.case_bring(
        access=get_access(actors.staff, "knn"),
        membership=actors.luenen,
        title="PV auf dem Denkmal",
        description="x",
        confidentiality="network",
        link_values=[],
    )
    page.goto(f"/n/knn/fallberatung/{running.pk}/")
    page.get_by_role("link", name="Auf die Tagesordnung setzen").click()
    check(page, seen)
    page.get_by_label("Termin").select_option(str(planned.pk))
    page.get_by_label("Dauer (Minuten)").fill("45")
    page.get_by_role("button", name="Auf die Tagesordnung setzen").click()
    assert AgendaItem.objects.get(case=running).duration_minutes == 45
    page.get_by_role("link", name="zum Fall").click()
    assert page.get_by_role("heading", level=1).inner_text() == "PV auf dem Denkmal"
    assert len(seen) == 8
