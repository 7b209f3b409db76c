"""One real PDF, read back; hostile content; the URL fetcher; the build_report command."""

import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from network import progress
from network.models import Attendance, Meeting, Report
from network.progress import Figure, Period
from network.reports import fetcher as fetcher_module
from network.reports.context import build_context, render_report_html
from network.reports.fetcher import STATIC_PREFIX, ForbiddenURL, SafeURLFetcher, static_path
from network.reports.pdf import html_to_pdf
from network.sections import AttendanceSection
from tests.factories import (
    ActionItemFactory,
    AttendanceFactory,
    MeetingFactory,
    MembershipFactory,
    MunicipalityFactory,
)

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils missing (make system-packages)"
)


class RoadmapSection:
    """Test-only section with its own template, standing in for a topic app."""

    key = "test_roadmap"
    title = "Fahrplan (Test)"
    template = "test_sections/roadmap.html"

    def figures(self, memberships, period):
        return {
            m.pk: [Figure("roadmap_done_pct", "Fahrplan erledigt", 40.0 + i * 10, "%")]
            for i, m in enumerate(memberships)
        }

    def context(self, membership, period):
        return {"milestones": ["Kriterienkatalog beschlossen", "Vergabestelle geschult"]}


@pytest.fixture
def sections(monkeypatch, settings, tmp_path):
    templates = tmp_path / "templates" / "test_sections"
    templates.mkdir(parents=True)
    (templates / "roadmap.html").write_text(
        "<ul>{% for m in milestones %}<li>Meilenstein: {{ m }}</li>{% endfor %}</ul>"
        "<p>Kommune im Fragment: {{ membership.municipality.name }}</p>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path / "templates"]}
    ]
    monkeypatch.setattr(progress, "sections", lambda: [AttendanceSection(), RoadmapSection()])


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def pdf_info(path) -> str:
    return subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout


@needs_poppler
def test_municipality_report_pdf_reads_back(actors, sections, tmp_path):
    today = timezone.localdate()
    meeting = MeetingFactory(
        network=actors.network,
        title="Zweites Netzwerktreffen",
        status=Meeting.Status.HELD,
        starts_at=timezone.now() - timedelta(days=20),
        ends_at=timezone.now() - timedelta(days=20) + timedelta(hours=2),
    )
    AttendanceFactory(
        meeting=meeting,
        user=actors.coordinator,
        membership=actors.luenen,
        status=Attendance.Status.ATTENDED,
    )
    ActionItemFactory(
        network=actors.network,
        membership=actors.luenen,
        title="Ratsbeschluss vorbereiten",
        due_on=today - timedelta(days=2),
    )
    previous = Report.objects.create(
        network=actors.network,
        membership=actors.luenen,
        kind=Report.Kind.MUNICIPALITY,
        period_start=date(today.year, 1, 1),
        period_end=today,
        year=today.year,
        number=1,
        status=Report.Status.DONE,
        requested_at=timezone.now() - timedelta(days=90),
        figures={"members": {str(actors.luenen.pk): {"roadmap_done_pct": 30.0}}, "labels": {}},
    )
    report = Report.objects.create(
        network=actors.network,
        membership=actors.luenen,
        kind=Report.Kind.MUNICIPALITY,
        period_start=date(today.year, 1, 1),
        period_end=today,
        year=today.year,
        number=2,
    )
    from network.reports.build import render_report

    built = render_report(report)
    figures = built.figures
    path = tmp_path / "bericht.pdf"
    path.write_bytes(built.pdf)
    text = pdf_text(path)
    info = pdf_info(path)
    assert "Tagged:          yes" in info
    assert int(info.split("Pages:")[1].split()[0]) >= 2
    assert "Fortschrittsbericht Lünen" in text
    assert "Kommunales Netzwerk Nachhaltigkeit" in text
    assert "Meilenstein: Kriterienkatalog beschlossen" in text
    assert "Kommune im Fragment: Lünen" in text
    assert "Zweites Netzwerktreffen" in text
    assert "Ratsbeschluss vorbereiten" in text and "überfällig" in text
    assert f"Vergleich mit Bericht {previous.reference}" in text
    # Lünen (first member alphabetically after Herten): 50 %, previously 30 % → +20.
    assert "+20" in text
    assert figures["members"][str(actors.luenen.pk)]["roadmap_done_pct"] == 50.0
    assert figures["members"][str(actors.luenen.pk)]["meetings_attended"] == 1


def test_bookmarks_follow_the_chapters(actors, sections):
    from weasyprint import HTML

    from network.reports.fetcher import BASE_URL

    context = build_context(
        network=actors.network,
        kind=Report.Kind.ANNUAL,
        period=Period.year(timezone.localdate().year),
    )
    document = HTML(
        string=render_report_html(context), base_url=BASE_URL, url_fetcher=SafeURLFetcher()
    ).render()
    top = [label for label, *_rest in document.make_bookmark_tree()]
    assert top[:5] == [
        f"Erfolgsbilanz {timezone.localdate().year}",
        "Das Wichtigste in Kürze",
        "Inhalt",
        "Das Netzwerk in Zahlen",
        "Kennzahlen im Überblick",
    ]
    assert "Die Mitglieder" in top and "Veränderungen seit dem letzten Bericht" in top
    assert top[-1] == "Begriffe"
    # Each member's page is a bookmark below „Die Mitglieder“.
    tree = document.make_bookmark_tree()
    children = [label for label, *_rest in tree[top.index("Die Mitglieder")][2]]
    assert children == ["Herten", "Lünen"]


@needs_poppler
def test_annual_report_has_every_member(actors, sections, tmp_path):
    context = build_context(
        network=actors.network,
        kind=Report.Kind.ANNUAL,
        period=Period.year(timezone.localdate().year),
    )
    path = tmp_path / "bilanz.pdf"
    path.write_bytes(html_to_pdf(render_report_html(context)))
    text = pdf_text(path)
    assert "Erfolgsbilanz" in text
    # A page per member from the figures read for all of them: no section fragments,
    # which would cost queries per member.
    flat = " ".join(text.split())
    # Herten 40 %, Lünen 50 % (the test section): the middle is 45 %.
    assert "Besser als die Mitte des Netzwerks bei: Fahrplan erledigt." in flat
    assert "Hinter der Mitte des Netzwerks bei: Fahrplan erledigt." in flat
    assert "Kommune im Fragment" not in text
    assert "Hamm" not in text


HOSTILE_NAME = (
    '<img src="file:///etc/passwd"><style>@import url(http://169.254.169.254/x.css);'
    "body{background:url(http://169.254.169.254/bg.png)}</style>"
)
HOSTILE_TASK = (
    '<a href="http://169.254.169.254/latest/meta-data/">Metadaten</a>'
    '<link rel="stylesheet" href="file:///etc/passwd">'
)


@needs_poppler
def test_hostile_content_is_escaped_and_nothing_is_fetched(actors, sections, tmp_path):
    hostile = MembershipFactory(
        network=actors.network, municipality=MunicipalityFactory(name=HOSTILE_NAME)
    )
    ActionItemFactory(network=actors.network, membership=hostile, title=HOSTILE_TASK)
    context = build_context(
        network=actors.network,
        kind=Report.Kind.MUNICIPALITY,
        membership=hostile,
        period=Period(date(2026, 1, 1), timezone.localdate()),
    )
    html = render_report_html(context)
    assert '<img src="file:' not in html and "<style>@import" not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert "&lt;a href=&quot;http://169.254.169.254/latest/meta-data/&quot;&gt;" in html
    recorder = SafeURLFetcher()
    pdf = html_to_pdf(html, fetcher=recorder)
    # Only the report's own stylesheet was asked for and served.
    assert recorder.requested == [STATIC_PREFIX + "css/report.css"]
    assert recorder.served == recorder.requested
    path = tmp_path / "hostile.pdf"
    path.write_bytes(pdf)
    text = pdf_text(path)
    assert '<img src="file:///etc/passwd">' in text.replace("\n", "")  # shown as text
    assert "root:x:0:0" not in text


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://169.254.169.254/",
        "https://portal.invalid/static/../../../../etc/passwd",
        "https://portal.invalid/static/%2e%2e/%2e%2e/etc/passwd",
        "https://portal.invalid/static/css/../../settings.py",
        "https://portal.invalid/static//etc/passwd.css",
        "https://portal.invalid/static/css/nicht-da.css",
        "https://portal.invalid/media/reports/1.pdf",
        "https://example.org/static/css/report.css",
        "ftp://portal.invalid/static/css/report.css",
    ],
)
def test_fetcher_refuses(url):
    with pytest.raises((ForbiddenURL, ValueError)):
        SafeURLFetcher().fetch(url)


def test_fetcher_refuses_symlink_out_of_static(settings, tmp_path):
    static = tmp_path / "static"
    static.mkdir()
    (static / "evil.css").symlink_to("/etc/passwd")
    settings.STATICFILES_DIRS = [static]
    settings.STATIC_ROOT = tmp_path / "collected"
    from django.contrib.staticfiles import finders

    finders.get_finder.cache_clear()
    try:
        with pytest.raises(ForbiddenURL):
            static_path(STATIC_PREFIX + "evil.css")
    finally:
        finders.get_finder.cache_clear()


def test_fetcher_serves_static_and_data():
    fetcher = SafeURLFetcher()
    css = fetcher.fetch(STATIC_PREFIX + "css/report.css")
    assert b"@page" in css.read() and css.content_type == "text/css"
    data = fetcher.fetch("data:text/plain;base64,SGFsbG8=")
    assert data.read() == b"Hallo"
    assert fetcher_module.BASE_URL == "https://portal.invalid/"


@needs_poppler
def test_build_report_command(actors, sections, tmp_path):
    out = tmp_path / "luenen.pdf"
    call_command("build_report", network="knn", municipality="luenen", output=str(out))
    assert "Fortschrittsbericht Lünen" in pdf_text(out)
    annual = tmp_path / "annual.pdf"
    call_command("build_report", network="knn", annual=2026, output=str(annual))
    assert "Erfolgsbilanz 2026" in pdf_text(annual)


def test_build_report_command_rejects_foreign_member(actors, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="nicht Mitglied"):
        call_command(
            "build_report", network="knn", municipality="hamm", output=str(tmp_path / "x.pdf")
        )
    assert not (tmp_path / "x.pdf").exists()
