"""The portal answers in German whatever the browser asks for; English only by choice."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_english_browser_still_gets_german(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    text = response.content.decode()
    assert '<html lang="de">' in text
    assert "Passwort vergessen?" in text


def test_the_language_switch_chooses_english_and_back(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in text
    assert "Passwort vergessen?" not in text
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    assert "Passwort vergessen?" in client.get(reverse("login")).content.decode()


def test_unknown_language_cookie_falls_back_to_german(client):
    client.cookies["django_language"] = "xx"
    assert '<html lang="de">' in client.get(reverse("login")).content.decode()


def test_english_catalogue_has_no_untranslated_or_fuzzy_entry():
    """Every German text has its English translation (gettext's msgattrib lists the gaps)."""
    import subprocess
    from pathlib import Path

    catalogue = Path(__file__).resolve().parents[2] / "locale/en/LC_MESSAGES/django.po"
    for flag in ("--untranslated", "--only-fuzzy"):
        gaps = subprocess.run(
            ["msgattrib", flag, "--no-obsolete", str(catalogue)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        entries = [line for line in gaps.splitlines() if line.startswith("msgid ")]
        # The header entry (msgid "") is listed as "untranslated" by msgattrib.
        assert entries in ([], ['msgid ""']), gaps[:2000]
