"""Non-text contrast (WCAG 2.1 SC 1.4.11, BITV 2.0): every form control stands out from
what is behind it by at least 3:1, measured in the browser.

For each visible, enabled control the test takes the computed colour of its border (or
of its own background, when that contrasts more: a filled button needs no border) and
the colour behind it (the first ancestor with a background, semi-transparent layers
blended), and computes WCAG's contrast ratio from their relative luminance. axe-core
checks text contrast, not this. Disabled controls are exempt (SC 1.4.11 "inactive");
text-only controls (btn-link) have no boundary, their text contrast is axe's.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from network.demo import DEMO_PASSWORD
from network.models import Meeting, Network
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MINIMUM = 3.0

# One entry per visible, enabled control: its kind, the ratio and a description.
CONTRAST_JS = (Path(__file__).parent / "contrast.js").read_text()

# Between them these pages hold every kind of control the portal uses.
KINDS = {
    "text field",
    "select",
    "textarea",
    "checkbox",
    "radio",
    "file",
    "button",
    "outline button",
    "pagination",
    "language switch",
    "navbar toggler",
}


def pages_of_the_demo():
    knn = Network.objects.get(slug="knn")
    meeting = Meeting.objects.filter(network=knn).order_by("pk").first()
    base = f"/n/{knn.slug}/"
    return [
        "/",  # the personal start page
        "/start/ueberfaellig/",
        base,
        base + "dashboard/",
        base + "kennzahl/tender_share_count_pct/luenen/",
        base + "ueberfaellig/",
        base + "personen/",
        base + "einladungen/",
        base + "termine/",
        base + "termine/neu/",
        base + f"termine/{meeting.pk}/",
        base + f"termine/{meeting.pk}/teilnahme/",
        base + f"termine/{meeting.pk}/dokumente/neu/",
        base + "termine/aufgaben/",
        base + "berichte/",
        base + "beschaffung/katalog/",
        base + "beschaffung/katalog/import/",
        base + "beschaffung/zustimmungen/",
        base + "beschaffung/kommunen/luenen/uebernahmen/",
        base + "beschaffung/kommunen/luenen/ausschreibungen/neu/",
        base + "bauen/",
        base + "bauen/vorhaben/neu/",
        base + "bauen/leitlinien/neu/",
        "/konto/profil/",
    ]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses without debug
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False


def measure(page, low, seen):
    for control in page.evaluate(CONTRAST_JS):
        kind = control["kind"]
        seen[kind] = min(seen.get(kind, control["ratio"]), control["ratio"])
        if control["ratio"] < MINIMUM:
            low.append(f"{page.url} {control['kind']} {control['ratio']}:1 {control['what']}")
    return low


def test_every_form_control_stands_out_by_3_to_1(page, demo):
    low, seen = [], {}  # seen: the lowest ratio of each kind
    page.goto("/konto/anmelden/")
    measure(page, low, seen)
    log_in(page, "moderator@example.org", DEMO_PASSWORD)
    for url in pages_of_the_demo():
        page.goto(url)
        measure(page, low, seen)
    # On a narrow screen the main navigation collapses behind its toggle button.
    page.set_viewport_size({"width": 320, "height": 800})
    page.goto("/n/knn/")
    measure(page, low, seen)

    print("\nlowest contrast per kind:", dict(sorted(seen.items())))
    assert set(seen) >= KINDS, f"not measured: {KINDS - set(seen)}"
    assert not low, f"{len(low)} controls below {MINIMUM}:1:\n" + "\n".join(low)
