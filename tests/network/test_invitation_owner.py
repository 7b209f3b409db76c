"""An invitation is accepted only by the account it was meant for (audit issue 9, F5).

The attack: the coordinator of Lünen changed his profile address to that of a pending
moderator invitation; when the invitee confirmed, his account became moderator.
Actors: the moderator invites; the coordinator attacks; `other` (Herten's coordinator) is
an existing account that is invited; the staff member of Lünen is someone else logged in.
"""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from network.models import Invitation, Role, User
from network.services import people as services
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

INVITED = "neue.moderatorin@example.org"
NEW_PASSWORD = "Gruene-Beschaffung-2027"
INVITATION_LINK = re.compile(r"https?://\S+(/konto/einladung/[^/\s]+/)")


def invite_by_mail(actors, email, kind="moderator"):
    """The moderator invites through the page; the path of the link from the mail."""
    response = actors.client(actors.moderator).post(
        reverse("network:invitations", args=["knn"]), {"email": email, "kind": kind}
    )
    assert response.status_code == 302
    return INVITATION_LINK.search(mail.outbox[-1].body).group(1)


def new_account(first_name="Nina", last_name="Neu"):
    return {
        "first_name": first_name,
        "last_name": last_name,
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }


def roles_of(user):
    return set(Role.objects.filter(user=user).values_list("network__slug", "kind"))


class TestTheTakeoverFails:
    def test_a_coordinator_who_types_in_an_invited_address_gets_no_role(self, actors):
        path = invite_by_mail(actors, INVITED)
        coordinator_roles = roles_of(actors.coordinator)
        before = actors.coordinator.email
        attacker = actors.client(actors.coordinator)
        attacker.post(
            reverse("profile"),
            {
                "first_name": actors.coordinator.first_name,
                "last_name": actors.coordinator.last_name,
                "email": INVITED,
                "current_password": TEST_PASSWORD,
            },
        )
        actors.coordinator.refresh_from_db()
        assert actors.coordinator.email == before  # not the login before its link is opened

        # The invitee opens the invitation: the address has no account, so it becomes one.
        invitee = Client()
        page = invitee.get(path).content.decode()
        assert "Konto einrichten" in page
        invitee.post(path, new_account())
        assert roles_of(actors.coordinator) == coordinator_roles
        newcomer = User.objects.get(email=INVITED)
        assert newcomer.pk != actors.coordinator.pk
        assert roles_of(newcomer) == {("knn", "moderator")}

        # The link to confirm the coordinator's change went to the invitee's mailbox; it
        # belongs to his account, so the invitee cannot use it, and he no longer can either.
        (confirm_mail,) = [m for m in mail.outbox if "adresse-bestaetigen" in m.body]
        assert confirm_mail.to == [INVITED]
        confirm = re.search(r"/konto/profil/adresse-bestaetigen/[^/\s]+/", confirm_mail.body)
        invitee.force_login(newcomer)
        assert invitee.post(confirm.group(0)).status_code == 404
        assert attacker.post(confirm.group(0)).status_code == 404
        actors.coordinator.refresh_from_db()
        assert actors.coordinator.email == before

    def test_the_invitation_link_opened_in_the_coordinators_session_gives_him_nothing(self, actors):
        path = invite_by_mail(actors, INVITED)
        coordinator_roles = roles_of(actors.coordinator)
        attacker = actors.client(actors.coordinator)
        attacker.post(path, new_account())
        assert roles_of(actors.coordinator) == coordinator_roles
        assert roles_of(User.objects.get(email=INVITED)) == {("knn", "moderator")}


class TestAnExistingAccountMustBeLoggedIn:
    """`other` (Herten's coordinator) is invited as observer with their existing address."""

    def invite_other(self, actors):
        return invite_by_mail(actors, actors.other.email.upper(), kind="observer")

    def test_anonymous_is_asked_to_log_in_and_nothing_happens(self, client, actors):
        path = self.invite_other(actors)
        response = client.get(path)
        assert response.status_code == 200
        text = response.content.decode()
        assert f"Zu der Adresse {actors.other.email} gibt es schon ein Konto." in text
        login_link = f'href="{reverse("login")}?next={path.replace("/", "%2F")}"'
        assert login_link in text
        assert "password1" not in text
        refused = client.post(path, {})
        assert refused.status_code == 403
        assert ("knn", "observer") not in roles_of(actors.other)
        assert Invitation.objects.get().accepted_at is None

    def test_another_logged_in_account_is_told_so_and_nothing_happens(self, actors):
        path = self.invite_other(actors)
        client = actors.client(actors.staff)
        page = client.get(path)
        assert page.status_code == 200
        text = page.content.decode()
        assert f"Sie sind als {actors.staff.email} angemeldet." in text
        assert f"Diese Einladung gilt für das Konto {actors.other.email}" in text
        for data in ({}, new_account()):
            refused = client.post(path, data)
            assert refused.status_code == 403
        assert ("knn", "observer") not in roles_of(actors.other)
        assert roles_of(actors.staff) == {("knn", "staff")}
        assert Invitation.objects.get().accepted_at is None
        assert not User.objects.filter(first_name="Nina").exists()

    def test_the_invited_account_logs_in_through_the_link_and_accepts(self, actors):
        path = self.invite_other(actors)
        client = Client()
        response = client.post(
            f"{reverse('login')}?next={path}",
            {"username": actors.other.email, "password": TEST_PASSWORD, "next": path},
        )
        assert response["Location"] == path  # back to the invitation after logging in
        page = client.get(path).content.decode()
        assert "Einladung bestätigen" in page
        response = client.post(path, {}, follow=True)
        assert response.redirect_chain[-1][0] == reverse("network:network", args=["knn"])
        assert ("knn", "observer") in roles_of(actors.other)
        assert actors.other.check_password(TEST_PASSWORD)

    def test_the_service_refuses_anybody_but_the_invited_account(self, actors):
        invitation, _token = services.invitation_create(
            network=actors.network,
            email=actors.other.email,
            kind=Role.Kind.OBSERVER,
            invited_by=actors.moderator,
        )
        for user in (None, actors.staff, actors.coordinator):
            with pytest.raises(services.InvitationForAnotherAccount):
                services.invitation_accept(invitation=invitation, user=user)
        assert ("knn", "observer") not in roles_of(actors.other)
        services.invitation_accept(invitation=invitation, user=actors.other)
        assert ("knn", "observer") in roles_of(actors.other)
