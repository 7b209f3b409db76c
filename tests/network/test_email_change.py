"""A new e-mail address takes effect only through the link mailed to it (audit issue 9, F5),
and the profile form does not tell whether an address belongs to an account (F15).

Actors: the staff member of Lünen changes their own address; the coordinator's address is
"taken"; the outsider (another network) stands for someone else who is logged in.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from network import models
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

PROFILE = "/konto/profil/"
LINK = re.compile(r"https?://\S+(/konto/profil/adresse-bestaetigen/[^/\s]+/)")


def ask_for(client, email, password=TEST_PASSWORD, follow=True):
    return client.post(
        PROFILE,
        {
            "first_name": "Erika",
            "last_name": "Muster",
            "email": email,
            "current_password": password,
        },
        follow=follow,
    )


def mails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def confirm_path(address):
    (message,) = mails_to(address)
    return LINK.search(message.body).group(1)


def logs_in(email, password=TEST_PASSWORD) -> bool:
    response = Client().post(reverse("login"), {"username": email, "password": password})
    return response.status_code == 302


class TestTheNewAddressNeedsTheLink:
    def test_anonymous_goes_to_login_and_comes_back_to_the_link(self, client, actors):
        ask_for(actors.client(actors.staff), "erika@example.org")
        path = confirm_path("erika@example.org")
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
            assert "next=/konto/profil/adresse-bestaetigen/" in response["Location"]
        assert models.EmailChange.objects.get().confirmed_at is None

    def test_until_the_link_is_opened_the_old_address_stays_the_login(self, actors):
        before = actors.staff.email
        response = ask_for(actors.client(actors.staff), "Erika@Example.org")
        text = response.content.decode()
        assert "Wir haben einen Bestätigungslink an erika@example.org geschickt." in text
        assert f"bis dahin melden Sie sich weiter mit {before} an." in text
        assert "ist noch nicht bestätigt" in text  # the profile shows the open change
        actors.staff.refresh_from_db()
        assert actors.staff.email == before
        assert logs_in(before) and not logs_in("erika@example.org")
        # The old address is told that a change was asked for; the new one gets the link.
        (notice,) = mails_to(before)
        assert notice.subject == "Änderung Ihrer E-Mail-Adresse im KNN-Portal"
        assert "auf erika@example.org zu ändern" in notice.body
        assert not LINK.search(notice.body)
        (link_mail,) = mails_to("erika@example.org")
        assert link_mail.subject == "Bitte bestätigen Sie Ihre neue E-Mail-Adresse"
        assert LINK.search(link_mail.body)

    def test_the_link_changes_the_address_once(self, actors):
        client = actors.client(actors.staff)
        ask_for(client, "erika@example.org")
        path = confirm_path("erika@example.org")
        page = client.get(path).content.decode()
        assert "Neue E-Mail-Adresse bestätigen" in page
        assert actors.staff.email in page and "erika@example.org" in page
        actors.staff.refresh_from_db()
        assert actors.staff.email != "erika@example.org"  # a GET (a mail scanner) changes nothing
        response = client.post(path, follow=True)
        assert "Ihre E-Mail-Adresse ist jetzt erika@example.org." in response.content.decode()
        actors.staff.refresh_from_db()
        assert actors.staff.email == "erika@example.org"
        assert logs_in("erika@example.org")
        again = client.post(path)
        assert again.status_code == 404
        assert "Diese neue E-Mail-Adresse wurde bereits bestätigt." in again.content.decode()

    def test_an_expired_link_gives_a_german_page_and_changes_nothing(self, actors):
        before = actors.staff.email
        client = actors.client(actors.staff)
        ask_for(client, "erika@example.org")
        models.EmailChange.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
        path = confirm_path("erika@example.org")
        for response in (client.get(path), client.post(path)):
            assert response.status_code == 404
            text = response.content.decode()
            assert "Bestätigungslink nicht gültig" in text
            assert "Dieser Bestätigungslink ist abgelaufen" in text
        actors.staff.refresh_from_db()
        assert actors.staff.email == before

    def test_a_newer_request_replaces_the_older_link(self, actors):
        client = actors.client(actors.staff)
        ask_for(client, "erste@example.org")
        ask_for(client, "zweite@example.org")
        response = client.post(confirm_path("erste@example.org"))
        assert response.status_code == 404
        assert "durch eine neuere Änderung ersetzt" in response.content.decode()
        client.post(confirm_path("zweite@example.org"))
        actors.staff.refresh_from_db()
        assert actors.staff.email == "zweite@example.org"

    def test_a_link_opened_by_another_logged_in_account_changes_nothing(self, actors):
        before = actors.staff.email
        ask_for(actors.client(actors.staff), "erika@example.org")
        response = actors.client(actors.outsider).post(confirm_path("erika@example.org"))
        assert response.status_code == 404
        assert "unbekannt oder gehört zu einem anderen Konto" in response.content.decode()
        actors.staff.refresh_from_db()
        actors.outsider.refresh_from_db()
        assert actors.staff.email == before and actors.outsider.email != "erika@example.org"

    def test_unknown_or_malformed_link(self, actors):
        client = actors.client(actors.staff)
        for token in ("gibt-es-nicht", "x" * 300, "%C3%BC"):
            response = client.get(f"/konto/profil/adresse-bestaetigen/{token}/")
            assert response.status_code == 404
            assert "Bestätigungslink nicht gültig" in response.content.decode()

    def test_an_address_that_became_another_accounts_meanwhile_is_refused(self, actors):
        from tests.factories import UserFactory

        before = actors.staff.email
        client = actors.client(actors.staff)
        ask_for(client, "erika@example.org")
        UserFactory(email="erika@example.org")  # e.g. an invitation accepted meanwhile
        response = client.post(confirm_path("erika@example.org"))
        assert response.status_code == 404
        assert "gehört inzwischen zu einem anderen Konto" in response.content.decode()
        actors.staff.refresh_from_db()
        assert actors.staff.email == before

    def test_mail_server_down_stores_nothing(self, actors, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
        response = ask_for(actors.client(actors.staff), "erika@example.org")
        assert response.status_code == 200
        assert "Die E-Mail konnte nicht verschickt werden" in response.content.decode()
        assert not models.EmailChange.objects.exists()
        actors.staff.refresh_from_db()
        assert actors.staff.last_name != "Muster"


def _normalised(response, address):
    """The page with the typed-in address and the per-response CSRF tokens blanked out."""
    text = response.content.decode().replace(address, "ADDRESS")
    text = re.sub(r'(csrfmiddlewaretoken" value=")[^"]+', r"\1", text)
    return re.sub(r'(data-csrf-token=")[^"]+', r"\1", text)


class TestTheProfileTellsNothingAboutOtherAccounts:
    TAKEN = "koordination.luenen@example.org"  # the coordinator's address
    FREE = "niemand@example.org"

    def test_a_taken_and_a_free_address_get_the_same_answer(self, actors):
        client = actors.client(actors.staff)
        answers = {}
        for address in (self.TAKEN, self.FREE):
            mail.outbox.clear()
            response = ask_for(client, address.upper())
            own_mail = mails_to(actors.staff.email)
            answers[address] = (
                response.status_code,
                response.redirect_chain,
                [str(m).replace(address, "ADDRESS") for m in response.context["messages"]],
                _normalised(response, address),
                [(m.subject, m.body.replace(address, "ADDRESS")) for m in own_mail],
            )
        assert answers[self.TAKEN] == answers[self.FREE]
        status, chain, messages, _page, own_mail = answers[self.FREE]
        assert (status, chain) == (200, [(PROFILE, 302)])
        assert "Wir haben einen Bestätigungslink an ADDRESS geschickt." in messages[1]
        assert len(own_mail) == 1

    def test_a_taken_address_gets_no_link_only_a_notice_to_its_owner(self, actors):
        before = actors.staff.email
        ask_for(actors.client(actors.staff), self.TAKEN)
        (notice,) = mails_to(self.TAKEN)
        assert notice.subject == "Ihre E-Mail-Adresse im KNN-Portal"
        assert "geändert wurde nichts" in notice.body
        assert not any(LINK.search(message.body) for message in mail.outbox)
        actors.staff.refresh_from_db()
        actors.coordinator.refresh_from_db()
        assert actors.staff.email == before
        assert actors.coordinator.email == self.TAKEN

    def test_a_wrong_password_gives_the_same_error_for_both(self, actors):
        client = actors.client(actors.staff)
        answers = {}
        for address in (self.TAKEN, self.FREE):
            response = ask_for(client, address, password="falsch-falsch-falsch", follow=False)
            answers[address] = (
                response.status_code,
                response.context["form"].errors,
                _normalised(response, address),
            )
        assert answers[self.TAKEN] == answers[self.FREE]
        status, errors, _page = answers[self.FREE]
        assert status == 200
        assert errors == {
            "current_password": [
                "Zum Ändern der E-Mail-Adresse bitte Ihr aktuelles Passwort eingeben."
            ]
        }
        assert mail.outbox == [] and not models.EmailChange.objects.exists()
