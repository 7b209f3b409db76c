"""People in a real browser: a coordinator invites a staff member, the invitee sets a
password from the e-mailed link and logs in; every page on the way passes axe-core."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from network.models import Role, User
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Gruene-Beschaffung-2027"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # PBKDF2 costs seconds per test user on 2 shared cores; these tests need no strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def heading(page):
    return page.get_by_role("heading", level=1).inner_text()


def test_coordinator_invites_staff_who_sets_a_password_and_logs_in(page, actors):
    page.goto("/konto/anmelden/")
    assert_accessible(page)
    log_in(page, actors.coordinator.email, TEST_PASSWORD)

    page.goto("/konto/profil/")
    assert heading(page) == "Mein Profil"
    assert_accessible(page)
    page.get_by_role("link", name="Passwort ändern").click()
    assert heading(page) == "Passwort ändern"
    assert_accessible(page)

    page.goto("/n/knn/kommunen/luenen/")
    assert heading(page) == "Lünen"
    assert_accessible(page)
    page.get_by_role("link", name="Fachbereiche und Personen verwalten").click()
    assert heading(page) == "Lünen verwalten"
    assert_accessible(page)
    page.get_by_label("Name").fill("Gebäudemanagement")
    page.get_by_role("button", name="Anlegen").click()
    expect(page.get_by_text("Der Fachbereich „Gebäudemanagement“ wurde angelegt.")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Umbenennen\W+Gebäudemanagement$")).click()
    assert heading(page) == "Fachbereich bearbeiten"
    assert_accessible(page)
    page.get_by_role("link", name="Abbrechen").click()
    page.get_by_role("link", name=re.compile(rf"^Fachbereich ändern\W+{actors.staff}$")).click()
    assert heading(page) == "Fachbereich zuordnen"
    assert_accessible(page)
    page.get_by_role("link", name="Abbrechen").click()

    page.get_by_role("link", name="Mitarbeitende einladen").click()
    assert heading(page) == "Einladungen"
    assert_accessible(page)
    page.get_by_label("E-Mail-Adresse").fill("nora.neu@luenen.example")
    page.get_by_label("Vorname").fill("Nora")
    page.get_by_label("Nachname").fill("Neu")
    page.locator("#id_department").select_option(label="Lünen: Zentrale Vergabestelle")
    page.get_by_role("button", name="Einladung verschicken").click()
    expect(
        page.get_by_text("Die Einladung an nora.neu@luenen.example wurde verschickt.")
    ).to_be_visible()
    expect(
        page.get_by_role("cell", name="Mitarbeit, Lünen (Zentrale Vergabestelle)")
    ).to_be_visible()
    assert_accessible(page)

    link = re.search(r"https?://\S+/konto/einladung/\S+/", mail.outbox[-1].body).group(0)
    path = link[link.index("/konto/") :]
    page.context.clear_cookies()

    page.goto(path)
    assert heading(page) == "Einladung annehmen"
    assert page.get_by_label("Vorname").input_value() == "Nora"
    assert_accessible(page)
    page.locator("#id_password1").fill("kurz")
    page.locator("#id_password2").fill("kurz")
    page.get_by_role("button", name="Konto einrichten").click()
    expect(page.get_by_text("mindestens 12 Zeichen").first).to_be_visible()
    assert_accessible(page)  # with the field errors shown
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Konto einrichten").click()
    assert heading(page) == "Anmelden"
    expect(page.get_by_text("Bitte melden Sie sich jetzt an.")).to_be_visible()

    log_in(page, "Nora.Neu@luenen.example", NEW_PASSWORD)
    assert heading(page) == "Meine Startseite"
    user = User.objects.get(email="nora.neu@luenen.example")
    role = Role.objects.get(user=user)
    assert (role.kind, role.membership_id, role.department_id) == (
        Role.Kind.STAFF,
        actors.luenen.pk,
        actors.luenen_department.pk,
    )

    page.goto(path)  # the link works once only
    assert heading(page) == "Einladung nicht gültig"
    expect(page.get_by_text("Diese Einladung wurde bereits angenommen.")).to_be_visible()
    assert_accessible(page)


def test_moderator_pages_and_password_reset(page, actors):
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    page.goto("/n/knn/")
    expect(page.get_by_role("row", name=re.compile("Herten"))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Personen im Netzwerk").click()
    assert heading(page) == "Personen im Netzwerk Kommunales Netzwerk Nachhaltigkeit"
    expect(page.get_by_role("row", name=re.compile(str(actors.staff)))).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Kommune aufnehmen").click()
    assert heading(page) == "Kommune aufnehmen"
    page.get_by_label("Beigetreten am").fill("2026-01-01")
    page.get_by_label("Name", exact=True).fill("Selm")
    page.get_by_label("Kurzname").fill("selm")
    page.get_by_label("Art").select_option(label="Stadt")
    page.get_by_label("Amtlicher Gemeindeschlüssel").fill("0597803")
    page.get_by_role("button", name="Aufnehmen").click()
    expect(page.get_by_text("Der Gemeindeschlüssel besteht aus 8 Ziffern")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Amtlicher Gemeindeschlüssel").fill("05978032")
    page.get_by_role("button", name="Aufnehmen").click()
    assert heading(page) == "Selm"
    page.get_by_role("link", name="Mitgliedschaft bearbeiten").click()
    assert heading(page) == "Mitgliedschaft Selm"
    assert_accessible(page)

    page.context.clear_cookies()
    page.goto("/konto/anmelden/")
    page.get_by_role("link", name="Passwort vergessen?").click()
    assert heading(page) == "Passwort zurücksetzen"
    assert_accessible(page)
    page.get_by_label("E-Mail-Adresse").fill(actors.staff.email)
    page.get_by_role("button", name="Link anfordern").click()
    assert heading(page) == "E-Mail verschickt"
    assert_accessible(page)
    link = re.search(r"https?://\S+(/konto/passwort-neu/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(link)
    assert heading(page) == "Neues Passwort festlegen"
    assert_accessible(page)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Passwort speichern").click()
    assert heading(page) == "Passwort geändert"
    assert_accessible(page)

    page.goto("/konto/einladung/gibt-es-nicht/")
    assert heading(page) == "Einladung nicht gültig"
    assert_accessible(page)


def test_lockout_page_after_too_many_failures(page, actors, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(page, actors.other.email, "falsch-falsch-falsch", succeeds=False)
        page.locator("main .alert").first.wait_for()
        assert "E-Mail-Adresse oder Passwort sind falsch" in page.locator("main").inner_text()
    assert_accessible(page)  # the login form with its error
    # The failure that reaches the limit locks; then even the right password is refused.
    log_in(page, actors.other.email, "falsch-falsch-falsch", succeeds=False)
    page.get_by_role("heading", name="Anmeldung vorübergehend gesperrt").wait_for()
    log_in(page, actors.other.email, TEST_PASSWORD, succeeds=False)
    page.get_by_role("heading", name="Anmeldung vorübergehend gesperrt").wait_for()
    assert_accessible(page)
