"""Dashboards and reports in a real browser: request a report, watch the progress bar
poll until it is done, download the PDF; axe on every page of the area."""

import pytest
from django.utils import timezone

from network import progress
from network.models import Report
from network.sections import AttendanceSection
from network.services import reports as services
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD, ActionItemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(monkeypatch, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(progress, "sections", lambda: [AttendanceSection()])
    # No worker here: the job stays pending until the test builds it, so the page's
    # polling is what shows the result.
    sent = []

    def handed_to_a_broker(*, report_id):
        sent.append(report_id)
        Report.objects.filter(pk=report_id).update(sent_at=timezone.now())
        return True

    monkeypatch.setattr(services, "report_send", handed_to_a_broker)
    return sent


def test_dashboards_are_accessible(page, actors, setup):
    ActionItemFactory(network=actors.network, membership=actors.luenen, title="Fahrplan vorlegen")
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    page.goto("/n/knn/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Übersicht")
    page.get_by_role("link", name="Teilnahmequote (%)").click()
    page.wait_for_url("**sort=attendance_pct**")
    assert page.locator("th[aria-sort=ascending]").count() == 1
    assert_accessible(page)
    page.get_by_role("link", name="Lünen", exact=True).first.click()
    page.wait_for_url("**/kommunen/luenen/")

    page.context.clear_cookies()
    log_in(page, actors.staff.email, TEST_PASSWORD)
    page.goto("/n/knn/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Übersicht Lünen"
    assert page.get_by_text("Fahrplan vorlegen").count() >= 1
    assert_accessible(page)


def test_request_watch_and_download(page, actors, setup):
    log_in(page, actors.coordinator.email, TEST_PASSWORD)
    page.goto("/n/knn/berichte/")
    assert_accessible(page)
    page.get_by_label("Kommune").select_option(label="Lünen")
    page.get_by_role("button", name="Bericht anfordern").click()
    page.wait_for_url("**/berichte/*/")
    report = Report.objects.get()
    assert setup == [report.pk]
    assert page.locator("#report-status [role=status]").inner_text() == "wartet"
    assert page.locator("progress#report-progress").count() == 1
    assert_accessible(page)

    # The worker's part, while the page keeps polling.
    assert services.report_build(report_id=report.pk) == "done"
    download_link = page.get_by_role("link", name="PDF herunterladen")
    download_link.wait_for(timeout=15_000)  # htmx swapped the status in
    assert page.locator("progress#report-progress").count() == 0
    assert_accessible(page)
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"

    page.get_by_role("link", name="HTML-Vorschau mit den aktuellen Daten").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Fortschrittsbericht Lünen"
    assert_accessible(page)
