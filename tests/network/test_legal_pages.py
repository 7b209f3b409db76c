"""Impressum, Datenschutzerklärung, Erklärung zur Barrierefreiheit: readable by anybody, in
German, linked from the footer of every page; the language switch takes one POST."""

from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from knn_portal.settings import env_choice, env_date, env_email, env_lines
from network.legal import check_legal_facts, missing_facts
from tests.network.test_deploy import PRODUCTION, manage
from tests.network.test_settings import SECRET, assert_refused, load_settings

pytestmark = pytest.mark.django_db

PAGES = ["network:impressum", "network:privacy", "network:accessibility"]

OPERATOR = {
    "operator": "Green Navigation GmbH",
    "address": ["Beispielweg 1", "59423 Unna"],
    "email": "kontakt@example.org",
    "phone": "02303 000000",
    "represented_by": "die Geschäftsführung",
    "register": "Amtsgericht Hamm, HRB 0000",
    "accessibility_email": "barrierefrei@example.org",
}


@pytest.fixture
def operator(settings):
    settings.LEGAL = {**django_settings.LEGAL, **OPERATOR}


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_visitor_reads_every_legal_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    text = response.content.decode()
    assert '<html lang="de">' in text
    assert '<div lang="de">' in text


def test_impressum_names_the_operator(client, operator):
    text = client.get(reverse("network:impressum")).content.decode()
    assert "§ 5 Digitale-Dienste-Gesetz" in text
    for fact in ("Green Navigation GmbH", "Beispielweg 1", "59423 Unna", "HRB 0000"):
        assert fact in text
    assert 'href="mailto:kontakt@example.org"' in text
    assert "Vertreten durch: die Geschäftsführung" in text
    assert "noch nicht eingetragen" not in text


def test_unset_facts_show_which_variable_to_set(client, settings):
    settings.LEGAL = {**django_settings.LEGAL, "operator": "", "address": [], "email": ""}
    text = client.get(reverse("network:impressum")).content.decode()
    assert "[noch nicht eingetragen: KNN_OPERATOR_NAME]" in text
    assert "[noch nicht eingetragen: KNN_OPERATOR_EMAIL]" in text
    assert "mailto:" not in text


def test_privacy_policy_states_the_portals_real_cookies_and_limits(client, operator, settings):
    settings.SESSION_COOKIE_AGE = 45 * 60
    settings.AXES_FAILURE_LIMIT = 7
    text = client.get(reverse("network:privacy")).content.decode()
    for phrase in ("Art. 13", "Verantwortliche Stelle", "Art. 77 DSGVO", "Green Navigation GmbH"):
        assert phrase in text
    for cookie in ("sessionid", "csrftoken", "django_language"):
        assert f"<code>{cookie}</code>" in text
    assert "nach 45 Minuten ohne" in text
    assert "Nach\n7 Fehlversuchen" in text
    assert "Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen" in text
    # A company has a legitimate interest; a public body acts for its public task.
    assert "Buchst. f DSGVO" in text and "Buchst. e DSGVO" not in text
    settings.LEGAL = {**settings.LEGAL, "public_body": True}
    text = client.get(reverse("network:privacy")).content.decode()
    assert "Buchst. e DSGVO" in text and "Buchst. f DSGVO" not in text


def test_accessibility_statement_has_feedback_and_enforcement(client, operator):
    """What § 12b BGG and § 7 BITV 2.0 ask of the statement."""
    text = client.get(reverse("network:accessibility")).content.decode()
    assert "teilweise\nvereinbar" in text  # the default status, with its exceptions
    assert "Nicht barrierefreie Inhalte" in text
    assert "wurde am 01.12.2026 erstellt" in text
    assert 'id="feedback"' in text
    assert 'href="mailto:barrierefrei@example.org?subject=' in text
    assert "innerhalb eines Monats" in text
    assert 'id="schlichtung"' in text
    assert "Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz (BGG)" in text
    assert 'href="https://www.schlichtungsstelle-bgg.de"' in text


def test_accessibility_statement_takes_the_operators_status_and_body(client, settings):
    settings.LEGAL = {
        **django_settings.LEGAL,
        **OPERATOR,
        "accessibility_email": "",
        "accessibility_status": "full",
        "accessibility_barriers": ["Videos haben noch keine Untertitel."],
        "accessibility_date": date(2027, 3, 5),
        "enforcement_body": ["Ombudsstelle für barrierefreie Informationstechnik NRW"],
        "enforcement_url": "",
    }
    text = client.get(reverse("network:accessibility")).content.decode()
    assert "Das Portal ist mit diesen Anforderungen\nvereinbar." in text
    assert "<li>Videos haben noch keine Untertitel.</li>" in text
    assert "Gebärdensprache" not in text  # the operator's list replaces the default one
    assert "wurde am 05.03.2027 erstellt" in text
    assert "Ombudsstelle für barrierefreie Informationstechnik NRW" in text
    assert "Mauerstraße" not in text
    # Without an accessibility contact the operator's address receives the feedback.
    assert 'href="mailto:kontakt@example.org?subject=' in text


@pytest.mark.parametrize("name", PAGES)
def test_legal_pages_only_answer_reading(client, name):
    assert client.post(reverse(name)).status_code == 405


def footer_links(text):
    return [reverse(name) in text for name in PAGES]


def test_footer_links_on_the_login_page(client):
    assert footer_links(client.get(reverse("login")).content.decode()) == [True] * 3


def test_footer_links_on_a_page_of_the_network(actors):
    client = actors.client(actors.coordinator)
    response = client.get(reverse("network:network", args=[actors.network.slug]))
    assert response.status_code == 200
    text = response.content.decode()
    assert footer_links(text) == [True] * 3
    assert 'href="/static/favicon.svg"' in text


def test_favicon_is_served_from_the_portal(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"


def test_language_switch_is_two_buttons_named_in_their_own_language(client):
    text = client.get(reverse("login")).content.decode()
    assert 'name="language" value="de" lang="de"' in text
    assert 'name="language" value="en" lang="en"' in text
    assert ">Deutsch</button>" in text and ">English</button>" in text
    assert "<select" not in text.split("<footer")[1]


def test_one_post_switches_the_language_and_returns_to_the_page(client):
    page = reverse("network:privacy")
    response = client.post(reverse("set_language"), {"language": "en", "next": page})
    assert response.status_code == 302
    assert response["Location"] == page
    text = client.get(page).content.decode()
    assert '<html lang="en">' in text
    assert 'aria-pressed="true">English</button>' in text
    # The binding text stays German and says so in English.
    assert "Datenschutz-Grundverordnung" in text
    assert '<div lang="de">' in text


def test_the_switch_checks_csrf():
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 403


class TestDeployCheck:
    def test_warns_about_each_missing_fact(self, settings):
        settings.LEGAL = {**django_settings.LEGAL, "operator": "", "address": [], "email": ""}
        warnings = check_legal_facts()
        assert [w.id for w in warnings] == ["network.W001"] * 3
        assert "KNN_OPERATOR_NAME" in warnings[0].msg

    def test_silent_when_the_operator_is_set(self, operator):
        assert missing_facts() == []
        assert check_legal_facts() == []

    def test_check_deploy_reports_a_missing_operator(self, tmp_path):
        env = {**PRODUCTION, "KNN_OPERATOR_NAME": ""}
        result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env)
        assert result.returncode != 0
        assert "network.W001" in result.stdout + result.stderr
        assert "KNN_OPERATOR_NAME" in result.stdout + result.stderr


class TestParsing:
    def test_lines_are_split_at_the_bar(self, monkeypatch):
        monkeypatch.setenv("KNN_TEST_LINES", " Musterweg 1 | 59423 Unna ||")
        assert env_lines("KNN_TEST_LINES") == ["Musterweg 1", "59423 Unna"]
        assert env_lines("KNN_TEST_UNSET", "a|b") == ["a", "b"]

    def test_bad_email_is_refused(self, monkeypatch):
        monkeypatch.setenv("KNN_TEST_MAIL", "kontakt at example.org")
        with pytest.raises(ImproperlyConfigured, match="expected an e-mail address"):
            env_email("KNN_TEST_MAIL")
        monkeypatch.setenv("KNN_TEST_MAIL", "kontakt@example.org")
        assert env_email("KNN_TEST_MAIL") == "kontakt@example.org"

    def test_bad_date_and_status_are_refused(self, monkeypatch):
        monkeypatch.setenv("KNN_TEST_DATE", "1.12.2026")
        with pytest.raises(ImproperlyConfigured, match="expected a date as YYYY-MM-DD"):
            env_date("KNN_TEST_DATE", "2026-12-01")
        assert env_date("KNN_TEST_UNSET", "2026-12-01") == date(2026, 12, 1)
        monkeypatch.setenv("KNN_TEST_STATUS", "meistens")
        with pytest.raises(ImproperlyConfigured, match="expected one of full, partial, none"):
            env_choice("KNN_TEST_STATUS", "partial", ("full", "partial", "none"))

    def test_start_up_stops_on_a_bad_operator_address(self, tmp_path):
        result = load_settings(
            tmp_path,
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY=SECRET,
            DJANGO_ALLOWED_HOSTS="portal.example.org",
            KNN_OPERATOR_EMAIL="kontakt@",
        )
        assert_refused(result, "KNN_OPERATOR_EMAIL='kontakt@': expected an e-mail address")

    def test_start_up_reads_the_facts(self, tmp_path):
        result = load_settings(
            tmp_path,
            'settings.LEGAL["address"], settings.LEGAL["accessibility_status"]',
            DJANGO_DEBUG="true",
            KNN_OPERATOR_ADDRESS="Beispielweg 1|59423 Unna",
            KNN_ACCESSIBILITY_STATUS="Full",
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "(['Beispielweg 1', '59423 Unna'], 'full')"
