"""The pages of audit issue 9 in a real browser, each checked with axe-core: confirming a
new e-mail address, an invitation for an existing account opened while logged out, and a
coordinator answering a request that their municipality join another network."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from network.models import Membership, MembershipRequest, Role, User
from network.services import people as services
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import TEST_PASSWORD, RoleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def heading(page):
    return page.get_by_role("heading", level=1).inner_text()


def test_a_new_address_is_confirmed_through_its_link(page, actors):
    log_in(page, actors.staff.email, TEST_PASSWORD)
    page.goto("/konto/profil/")
    page.get_by_label("E-Mail-Adresse").fill("erika@example.org")
    page.get_by_label("Aktuelles Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Angaben speichern").click()
    expect(
        page.get_by_text("Wir haben einen Bestätigungslink an erika@example.org")
    ).to_be_visible()
    expect(page.get_by_text("ist noch nicht bestätigt")).to_be_visible()
    assert_accessible(page)

    (message,) = [m for m in mail.outbox if m.to == ["erika@example.org"]]
    path = re.search(r"/konto/profil/adresse-bestaetigen/[^/\s]+/", message.body).group(0)
    page.goto(path)
    assert heading(page) == "Neue E-Mail-Adresse bestätigen"
    assert_accessible(page)
    page.get_by_role("button", name="Neue Adresse bestätigen").click()
    expect(page.get_by_text("Ihre E-Mail-Adresse ist jetzt erika@example.org.")).to_be_visible()
    assert User.objects.get(pk=actors.staff.pk).email == "erika@example.org"

    page.goto(path)
    assert heading(page) == "Bestätigungslink nicht gültig"
    assert_accessible(page)


def test_an_invitation_for_an_existing_account_asks_to_log_in_first(page, actors):
    _invitation, token = services.invitation_create(
        network=actors.network,
        email=actors.other.email,
        kind=Role.Kind.OBSERVER,
        invited_by=actors.moderator,
    )
    path = f"/konto/einladung/{token}/"
    page.goto(path)
    assert heading(page) == "Einladung annehmen"
    assert_accessible(page)
    page.get_by_role("link", name=f"Als {actors.other.email} anmelden").click()
    page.get_by_label("E-Mail-Adresse").fill(actors.other.email)
    page.get_by_label("Passwort").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("button", name="Einladung bestätigen").click()
    assert heading(page) == "Kommunales Netzwerk Nachhaltigkeit"
    assert Role.objects.filter(user=actors.other, kind=Role.Kind.OBSERVER).exists()

    page.context.clear_cookies()
    log_in(page, actors.staff.email, TEST_PASSWORD)  # someone else, logged in
    _invitation, token = services.invitation_create(
        network=actors.network,
        email=actors.coordinator.email,
        kind=Role.Kind.OBSERVER,
        invited_by=actors.moderator,
    )
    page.goto(f"/konto/einladung/{token}/")
    expect(page.get_by_text(f"Sie sind als {actors.staff.email} angemeldet.")).to_be_visible()
    assert_accessible(page)


def test_a_coordinator_accepts_a_request_to_join(page, actors):
    hamm = actors.other_membership.municipality
    hamm_coordinator = UserFactory(email="koordination.hamm@example.org")
    RoleFactory(
        user=hamm_coordinator,
        network=actors.other_network,
        kind=Role.Kind.COORDINATOR,
        membership=actors.other_membership,
    )
    log_in(page, actors.moderator.email, TEST_PASSWORD)
    page.goto("/n/knn/mitglieder/neu/")
    page.get_by_label("Beigetreten am").fill("2026-03-01")
    page.get_by_label("Name", exact=True).fill("Hamm")
    page.get_by_label("Kurzname").fill("hamm-neu")
    page.get_by_label("Art").select_option(label="Stadt")
    page.get_by_label("Amtlicher Gemeindeschlüssel").fill(hamm.ags)
    page.get_by_role("button", name="Aufnehmen").click()
    expect(page.get_by_text("Hamm ist schon Mitglied eines anderen Netzwerks.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Hamm"))).to_be_visible()
    assert_accessible(page)
    assert MembershipRequest.objects.get().status == "open"

    page.context.clear_cookies()
    log_in(page, hamm_coordinator.email, TEST_PASSWORD)
    page.goto("/konto/profil/")
    expect(page.get_by_role("heading", name="Beitrittsanfragen an Ihre Kommune")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile(r"^Zustimmen\W+Hamm")).click()
    expect(
        page.get_by_text("Hamm ist jetzt Mitglied im Netzwerk Kommunales Netzwerk Nachhaltigkeit.")
    ).to_be_visible()
    assert Membership.objects.filter(network=actors.network, municipality=hamm).exists()
