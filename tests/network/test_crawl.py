"""Every page reachable from the demo, for every kind of person: never a server error.

The crawler follows the links of each page (GET only, same site) starting from the start
page, as the moderator, a coordinator, a department's staff and the outsider, on the full
demo data of every installed app. It also sends each visited URL again with a broken
query string, which must be answered without a 500 as well.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from network.models import User

pytestmark = pytest.mark.django_db

SKIP_PREFIXES = ("/admin/", "/konto/abmelden/", "/static/", "/i18n/")
# Downloads and feeds are followed, but not parsed for links.
MAX_PAGES = 400


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def _crawl(client, start="/"):
    seen, queue, visited = {start}, deque([start]), []
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url, follow=True)
        visited.append((url, response.status_code))
        assert response.status_code < 500, f"{url} answered {response.status_code}"
        if "text/html" not in response.get("Content-Type", ""):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith(SKIP_PREFIXES) or path in seen:
                continue
            seen.add(path)
            queue.append(path)
    return visited


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses without debug
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False


@pytest.mark.parametrize(
    "email",
    [
        "moderator@example.org",
        "luenen@example.org",
        "vergabe.herten@example.org",
        "outsider@example.org",
    ],
)
def test_no_page_of_the_demo_gives_a_server_error(demo, email):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(email=email))
    visited = _crawl(client)
    assert len(visited) > 5, visited
    # The same pages with a malformed query string: filters and pagers must cope.
    for url, status in visited[:60]:
        if status != 200:
            continue
        broken = f"{url}{'&' if '?' in url else '?'}page=x&sort=%00&status=unbekannt&jahr=abc"
        response = client.get(broken)
        assert response.status_code < 500, f"{broken} answered {response.status_code}"


def test_outsider_reaches_nothing_of_the_knn(demo):
    client = Client()
    client.force_login(User.objects.get(email="outsider@example.org"))
    visited = _crawl(client)
    assert all("/n/knn/" not in url for url, _ in visited)
    assert client.get("/n/knn/").status_code == 404
