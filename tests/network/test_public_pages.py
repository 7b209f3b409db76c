"""The public pages without login (/oeffentlich/<netz>/…): only what a member released and
the moderator approved, on a network whose page is on; no cookie; kept under the data stamp;
the embeddable view may be framed only by the operator's origins."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from network import public
from network.models import FigureSnapshot, Report
from network.models.public import Publication, Release
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


class TenderSection:
    """A public section for the tests only: the topic apps write their own."""

    key = "tenders"
    title = "Ausschreibungen"
    description = "Wie viele Ausschreibungen die Mindestkriterien enthalten."
    template = "test_public/tenders.html"

    def context(self, membership, period):
        return {"name": membership.municipality.name, "period": period}

    def table(self, memberships, period):
        return None


class RoadmapSection(TenderSection):
    key = "roadmap"
    title = "Fahrplan"
    description = "Wie weit der Fahrplan erledigt ist."
    template = "test_public/roadmap.html"


@pytest.fixture
def sections(monkeypatch, settings, tmp_path):
    templates = tmp_path / "templates" / "test_public"
    templates.mkdir(parents=True)
    (templates / "tenders.html").write_text("<p>Ausschreibungen von {{ name }}: 7 von 9</p>")
    (templates / "roadmap.html").write_text("<p>Fahrplan von {{ name }}: 40 %</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path / "templates"]}
    ]
    monkeypatch.setattr(public, "public_sections", lambda: [TenderSection(), RoadmapSection()])


def publish(network, **fields):
    return Publication.objects.create(network=network, is_public=True, **fields)


def release(membership, section, approved=True):
    return Release.objects.create(
        membership=membership, section=section, released=True, approved=approved
    )


def annual_report(network):
    report = Report.objects.create(
        network=network,
        kind=Report.Kind.ANNUAL,
        period_start="2025-01-01",
        period_end="2025-12-31",
        year=2026,
        number=7,
    )
    report.store(
        report.claim(),
        PDF,
        {"members": {}, "labels": {}},
        '<!DOCTYPE html><html lang="de"><title>Erfolgsbilanz</title><p>Bilanz-Text '
        '<!--portal-link--><a href="/n/knn/berichte/7/">Zurück zum Bericht im Portal</a>'
        "<!--/portal-link--></p></html>",
    )
    report.refresh_from_db()
    return report


def pub(name, *args):
    return reverse(f"network:public_{name}", args=["knn", *args])


def assert_no_cookie(response):
    assert "Set-Cookie" not in response
    assert not response.cookies


@pytest.fixture
def live(actors, sections):
    """The KNN's page on, Lünen released and the moderator approved its tenders."""
    publish(actors.network, annual_report=annual_report(actors.network))
    release(actors.luenen, "tenders")
    return actors


def test_nothing_is_public_by_default(actors, sections, client):
    release(actors.luenen, "tenders")  # released and approved, but the page is off
    for target in (
        pub("network"),
        pub("member", "luenen"),
        pub("embed", "luenen"),
        pub("report"),
        pub("report_pdf"),
    ):
        response = client.get(target)
        assert response.status_code == 404, target
        assert_no_cookie(response)


def test_the_network_page(live, client):
    response = client.get(pub("network"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kommunales Netzwerk Nachhaltigkeit" in text
    assert live.network.moderating_organisation in text
    assert pub("member", "luenen") in text
    assert "Herten" not in text  # released nothing
    assert pub("report") in text and pub("report_pdf") in text
    assert "Datenlizenz Deutschland – Namensnennung – Version 2.0" in text
    # Legal links stay; no login chrome.
    for name in ("impressum", "privacy", "accessibility"):
        assert reverse(f"network:{name}") in text
    assert "notification-bell" not in text
    assert reverse("logout") not in text
    assert "csrfmiddlewaretoken" not in text
    assert live.moderator.email not in text


def test_the_network_page_shows_the_median_trends(live, client):
    for membership, value in ((live.luenen, 40.0), (live.herten, 60.0)):
        FigureSnapshot.objects.create(
            membership=membership,
            section="procurement",
            key="roadmap_done_pct",
            period_end=date(2026, 9, 30),
            value=value,
            label="Fahrplan erledigt",
            unit="%",
        )
    text = client.get(pub("network")).content.decode()
    assert "Fahrplan erledigt" in text
    assert "Median des Netzwerks" in text
    assert "50" in text


def test_the_member_page_shows_only_approved_sections(live, client):
    release(live.luenen, "roadmap", approved=False)  # waits for the moderator
    response = client.get(pub("member", "luenen"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ausschreibungen von Lünen: 7 von 9" in text
    assert "Fahrplan von Lünen" not in text
    assert_no_cookie(response)


def test_404_for_a_member_without_approved_sections(live, client):
    release(live.herten, "roadmap", approved=False)
    assert client.get(pub("member", "herten")).status_code == 404
    assert client.get(pub("embed", "herten")).status_code == 404
    assert client.get(pub("member", "gibtsnicht")).status_code == 404


def test_a_withdrawn_section_disappears_at_once(live, client):
    assert "7 von 9" in client.get(pub("member", "luenen")).content.decode()
    row = Release.objects.get(membership=live.luenen, section="tenders")
    row.released = False
    row.save()  # moves the data stamp: the kept page is not served any more
    assert client.get(pub("member", "luenen")).status_code == 404


def test_a_section_no_longer_installed_is_not_shown(live, client):
    release(live.luenen, "removed_app_section")
    text = client.get(pub("member", "luenen")).content.decode()
    assert "removed_app_section" not in text


def test_the_erfolgsbilanz(live, client):
    response = client.get(pub("report"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Bilanz-Text" in text
    # No way into the portal, which the public cannot enter.
    assert "/n/knn/berichte/" not in text and "Zurück zum Bericht" not in text
    assert_no_cookie(response)
    pdf = client.get(pub("report_pdf"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content) == PDF
    assert_no_cookie(pdf)


def test_no_erfolgsbilanz_published(actors, sections, client):
    publish(actors.network)
    assert client.get(pub("network")).status_code == 200
    assert client.get(pub("report")).status_code == 404
    assert client.get(pub("report_pdf")).status_code == 404


def test_no_cookie_on_any_public_page_even_with_a_language_cookie(live, client):
    client.cookies["django_language"] = "en"
    for target in (
        pub("network"),
        pub("member", "luenen"),
        pub("embed", "luenen"),
        pub("report"),
        pub("report_pdf"),
    ):
        response = client.get(target)
        assert response.status_code == 200, target
        assert_no_cookie(response)
    assert "sessionid" not in client.cookies and "csrftoken" not in client.cookies


def test_a_logged_in_member_sees_the_same_page_as_the_public(live):
    # Rendered without the request: no user menu, nothing of the person's own.
    response = live.client(live.coordinator).get(pub("network"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Abmelden" not in text and live.coordinator.email not in text
    assert text == Client().get(pub("network")).content.decode()


@pytest.mark.parametrize("members", [3, 30])
def test_fixed_number_of_queries(live, members, django_assert_max_num_queries):
    for _ in range(members - 2):
        release(MembershipFactory(network=live.network), "tenders")
    client = Client()
    for target in (pub("network"), pub("member", "luenen"), pub("embed", "luenen")):
        with django_assert_max_num_queries(9):
            assert client.get(target).status_code == 200
        # Again without a change: the network by slug and the stamp, nothing else.
        with django_assert_max_num_queries(2):
            assert client.get(target).status_code == 200


class TestFraming:
    def test_other_pages_deny_every_frame(self, live, client, settings):
        settings.KNN_EMBED_ORIGINS = ["https://www.luenen.de"]
        for target in (pub("network"), pub("member", "luenen"), reverse("login")):
            response = client.get(target)
            assert response["X-Frame-Options"] == "DENY", target
            assert "frame-ancestors 'none'" in response["Content-Security-Policy"], target

    def test_nobody_may_frame_the_embed_by_default(self, live, client, settings):
        settings.KNN_EMBED_ORIGINS = []
        response = client.get(pub("embed", "luenen"))
        assert response.status_code == 200
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]

    def test_the_listed_origins_may_frame_the_embed(self, live, client, settings):
        settings.KNN_EMBED_ORIGINS = ["https://www.luenen.de", "https://werne.de"]
        response = client.get(pub("embed", "luenen"))
        assert response.status_code == 200
        assert "X-Frame-Options" not in response
        policy = response["Content-Security-Policy"]
        assert "frame-ancestors https://www.luenen.de https://werne.de" in policy
        assert "'none'" in policy  # object-src stays; only frame-ancestors changed
        assert "Ausschreibungen von Lünen: 7 von 9" in response.content.decode()
        assert_no_cookie(response)


class TestEmbedOriginsSetting:
    def parse(self, monkeypatch, value):
        from knn_portal.settings import env_origins

        monkeypatch.setenv("KNN_EMBED_ORIGINS", value)
        return env_origins("KNN_EMBED_ORIGINS")

    def test_comma_separated_origins(self, monkeypatch):
        assert self.parse(monkeypatch, " https://www.luenen.de, http://intranet:8080 ") == [
            "https://www.luenen.de",
            "http://intranet:8080",
        ]
        assert self.parse(monkeypatch, "") == []

    @pytest.mark.parametrize(
        "bad", ["www.luenen.de", "https://luenen.de/seite", "https://*.luenen.de", "ftp://x.de"]
    )
    def test_anything_else_fails_loudly(self, monkeypatch, bad):
        from django.core.exceptions import ImproperlyConfigured

        with pytest.raises(ImproperlyConfigured):
            self.parse(monkeypatch, bad)


def test_the_demo_shows_three_members_and_stays_the_same_on_a_second_run(sections, db, client):
    from network import demo

    seeded = demo.seed_network(date(2026, 12, 1))
    assert Publication.objects.get(network=seeded.network).licence == "dl-de/by-2-0"
    shown = sorted(
        Release.objects.public().values_list("membership__municipality__slug", "section")
    )
    assert shown == [
        (slug, key) for slug in ("herten", "luenen", "werne") for key in ("roadmap", "tenders")
    ]
    versions = sorted(Release.objects.values_list("pk", "version"))
    demo.seed_network(date(2026, 12, 1))
    assert sorted(Release.objects.values_list("pk", "version")) == versions
    text = client.get(pub("network")).content.decode()
    assert "Werne" in text and "Welver" not in text
    assert "Fahrplan von Werne: 40 %" in client.get(pub("member", "werne")).content.decode()


def test_the_demo_publishes_the_latest_done_erfolgsbilanz(sections, db):
    from network import demo

    seeded = demo.seed_network(date(2026, 12, 1))
    assert Publication.objects.get().annual_report is None
    report = annual_report(seeded.network)
    demo.publish_annual_report(seeded)
    assert Publication.objects.get().annual_report == report
    demo.publish_annual_report(seeded)  # idempotent
    assert Publication.objects.get().version == 2
