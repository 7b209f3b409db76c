"""„Kommune aufnehmen“ offers only municipalities the moderator already works with; one that
is a member of other networks joins only when its coordinators agree (audit issue 9, F16).

Departments belong to the municipality and are shared by its networks, so attaching a
municipality of another network would let this network's moderation edit them.

Actors: the moderator of KNN asks; Hamm is a member of Hellweg (not moderated by them),
`hamm_coordinator` coordinates Hamm there; the outsider is staff of Hamm (not a
coordinator); `other` coordinates Herten (another municipality); anonymous.
"""

import logging
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from network import access, models
from network.models import Department, Membership, Municipality, Role
from network.services import people as services
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    NetworkFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Kind = Role.Kind
MEMBER_ADD = reverse("network:member_add", args=["knn"])


@pytest.fixture
def hamm_coordinator(actors):
    user = UserFactory(email="koordination.hamm@example.org")
    RoleFactory(
        user=user,
        network=actors.other_network,
        kind=Kind.COORDINATOR,
        membership=actors.other_membership,
    )
    return user


@pytest.fixture
def hamm(actors):
    return actors.other_membership.municipality


def by_key(municipality, joined_on="2026-03-01"):
    """The "new municipality" fields with the key of one that is already in the portal."""
    return {
        "existing": "",
        "joined_on": joined_on,
        "name": "Irgendwas",
        "slug": "irgendwas",
        "kind": "stadt",
        "ags": municipality.ags,
        "population": "",
        "parent": "",
    }


def offered_ids(response):
    select = re.search(r'<select name="existing".*?</select>', response.content.decode(), re.S)
    return {int(pk) for pk in re.findall(r'<option value="(\d+)"', select.group(0))}


def ask_for_hamm(actors, hamm, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = actors.client(actors.moderator).post(MEMBER_ADD, by_key(hamm), follow=True)
    return response, models.MembershipRequest.objects.get()


def answer_url(join_request, verb):
    return reverse(f"membership_request_{verb}", args=[join_request.pk])


class TestWhatIsOffered:
    def test_only_municipalities_of_networks_the_moderator_moderates(self, actors, hamm):
        third = NetworkFactory(name="Klimanetz Ruhr")
        RoleFactory(user=actors.moderator, network=third, kind=Kind.MODERATOR)
        dortmund = MembershipFactory(network=third, municipality__name="Dortmund").municipality
        loose = MunicipalityFactory(name="Selm")  # a member of no network
        response = actors.client(actors.moderator).get(MEMBER_ADD)
        assert offered_ids(response) == {dortmund.pk}
        assert hamm.pk not in offered_ids(response) and loose.pk not in offered_ids(response)

    def test_a_municipality_not_offered_cannot_be_posted(self, actors, hamm):
        response = actors.client(actors.moderator).post(
            MEMBER_ADD, {"existing": hamm.pk, "joined_on": "2026-03-01"}
        )
        assert response.status_code == 200
        assert "Bitte eine gültige Auswahl treffen" in response.content.decode()
        assert not Membership.objects.filter(network=actors.network, municipality=hamm).exists()
        assert not models.MembershipRequest.objects.exists()

    def test_one_the_moderator_works_with_joins_at_once(self, actors, hamm):
        # Moderating Hellweg too, they may already edit Hamm's departments there.
        RoleFactory(user=actors.moderator, network=actors.other_network, kind=Kind.MODERATOR)
        client = actors.client(actors.moderator)
        assert hamm.pk in offered_ids(client.get(MEMBER_ADD))
        response = client.post(MEMBER_ADD, {"existing": hamm.pk, "joined_on": "2026-03-01"})
        assert response.status_code == 302
        assert Membership.objects.filter(network=actors.network, municipality=hamm).exists()
        assert not models.MembershipRequest.objects.exists()

    def test_one_that_is_a_member_nowhere_joins_at_once_by_its_key(self, actors):
        selm = MunicipalityFactory(name="Selm", slug="selm", ags="05978032")
        response = actors.client(actors.moderator).post(MEMBER_ADD, by_key(selm), follow=True)
        assert "Selm ist jetzt Mitglied im Netzwerk." in response.content.decode()
        membership = Membership.objects.get(network=actors.network, municipality=selm)
        assert str(membership.joined_on) == "2026-03-01"
        assert Municipality.objects.filter(ags="05978032").count() == 1  # no copy
        assert not models.MembershipRequest.objects.exists()

    def test_the_service_refuses_to_attach_a_member_of_another_network(self, actors, hamm):
        with pytest.raises(PermissionDenied):
            services.membership_add(
                network=actors.network,
                joined_on="2026-03-01",
                added_by=actors.moderator,
                municipality=hamm,
            )
        assert not Membership.objects.filter(network=actors.network, municipality=hamm).exists()


class TestAskingToJoin:
    def test_the_key_of_a_member_elsewhere_makes_a_request_not_a_membership(
        self, actors, hamm, hamm_coordinator, django_capture_on_commit_callbacks
    ):
        response, join_request = ask_for_hamm(actors, hamm, django_capture_on_commit_callbacks)
        text = response.content.decode()
        assert "Hamm ist schon Mitglied eines anderen Netzwerks." in text
        assert not Membership.objects.filter(network=actors.network, municipality=hamm).exists()
        assert (join_request.network, join_request.requested_by, join_request.status) == (
            actors.network,
            actors.moderator,
            models.MembershipRequest.Status.OPEN,
        )
        assert str(join_request.joined_on) == "2026-03-01"
        # The page lists it as open; Hamm's coordinator got a German mail.
        assert "Offene Beitrittsanfragen" in text and '<th scope="row">Hamm</th>' in text
        (message,) = mail.outbox
        assert message.to == [hamm_coordinator.email]
        assert message.subject == "Anfrage: Hamm im Netzwerk Kommunales Netzwerk Nachhaltigkeit"
        assert "/konto/profil/" in message.body

    def test_a_second_open_request_is_refused_in_german(
        self, actors, hamm, django_capture_on_commit_callbacks
    ):
        ask_for_hamm(actors, hamm, django_capture_on_commit_callbacks)
        response = actors.client(actors.moderator).post(MEMBER_ADD, by_key(hamm))
        assert response.status_code == 200
        assert "schon eine offene Beitrittsanfrage" in response.content.decode()
        assert models.MembershipRequest.objects.count() == 1

    def test_a_mail_server_that_fails_does_not_break_the_request(
        self, actors, hamm, hamm_coordinator, settings, caplog, django_capture_on_commit_callbacks
    ):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
        with caplog.at_level(logging.ERROR, logger="network.services.people"):
            response, join_request = ask_for_hamm(actors, hamm, django_capture_on_commit_callbacks)
        assert response.status_code == 200
        assert "Hamm ist schon Mitglied eines anderen Netzwerks." in response.content.decode()
        assert join_request.status == models.MembershipRequest.Status.OPEN
        assert "could not be sent" in caplog.text

    def test_its_coordinators_see_it_on_their_profile_and_nobody_else(
        self, actors, hamm, hamm_coordinator, django_capture_on_commit_callbacks
    ):
        ask_for_hamm(actors, hamm, django_capture_on_commit_callbacks)
        text = actors.client(hamm_coordinator).get(reverse("profile")).content.decode()
        assert "Beitrittsanfragen an Ihre Kommune" in text
        assert "Kommunales Netzwerk Nachhaltigkeit" in text and str(actors.moderator) in text
        for person in (actors.other, actors.outsider, actors.moderator, actors.coordinator):
            page = actors.client(person).get(reverse("profile")).content.decode()
            assert "Beitrittsanfragen an Ihre Kommune" not in page

    @pytest.mark.parametrize("requests", [1, 6])
    def test_profile_query_count_is_fixed(
        self, actors, hamm, hamm_coordinator, requests, django_assert_max_num_queries
    ):
        for n in range(requests):
            network = NetworkFactory(name=f"Anfragenetz {n}")
            models.MembershipRequest.objects.create(
                network=network,
                municipality=hamm,
                joined_on="2026-03-01",
                requested_by=actors.moderator,
            )
        client = actors.client(hamm_coordinator)
        # 10: one reads the person's API keys (the profile lists them).
        with django_assert_max_num_queries(10):
            response = client.get(reverse("profile"))
        assert response.content.decode().count("<td>Anfragenetz ") == requests

    @pytest.mark.parametrize("requests", [1, 6])
    def test_member_add_query_count_is_fixed(self, actors, requests, django_assert_max_num_queries):
        for n in range(requests):
            models.MembershipRequest.objects.create(
                network=actors.network,
                municipality=MunicipalityFactory(name=f"Anfragestadt {n}"),
                joined_on="2026-03-01",
                requested_by=actors.moderator,
            )
        client = actors.client(actors.moderator)
        with django_assert_max_num_queries(10):
            response = client.get(MEMBER_ADD)
        assert response.content.decode().count("Anfragestadt ") == requests


@pytest.fixture
def join_request(actors, hamm, django_capture_on_commit_callbacks):
    _response, join_request = ask_for_hamm(actors, hamm, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    return join_request


def unchanged(actors, hamm, join_request):
    join_request.refresh_from_db()
    return (
        join_request.status == models.MembershipRequest.Status.OPEN
        and join_request.answered_by is None
        and not Membership.objects.filter(network=actors.network, municipality=hamm).exists()
    )


class TestAnswering:
    @pytest.mark.parametrize("verb", ["accept", "decline"])
    def test_anonymous_goes_to_login(self, client, actors, hamm, join_request, verb):
        response = client.post(answer_url(join_request, verb))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert unchanged(actors, hamm, join_request)

    @pytest.mark.parametrize("verb", ["accept", "decline"])
    def test_everyone_but_its_coordinators_gets_404(
        self, actors, hamm, hamm_coordinator, join_request, verb
    ):
        # outsider: Hamm's staff (not its coordination); other: another municipality's
        # coordinator; moderator: the one who asked; coordinator: Lünen's.
        for person in (actors.outsider, actors.other, actors.moderator, actors.coordinator):
            response = actors.client(person).post(answer_url(join_request, verb))
            assert response.status_code == 404
        assert unchanged(actors, hamm, join_request)

    def test_answering_needs_post(self, actors, hamm, hamm_coordinator, join_request):
        response = actors.client(hamm_coordinator).get(answer_url(join_request, "accept"))
        assert response.status_code == 405
        assert unchanged(actors, hamm, join_request)

    def test_its_coordinator_accepts_and_the_membership_is_created(
        self, actors, hamm, hamm_coordinator, join_request, django_capture_on_commit_callbacks
    ):
        client = actors.client(hamm_coordinator)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(answer_url(join_request, "accept"), follow=True)
        text = response.content.decode()
        assert "Hamm ist jetzt Mitglied im Netzwerk Kommunales Netzwerk Nachhaltigkeit." in text
        membership = Membership.objects.get(network=actors.network, municipality=hamm)
        assert str(membership.joined_on) == "2026-03-01"
        join_request.refresh_from_db()
        assert join_request.status == models.MembershipRequest.Status.ACCEPTED
        assert join_request.answered_by == hamm_coordinator
        (message,) = mail.outbox
        assert message.to == [actors.moderator.email]
        assert "hat zugestimmt: Hamm ist jetzt Mitglied" in message.body
        # Answered once: the buttons are gone and the link is 404 now.
        assert "Beitrittsanfragen an Ihre Kommune" not in text
        assert client.post(answer_url(join_request, "decline")).status_code == 404
        # Now the moderation of KNN may edit Hamm's departments, which it could not before.
        moderator = actors.client(actors.moderator)
        response = moderator.post(
            reverse("network:department_create", args=["knn", "hamm"]), {"name": "Umweltamt"}
        )
        assert response.status_code == 302
        assert Department.objects.filter(municipality=hamm, name="Umweltamt").exists()

    def test_its_coordinator_declines_and_nothing_joins(
        self, actors, hamm, hamm_coordinator, join_request, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = actors.client(hamm_coordinator).post(
                answer_url(join_request, "decline"), follow=True
            )
        assert "Sie haben die Anfrage abgelehnt" in response.content.decode()
        assert not Membership.objects.filter(network=actors.network, municipality=hamm).exists()
        join_request.refresh_from_db()
        assert join_request.status == models.MembershipRequest.Status.DECLINED
        (message,) = mail.outbox
        assert "hat abgelehnt: Hamm wird nicht Mitglied" in message.body
        # Before acceptance the moderation of KNN still cannot reach Hamm's departments.
        response = actors.client(actors.moderator).get(
            reverse("network:department_create", args=["knn", "hamm"])
        )
        assert response.status_code == 404

    def test_a_coordinator_of_a_membership_that_ended_cannot_answer(
        self, actors, hamm, hamm_coordinator, join_request
    ):
        actors.other_membership.left_on = actors.other_membership.joined_on
        actors.other_membership.save()
        response = actors.client(hamm_coordinator).post(answer_url(join_request, "accept"))
        assert response.status_code == 404
        assert unchanged(actors, hamm, join_request)
        # A member of no network any more: nobody guards it, so it joins directly.
        assert access.joins_directly(actors.moderator, hamm)
