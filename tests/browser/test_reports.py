"""Dashboards and reports in a real browser: request a report, watch the progress bar
poll until it is done, download the PDF; axe on every page of the area.

The accessible HTML version of both kinds of report (BITV 2.0: the alternative to the
PDF) and its preview with today's data: axe, reflow at 320 px, contrast of links, of the
„Werte als Tabelle“ disclosure and of focus outlines, keyboard use, and the German numbers
of the PDF in an English browser."""

import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from network import progress, timeseries
from network.models import FigureSnapshot, Report
from network.progress import Period
from network.sections import AttendanceSection
from network.services import reports as services
from tests.browser.conftest import assert_accessible, log_in
from tests.browser.test_reflow import OVERFLOW_JS
from tests.factories import TEST_PASSWORD, ActionItemFactory

# The data that fills every part of a report, worked by hand there.
from tests.network.test_report_summary import small_network  # noqa: F401

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

    page.get_by_role("link", name="Vorschau mit den aktuellen Daten", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Fortschrittsbericht Lünen"
    assert_accessible(page)


# --- the accessible HTML version ---------------------------------------------------------

SHOTS = Path("/tmp/shots-report-html")
TITLES = {
    Report.Kind.MUNICIPALITY: "Fortschrittsbericht Lünen",
    Report.Kind.ANNUAL: "Erfolgsbilanz",
}
TREND = "Kriterien zugestimmt im Verlauf"

# The focused element: its text colour and its focus outline against what is behind it
# (WCAG 2.1 SC 1.4.3 and 1.4.11). contrast.js measures the boundaries of form controls; a
# report has none, so links, the disclosure and the table regions are measured here.
FOCUS_JS = """() => {
  const el = document.activeElement;
  const parse = (text) => {
    const m = text.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return {r: 0, g: 0, b: 0, a: 0};
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const over = (top, below) => ({
    r: top.r * top.a + below.r * (1 - top.a), g: top.g * top.a + below.g * (1 - top.a),
    b: top.b * top.a + below.b * (1 - top.a), a: 1,
  });
  const channel = (v) => {
    v /= 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((a, b) => b - a);
    return Math.round((hi + 0.05) / (lo + 0.05) * 100) / 100;
  };
  const backdrop = (node) => {
    const layers = [];
    for (; node; node = node.parentElement) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg.a > 0) layers.push(bg);
      if (bg.a >= 1) break;
    }
    const white = {r: 255, g: 255, b: 255, a: 1};
    return layers.reverse().reduce((below, top) => over(top, below), white);
  };
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const kind = el.matches('.table-responsive') ? 'region' : el.tagName.toLowerCase();
  const behind = backdrop(el.parentElement);
  const outline = over(parse(style.outlineColor), behind);
  el.dataset.tabStop ||= document.querySelectorAll('[data-tab-stop]').length;
  return {
    kind,
    what: `${kind} "${(el.innerText || '').trim().slice(0, 40)}"`,
    text: ratio(over(parse(style.color), backdrop(el)), backdrop(el)),
    // The outline lies outside the element (outline-offset): on what is behind it.
    outline: style.outlineStyle === 'none' ? 0 : ratio(outline, behind),
    width: parseFloat(style.outlineWidth),
    inMain: !!el.closest('main'),
    id: el.dataset.tabStop,
  };
}"""

# Headings and table captions whose words are split across two lines (overflow-wrap
# breaks a word only when it does not fit the line at all).
BROKEN_WORDS_JS = """() => {
  const broken = [];
  for (const el of document.querySelectorAll('h1, h2, h3, h4, caption, summary')) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(`${el.tagName.toLowerCase()}: ${match[0]}`);
      }
    }
  }
  return broken;
}"""


def quarter_ends_before(today, count):
    ends, day = [], timeseries.quarter_start(today) - timedelta(days=1)
    for _ in range(count):
        ends.append(day)
        day = timeseries.quarter_start(day) - timedelta(days=1)
    return ends[::-1]


@pytest.fixture(params=[Report.Kind.MUNICIPALITY, Report.Kind.ANNUAL])
def report(request, small_network, settings, tmp_path):  # noqa: F811 - the fixture above
    """A done report of each kind, built for real: its PDF and its stored HTML version.

    Three quarter ends of „Kriterien zugestimmt“ draw a trend chart with its values
    table: Lünen 1, 2, 3 and Herten 0, 1, 1, so the middle of the first quarter is 0,5."""
    actors = small_network
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    ends = quarter_ends_before(today, 3)
    for membership, values in [(actors.luenen, (1, 2, 3)), (actors.herten, (0, 1, 1))]:
        for end, value in zip(ends, values, strict=True):
            FigureSnapshot.objects.create(
                membership=membership,
                section="procurement",
                key="criteria_agreed",
                label="Kriterien zugestimmt",
                period_end=end,
                value=value,
            )
    kind = request.param
    period = (
        Period.year(today.year)
        if kind == Report.Kind.ANNUAL
        else Period(today.replace(month=1, day=1), today)
    )
    built = Report.objects.create(
        network=actors.network,
        membership=actors.luenen if kind == Report.Kind.MUNICIPALITY else None,
        kind=kind,
        period_start=period.start,
        period_end=period.end,
        year=period.end.year,
        number=1,
        requested_by=actors.coordinator,
    )
    assert services.report_build(report_id=built.pk) == "done"
    built.refresh_from_db()
    built.quarters = [timeseries.quarter_label(end) for end in ends]
    return built


def urls_of(report):
    base = f"/n/knn/berichte/{report.pk}/"
    return {"html": base + "html/", "preview": base + "vorschau/"}


def open_all_details(page):
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")


def tab_stops(page, limit=300):
    """Press Tab from the top of the page until the focus comes round again."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(FOCUS_JS)
        if stop is None or any(seen["id"] == stop["id"] for seen in stops):
            return stops
        stops.append(stop)
    raise AssertionError(f"no end after {limit} tab stops")


def test_html_version_and_preview_pass_axe(page, actors, report):
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    page.goto(f"/n/knn/berichte/{report.pk}/")
    page.get_by_role("link", name="Barrierefreie HTML-Fassung").click()
    page.wait_for_url("**/html/")
    assert page.get_by_role("heading", level=1).inner_text().startswith(TITLES[report.kind])
    assert page.get_by_text("mit denselben Zahlen wie die PDF-Datei").count() == 1
    assert_accessible(page)
    # The values behind the trend charts, hidden until opened: axe skips hidden content.
    summaries = page.locator("summary", has_text="Werte als Tabelle")
    assert summaries.count() >= 1
    for index in range(summaries.count()):
        summaries.nth(index).click()
    assert page.get_by_role("table", name=TREND).is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Zurück zum Bericht im Portal").click()
    page.wait_for_url(f"**/berichte/{report.pk}/")
    page.get_by_role("link", name="Vorschau mit den aktuellen Daten", exact=True).click()
    page.wait_for_url("**/vorschau/")
    assert page.get_by_text("Vorschau mit den aktuellen Daten").count() == 1
    assert_accessible(page)


def test_no_sideways_scrolling_at_320_px(page, actors, report):
    """WCAG 2.1 SC 1.4.10. Full-page screenshots at 1280 and 320 px for a look by eye."""
    SHOTS.mkdir(exist_ok=True)
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    for name, url in urls_of(report).items():
        for width in (1280, 320):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(url)
            page.screenshot(path=SHOTS / f"{report.kind}-{name}-{width}.png", full_page=True)
            for details in ("closed", "open"):
                if details == "open":
                    open_all_details(page)
                result = page.evaluate(OVERFLOW_JS)
                where = f"{url} at {width} px, details {details}"
                assert result["scroll"] <= result["inner"] + 1, f"{where}: {result}"
                assert not result["wide"], f"{where}: {result}"
                assert page.evaluate(BROKEN_WORDS_JS) == [], where
            # What does not fit scrolls in its own region, which the keyboard reaches and
            # whose caption (its name) stays readable inside it.
            regions = page.evaluate(
                """() => [...document.querySelectorAll('.table-responsive')].map((r) => ({
                  wider: r.scrollWidth > r.clientWidth + 1, tabindex: r.getAttribute('tabindex'),
                  caption: r.querySelector('caption').getBoundingClientRect().width,
                  width: r.clientWidth}))"""
            )
            assert regions and all(r["tabindex"] == "0" for r in regions)
            assert all(r["caption"] <= r["width"] + 1 for r in regions), (url, width, regions)
            if width == 320:
                assert any(r["wider"] for r in regions), "no table scrolls: test the narrow case"
            # The charts shrink with the window.
            charts = page.evaluate(
                "() => [...document.querySelectorAll('svg')]"
                ".map((svg) => svg.getBoundingClientRect().right)"
            )
            assert charts and max(charts) <= width


def test_links_disclosure_and_focus_outlines_stand_out(page, actors, report):
    """Text of links and of „Werte als Tabelle“ 4.5:1 (SC 1.4.3), focus outline 3:1 and at
    least 2 px (SC 1.4.11, 2.4.7), for every stop the Tab key reaches."""
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    for url in urls_of(report).values():
        page.goto(url)
        stops = tab_stops(page)
        kinds = {stop["kind"] for stop in stops}
        assert {"a", "summary", "region"} <= kinds, (url, kinds)
        low = [
            f"{stop['what']}: text {stop['text']}:1, outline {stop['outline']}:1 {stop['width']} px"
            for stop in stops
            if (stop["kind"] in {"a", "summary"} and stop["text"] < 4.5)
            or stop["outline"] < 3
            or stop["width"] < 2
        ]
        assert not low, f"{url}:\n" + "\n".join(low)


def test_skip_link_and_values_table_with_the_keyboard(page, actors, report):
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    # Lünen 1 and Herten 0 at the first quarter end: the middle is 0,5.
    expected = ["1", "0,5"] if report.kind == Report.Kind.MUNICIPALITY else ["0,5"]
    for url in urls_of(report).values():
        page.goto(url)
        page.keyboard.press("Tab")
        skip = page.locator(":focus")
        assert skip.inner_text() == "Zum Inhalt springen", url
        box = skip.bounding_box()
        assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0, "shown on focus"
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "main", url
        # On from main: past the bar above it, to the table of contents.
        page.keyboard.press("Tab")
        first = page.evaluate(FOCUS_JS)
        assert first["inMain"] and first["kind"] == "a", first

        # On with Tab to the first „Werte als Tabelle“; Enter and Space open it.
        summary = page.locator("summary", has_text="Werte als Tabelle").first
        values = page.get_by_role("table", name=TREND)
        for _ in range(100):
            if summary.evaluate("el => el === document.activeElement"):
                break
            page.keyboard.press("Tab")
        assert summary.evaluate("el => el === document.activeElement"), url
        assert not values.is_visible()
        page.keyboard.press("Enter")
        assert values.is_visible()
        page.keyboard.press("Enter")
        assert not values.is_visible()
        page.keyboard.press("Space")
        assert values.is_visible()
        first_row = values.locator("tbody tr").first.locator("th, td").all_inner_texts()
        assert first_row == [report.quarters[0], *expected], url


def flat(text):
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_an_english_browser_shows_the_german_numbers_of_the_pdf(
    browser, live_server, actors, report, tmp_path
):
    """The report is a German document: an en-US browser changes none of its numbers."""
    pdf = tmp_path / "bericht.pdf"
    pdf.write_bytes(report.file.read())
    pdf_text = flat(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    context = browser.new_context(
        locale="en-US",
        base_url=live_server.url,
        reduced_motion="reduce",
        extra_http_headers={"Accept-Language": "en-US,en;q=0.8"},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page, actors.moderator.email, TEST_PASSWORD)
        today = timezone.localdate().strftime("%d.%m.%Y")
        for url in urls_of(report).values():
            page.goto(url)
            assert page.evaluate("() => navigator.language") == "en-US"
            assert page.locator("html").get_attribute("lang") == "de"
            sentences = [flat(t) for t in page.locator("#summary .headlines li").all_inner_texts()]
            facts = [flat(t) for t in page.locator(".cover-facts dd").all_inner_texts()]
            assert sentences and facts
            for text in sentences + facts:
                assert text in pdf_text, f"{url}: „{text}“ is not in the PDF"
            assert any(re.search(r"\(\d+ %\)", s) for s in sentences), sentences
            assert re.fullmatch(r"\d\d\.\d\d\.\d{4} – \d\d\.\d\d\.\d{4}", facts[0])
            assert today in facts
            open_all_details(page)
            values = page.get_by_role("table", name=TREND).inner_text()
            assert "0,5" in values and "0.5" not in values
            body = page.locator("body").inner_text()
            assert not re.search(r"\d{1,2}/\d{1,2}/\d{4}", body), "an English date"
    finally:
        context.close()


def test_the_report_is_german_whatever_the_portal_language(page, actors, report, live_server):
    """A report is a German document for a council: the preview stays German with the
    English portal language too, and its <html lang> says so (WCAG 2.1 SC 3.1.1)."""
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    url = urls_of(report)["preview"]
    written = []
    for language in ("de", "en"):
        page.context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page.goto(url)
        written.append(
            (
                page.locator("html").get_attribute("lang"),
                page.locator("#summary-title").inner_text(),
            )
        )
    assert written == [("de", "Das Wichtigste in Kürze")] * 2
