"""Reflow (WCAG 2.1 SC 1.4.10, BITV 2.0): at 320 CSS px no page of the portal scrolls
sideways. Wide tables scroll inside their own labelled container, never the page.

The crawl logs in as the moderator of the demo network (who sees every page), follows the
same-site links of each page breadth-first and measures every page it reaches. URLs that
differ only in their ids or query values share a pattern; a few of each pattern are
measured, so the crawl covers every kind of page without visiting all 400 of the demo.
"""

import re
from collections import Counter, deque
from datetime import date
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.utils import timezone

from network.demo import DEMO_PASSWORD
from network.models import Network, Report
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 320
# Logout is a POST; admin, static files and the language switch are not portal pages.
SKIP_PREFIXES = ("/admin/", "/konto/abmelden/", "/static/", "/i18n/")
# Downloads are not pages: CSV exports, PDFs, calendar feeds, uploaded documents.
# The API (JSON and its third-party documentation UI) is no page of the portal's own.
SKIP_PATTERNS = re.compile(
    r"(\.ics$|\.csv$|\.json$|\.pdf$|/pdf/$|/csv/|/export|/dokumente/\d+/$|format=csv|^/api/)"
)
PER_PATTERN = 2
MAX_PAGES = 250
# Pages no link leads to from the start page of a logged-in moderator.
ANONYMOUS_PAGES = [
    "/konto/anmelden/",
    "/konto/passwort-vergessen/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
    "/konto/einladung/abgelaufen-oder-falsch-0000/",
    "/konto/passwort-neu/x/abgelaufen-0000/",
]

OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 1
                  && !el.closest('.table-responsive, .visually-hidden, .visually-hidden-focusable'))
    .slice(0, 3)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
               + (el.className && typeof el.className === 'string'
                  ? '.' + el.className.trim().split(/\\s+/).join('.') : ''));
  return {scroll: document.documentElement.scrollWidth, inner: width, wide};
}"""


def pattern(path):
    """The kind of page: numbers and slugs of the path replaced, query values dropped."""
    parts = urlsplit(path)
    shape = re.sub(r"/\d+(?=/|$)", "/<id>", parts.path)
    shape = re.sub(r"^/n/[^/]+/", "/n/<net>/", shape)
    shape = re.sub(r"/kommunen/[^/]+/", "/kommunen/<kommune>/", shape)
    # The rows behind each member's key figure: one kind of page, whatever figure and member.
    shape = re.sub(r"/kennzahl/[^/]+/[^/]+/", "/kennzahl/<key>/<kommune>/", shape)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return shape + ("?" + "&".join(keys) if keys else "")


def measure(page, url, offenders):
    response = page.goto(url)
    if response is None or "text/html" not in (response.headers.get("content-type") or ""):
        return False
    result = page.evaluate(OVERFLOW_JS)
    if result["scroll"] > result["inner"] + 1:
        offenders.append(f"{url}: {result['scroll']} px > {result['inner']} px {result['wide']}")
    return True


def links_of(page, origin):
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    for href in hrefs:
        parts = urlsplit(urljoin(page.url, href))
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        yield parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses without debug
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False
    # The demo builds two reports; one more finished and a failed one of this year give
    # every state of the report pages, numbered after the demo's.
    knn = Network.objects.get(slug="knn")
    today = timezone.localdate()
    taken = Report.objects.filter(network=knn, year=today.year).count()
    for number, status in enumerate((Report.Status.DONE, Report.Status.FAILED), start=taken + 1):
        Report.objects.create(
            network=knn,
            membership=knn.memberships.first(),
            kind=Report.Kind.MUNICIPALITY,
            period_start=date(today.year, 1, 1),
            period_end=today,
            year=today.year,
            number=number,
            status=status,
            progress=100,
            error="Zeitüberschreitung beim Erstellen" if status == Report.Status.FAILED else "",
        )


def test_no_page_scrolls_sideways_at_320_px(page, live_server, demo):
    page.set_viewport_size({"width": WIDTH, "height": 800})
    offenders, measured = [], []
    for url in ANONYMOUS_PAGES:
        measure(page, url, offenders)
        measured.append(url)

    log_in(page, "moderator@example.org", DEMO_PASSWORD)
    origin = live_server.url
    per_pattern = Counter()
    # The demo network first: it has the most data, so its pages stand for their pattern.
    seen, queue = {"/n/knn/", "/"}, deque(["/n/knn/", "/"])
    while queue and len(measured) < MAX_PAGES:
        url = queue.popleft()
        if not measure(page, url, offenders):
            continue
        measured.append(url)
        for path in links_of(page, origin):
            if path in seen or path.startswith(SKIP_PREFIXES) or SKIP_PATTERNS.search(path):
                continue
            seen.add(path)
            kind = pattern(path)
            if per_pattern[kind] >= PER_PATTERN:
                continue
            per_pattern[kind] += 1
            queue.append(path)

    print(f"\n{len(measured)} pages of {len(per_pattern)} patterns measured at {WIDTH} px")
    assert len(per_pattern) > 40, sorted(per_pattern)
    assert not offenders, f"{len(offenders)} of {len(measured)} pages scroll sideways:\n" + (
        "\n".join(offenders)
    )
