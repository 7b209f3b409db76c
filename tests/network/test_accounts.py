"""Log-in, throttling, password rules and reset, profile, and the invitation link."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from network.models import Invitation, Role, User
from network.models.people import hash_token
from network.services import people as services
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # PBKDF2 costs seconds per test user on 2 shared cores; these tests need no strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


LOGIN = "/konto/anmelden/"
NEW_PASSWORD = "Gruene-Beschaffung-2027"


def login(client, email, password, address="127.0.0.1"):
    return client.post(LOGIN, {"username": email, "password": password}, REMOTE_ADDR=address)


class TestLogin:
    def test_login_page_is_german(self, client):
        text = client.get(LOGIN).content.decode()
        assert "E-Mail-Adresse" in text and "Passwort vergessen?" in text

    def test_email_is_case_insensitive(self, client, actors):
        response = login(client, actors.coordinator.email.upper(), TEST_PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(actors.coordinator.pk)

    def test_wrong_password_gives_german_error(self, client, actors):
        response = login(client, actors.coordinator.email, "falsch-falsch-falsch")
        assert response.status_code == 200
        assert "E-Mail-Adresse oder Passwort sind falsch" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_lockout_after_failure_limit_for_user_and_address(self, client, actors, settings):
        email = actors.coordinator.email
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(client, email, "falsch-falsch-falsch")
        # Even the right password is refused now, from this address, with a German page.
        response = login(client, email, TEST_PASSWORD)
        assert response.status_code == 429
        text = response.content.decode()
        assert "Anmeldung vorübergehend gesperrt" in text
        assert "_auth_user_id" not in client.session
        # Another address is not locked out.
        other = Client()
        response = login(other, email, TEST_PASSWORD, address="10.1.2.3")
        assert response.status_code == 302
        assert other.session["_auth_user_id"] == str(actors.coordinator.pk)

    def test_lockout_does_not_hit_another_user_from_the_same_address(
        self, client, actors, settings
    ):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            login(client, actors.coordinator.email, "falsch-falsch-falsch")
        response = login(client, actors.other.email, TEST_PASSWORD)
        assert response.status_code == 302


class TestPasswordReset:
    def test_reset_flow_in_german(self, client, actors):
        response = client.post(
            reverse("password_reset"), {"email": actors.staff.email.upper()}, follow=True
        )
        assert "E-Mail verschickt" in response.content.decode()
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.subject == "Ihr Passwort im KNN-Portal"
        assert "neues Passwort angefordert" in message.body
        link = re.search(r"http://testserver(/konto/passwort-neu/\S+)", message.body).group(1)
        form_page = client.get(link, follow=True)
        assert "Neues Passwort festlegen" in form_page.content.decode()
        short = client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": "kurz-1", "new_password2": "kurz-1"},
        )
        assert "mindestens 12 Zeichen" in short.content.decode()
        done = client.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            follow=True,
        )
        assert "Passwort geändert" in done.content.decode()
        actors.staff.refresh_from_db()
        assert actors.staff.check_password(NEW_PASSWORD)
        # The link works once only.
        again = client.get(link, follow=True)
        assert "Dieser Link ist ungültig" in again.content.decode()

    def test_unknown_address_reveals_nothing(self, client, db):
        response = client.post(
            reverse("password_reset"), {"email": "niemand@example.org"}, follow=True
        )
        assert "E-Mail verschickt" in response.content.decode()
        assert mail.outbox == []

    def test_bad_address_gives_german_field_error(self, client, db):
        response = client.post(reverse("password_reset"), {"email": "kein-at-zeichen"})
        assert "gültige E-Mail-Adresse" in response.content.decode()


class TestProfile:
    def test_anonymous_goes_to_login(self, client):
        response = client.get(reverse("profile"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_shows_roles_and_calendar_link(self, actors):
        text = actors.client(actors.staff).get(reverse("profile")).content.decode()
        assert "Mitarbeit – Lünen (Zentrale Vergabestelle)" in text
        assert "Kommunales Netzwerk Nachhaltigkeit" in text
        assert reverse("network:calendar_subscribe", args=["knn"]) in text
        assert "Hellweg" not in text

    @pytest.mark.parametrize("networks", [1, 8])
    def test_query_count_is_fixed(self, actors, networks, django_assert_max_num_queries):
        from tests.factories import MembershipFactory, NetworkFactory, RoleFactory

        for n in range(networks):
            network = NetworkFactory(name=f"Zusatznetz {n}")
            membership = MembershipFactory(network=network)
            RoleFactory(user=actors.staff, network=network, kind="observer")
            RoleFactory(user=actors.staff, network=network, kind="staff", membership=membership)
        client = actors.client(actors.staff)
        with django_assert_max_num_queries(9):  # + the person's API tokens
            response = client.get(reverse("profile"))
        text = response.content.decode()
        assert text.count("Zusatznetz ") >= networks
        assert text.count("/termine/kalender/") == networks + 1


class TestHome:
    def test_anonymous_goes_to_login(self, client):
        response = client.get(reverse("network:home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_one_network_gives_the_start_page_with_a_link_to_it(self, actors):
        # The personal start page (tests/network/test_start_page.py), also for one network.
        response = actors.client(actors.staff).get(reverse("network:home"))
        assert response.status_code == 200
        assert reverse("network:network", args=["knn"]) in response.content.decode()

    def test_several_networks_are_listed_and_no_others(self, actors):
        from tests.factories import NetworkFactory, RoleFactory

        RoleFactory(user=actors.staff, network=actors.other_network, kind="observer")
        NetworkFactory(name="Fremdes Netz")  # a network the person has no role in
        text = actors.client(actors.staff).get(reverse("network:home")).content.decode()
        assert "Meine Netzwerke" in text
        assert "Kommunales Netzwerk Nachhaltigkeit" in text and "Klimanetzwerk Hellweg" in text
        assert "Fremdes Netz" not in text

    def test_nobody_without_a_network_sees_how_to_get_in(self, db):
        user = UserFactory()
        client = Client()
        client.force_login(user)
        text = client.get(reverse("network:home")).content.decode()
        assert "Sie sind noch in keinem Netzwerk." in text

    @pytest.mark.parametrize("networks", [2, 10])
    def test_query_count_is_fixed(self, actors, networks, django_assert_max_num_queries):
        from tests.factories import NetworkFactory, RoleFactory

        for n in range(networks):
            RoleFactory(user=actors.moderator, network=NetworkFactory(name=f"Netz Nr. {n}"))
        client = actors.client(actors.moderator)
        # The start page counts the moderator's work in every network, in fixed queries.
        with django_assert_max_num_queries(20):
            response = client.get(reverse("network:home"))
        text = response.content.decode()
        assert all(f">Netz Nr. {n}</a>" in text for n in range(networks))


class TestLogout:
    def test_logout_needs_post_and_ends_the_session(self, actors):
        client = actors.client(actors.staff)
        assert client.get(reverse("logout")).status_code == 405
        response = client.post(reverse("logout"))
        assert response.status_code == 302
        response = client.get(reverse("profile"))
        assert response["Location"].startswith(reverse("login"))

    def test_edit_name_and_email(self, actors):
        # The name changes at once; the new address only once its link is opened
        # (tests/network/test_email_change.py).
        before = actors.staff.email
        client = actors.client(actors.staff)
        response = client.post(
            reverse("profile"),
            {
                "first_name": "Erika",
                "last_name": "Musterfrau",
                "email": "Erika@Example.org",
                "current_password": TEST_PASSWORD,
            },
            follow=True,
        )
        text = response.content.decode()
        assert "Ihre Angaben wurden gespeichert." in text
        assert "Wir haben einen Bestätigungslink an erika@example.org geschickt." in text
        actors.staff.refresh_from_db()
        assert (actors.staff.get_full_name(), actors.staff.email) == ("Erika Musterfrau", before)

    def test_changing_the_email_needs_the_current_password(self, actors):
        before = actors.staff.email
        client = actors.client(actors.staff)
        for password in ("", "falsch-falsch-falsch"):
            response = client.post(
                reverse("profile"),
                {
                    "first_name": "Erika",
                    "last_name": "Neu",
                    "email": "erika@example.org",
                    "current_password": password,
                },
            )
            assert "bitte Ihr aktuelles Passwort eingeben" in response.content.decode()
        actors.staff.refresh_from_db()
        assert actors.staff.email == before and actors.staff.last_name != "Neu"
        # The name alone changes without the password.
        client.post(
            reverse("profile"), {"first_name": "Erika", "last_name": "Neu", "email": before}
        )
        actors.staff.refresh_from_db()
        assert actors.staff.get_full_name() == "Erika Neu"

    def test_bad_email_gives_german_error(self, actors):
        response = actors.client(actors.staff).post(
            reverse("profile"), {"first_name": "", "last_name": "", "email": "kaputt"}
        )
        assert "gültige E-Mail-Adresse" in response.content.decode()

    def test_password_change(self, actors):
        client = actors.client(actors.staff)
        url = reverse("password_change")
        assert "Passwort ändern" in client.get(url).content.decode()
        short = client.post(
            url,
            {"old_password": TEST_PASSWORD, "new_password1": "abc", "new_password2": "abc"},
        )
        assert "mindestens 12 Zeichen" in short.content.decode()
        wrong = client.post(
            url,
            {
                "old_password": "falsch",
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
        )
        assert "alte Passwort" in wrong.content.decode()
        done = client.post(
            url,
            {
                "old_password": TEST_PASSWORD,
                "new_password1": NEW_PASSWORD,
                "new_password2": NEW_PASSWORD,
            },
            follow=True,
        )
        assert "Ihr Passwort wurde geändert." in done.content.decode()
        actors.staff.refresh_from_db()
        assert actors.staff.check_password(NEW_PASSWORD)
        # Still logged in after the change.
        assert client.get(reverse("profile")).status_code == 200

    def test_password_change_anonymous_goes_to_login(self, client):
        assert client.get(reverse("password_change")).status_code == 302


def invite(actors, email="neu@example.org", **kwargs):
    defaults = {
        "network": actors.network,
        "kind": Role.Kind.STAFF,
        "membership": actors.luenen,
        "department": actors.luenen_department,
        "invited_by": actors.coordinator,
    }
    defaults.update(kwargs)
    return services.invitation_create(email=email, **defaults)


def accept_url(token):
    return reverse("invitation_accept", args=[token])


class TestInvitationLink:
    def test_token_is_stored_hashed_and_mailed_in_german(self, actors):
        invitation, token = invite(actors)
        assert invitation.token_hash == hash_token(token)
        assert token not in invitation.token_hash
        message = mail.outbox[-1]
        assert message.to == ["neu@example.org"]
        assert message.subject == "Einladung in das Netzwerk Kommunales Netzwerk Nachhaltigkeit"
        assert f"/konto/einladung/{token}/" in message.body
        assert "Mitarbeit, Lünen, Zentrale Vergabestelle" in message.body
        valid_until = timezone.localtime(invitation.expires_at).strftime("%d.%m.%Y")
        assert f"bis zum {valid_until} gültig" in message.body

    def test_new_person_sets_name_and_password_and_can_log_in(self, client, actors):
        _invitation, token = invite(actors)
        page = client.get(accept_url(token)).content.decode()
        assert "Einladung annehmen" in page and "Zentrale Vergabestelle" in page
        response = client.post(
            accept_url(token),
            {
                "first_name": "Nora",
                "last_name": "Neu",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
            follow=True,
        )
        assert "Bitte melden Sie sich jetzt an." in response.content.decode()
        user = User.objects.get(email="neu@example.org")
        assert user.get_full_name() == "Nora Neu"
        role = Role.objects.get(user=user)
        assert (role.kind, role.membership, role.department) == (
            Role.Kind.STAFF,
            actors.luenen,
            actors.luenen_department,
        )
        assert login(Client(), "NEU@example.org", NEW_PASSWORD).status_code == 302
        # The link works once only.
        again = client.get(accept_url(token))
        assert again.status_code == 404
        assert "bereits angenommen" in again.content.decode()

    def test_mail_server_down_stores_nothing(self, actors, settings):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
        response = actors.client(actors.coordinator).post(
            reverse("network:invitations", args=["knn"]),
            {"email": "neu@example.org", "kind": "staff", "membership": actors.luenen.pk},
        )
        assert response.status_code == 200
        assert "Die E-Mail konnte nicht verschickt werden" in response.content.decode()
        assert not Invitation.objects.exists()

    def test_short_or_mismatched_password_gives_german_errors(self, client, actors):
        _invitation, token = invite(actors)
        short = client.post(
            accept_url(token),
            {"first_name": "N", "last_name": "N", "password1": "kurz", "password2": "kurz"},
        )
        assert "mindestens 12 Zeichen" in short.content.decode()
        mismatch = client.post(
            accept_url(token),
            {
                "first_name": "N",
                "last_name": "N",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD + "x",
            },
        )
        assert "stimmen nicht überein" in mismatch.content.decode()
        empty = client.post(accept_url(token), {})
        assert "Dieses Feld ist zwingend erforderlich." in empty.content.decode()
        assert not User.objects.filter(email="neu@example.org").exists()
        assert Invitation.objects.get().accepted_at is None

    def test_existing_account_only_confirms(self, client, actors):
        _invitation, token = invite(
            actors,
            email=actors.other.email.upper(),
            kind=Role.Kind.OBSERVER,
            membership=None,
            department=None,
            invited_by=actors.moderator,
        )
        client.force_login(actors.other)  # anybody else: tests/network/test_invitation_owner.py
        page = client.get(accept_url(token)).content.decode()
        assert "Zu dieser Adresse gibt es schon ein Konto" in page
        assert "password1" not in page
        client.post(accept_url(token), {})
        assert Role.objects.filter(user=actors.other, kind=Role.Kind.OBSERVER).exists()
        assert actors.other.check_password(TEST_PASSWORD)

    def test_invited_person_already_logged_in_goes_straight_to_the_network(self, actors):
        _invitation, token = invite(
            actors,
            email=actors.outsider.email,
            kind=Role.Kind.OBSERVER,
            membership=None,
            department=None,
            invited_by=actors.moderator,
        )
        client = actors.client(actors.outsider)
        assert client.get(reverse("network:network", args=["knn"])).status_code == 404
        response = client.post(accept_url(token), {}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("network:network", args=["knn"])
        assert "Willkommen im Netzwerk Kommunales Netzwerk Nachhaltigkeit!" in (
            response.content.decode()
        )

    def test_expired_link(self, client, actors):
        invitation, token = invite(actors)
        Invitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        response = client.get(accept_url(token))
        assert response.status_code == 404
        assert "Diese Einladung ist abgelaufen." in response.content.decode()
        client.post(
            accept_url(token),
            {
                "first_name": "N",
                "last_name": "N",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )
        assert not User.objects.filter(email="neu@example.org").exists()

    def test_unknown_or_malformed_link(self, client, db):
        for token in ("gibt-es-nicht", "x" * 300, "%C3%BC"):
            response = client.get(f"/konto/einladung/{token}/")
            assert response.status_code == 404
            assert "Einladung nicht gültig" in response.content.decode()

    def test_member_that_left_makes_the_link_invalid(self, client, actors):
        _invitation, token = invite(actors)
        actors.luenen.left_on = timezone.localdate()
        actors.luenen.save()
        response = client.get(accept_url(token))
        assert "nicht mehr Mitglied" in response.content.decode()

    def test_history_is_kept(self, actors):
        invitation, _token = invite(actors)
        assert invitation.history.count() == 1

    def test_user_factory_password_is_long_enough(self, db):
        # The shared test password itself passes the validators the portal enforces.
        from django.contrib.auth.password_validation import validate_password

        validate_password(TEST_PASSWORD, UserFactory.build())
