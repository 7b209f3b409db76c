"""People of a network: directory, invitations, members, departments and roles.

Every view: anonymous → login, outsider → 404, a member of another municipality on a
write → 403/404 with the database unchanged, allowed users → what the page shows.
"""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from network.models import Department, Invitation, Membership, Municipality, Role
from network.services import people as services
from tests.factories import DepartmentFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # PBKDF2 costs seconds per test user on 2 shared cores; these tests need no strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


Kind = Role.Kind


def url(name, *args, slug="knn"):
    return reverse(f"network:{name}", args=[slug, *args])


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def staff_role(actors):
    return Role.objects.get(user=actors.staff)


# --- directory --------------------------------------------------------------------------------


class TestPeopleList:
    def test_anonymous_goes_to_login(self, client, actors):
        assert_login_redirect(client.get(url("people")))

    def test_outsider_gets_404(self, actors):
        assert actors.client(actors.outsider).get(url("people")).status_code == 404

    def test_observer_sees_everyone_but_may_remove_nobody(self, actors):
        text = actors.client(actors.observer).get(url("people")).content.decode()
        for user in (actors.moderator, actors.expert, actors.coordinator, actors.staff):
            assert str(user) in text
        assert actors.outsider.email not in text
        assert "Rolle entfernen" not in text
        assert "Einladen und offene Einladungen" not in text

    def test_coordinator_may_remove_only_own_municipality(self, actors):
        text = actors.client(actors.coordinator).get(url("people")).content.decode()
        assert text.count("Rolle entfernen") == 2  # the coordinator and the staff of Lünen
        assert url("role_remove", staff_role(actors).pk) in text
        herten_role = Role.objects.get(user=actors.other)
        assert url("role_remove", herten_role.pk) not in text

    def test_search(self, actors):
        response = actors.client(actors.moderator).get(url("people"), {"q": "Herten"})
        text = response.content.decode()
        assert str(actors.other) in text
        assert actors.staff.email not in text

    @pytest.mark.parametrize("extra", [3, 30])
    def test_query_count_is_fixed(self, actors, extra, django_assert_max_num_queries):
        for _ in range(extra):
            RoleFactory(network=actors.network, kind=Kind.STAFF, membership=actors.herten)
        client = actors.client(actors.moderator)
        with django_assert_max_num_queries(10):
            response = client.get(url("people"))
        assert response.content.decode().count("Rolle entfernen") == extra + 6


# --- roles ------------------------------------------------------------------------------------


class TestRoleRemove:
    def test_anonymous_goes_to_login(self, client, actors):
        assert_login_redirect(client.post(url("role_remove", staff_role(actors).pk)))
        assert Role.objects.filter(user=actors.staff).exists()

    def test_outsider_gets_404(self, actors):
        response = actors.client(actors.outsider).post(url("role_remove", staff_role(actors).pk))
        assert response.status_code == 404
        assert Role.objects.filter(user=actors.staff).exists()

    def test_role_of_another_network_is_404(self, actors):
        foreign = Role.objects.get(user=actors.outsider)
        response = actors.client(actors.moderator).post(url("role_remove", foreign.pk))
        assert response.status_code == 404
        assert Role.objects.filter(pk=foreign.pk).exists()

    @pytest.mark.parametrize("who", ["other", "staff", "expert", "observer"])
    def test_others_may_not_remove(self, actors, who):
        response = actors.client(getattr(actors, who)).post(
            url("role_remove", staff_role(actors).pk)
        )
        assert response.status_code == 403
        assert Role.objects.filter(user=actors.staff).exists()

    def test_get_is_not_allowed(self, actors):
        response = actors.client(actors.coordinator).get(url("role_remove", staff_role(actors).pk))
        assert response.status_code == 405
        assert Role.objects.filter(user=actors.staff).exists()

    def test_coordinator_removes_staff_of_own_municipality(self, actors):
        response = actors.client(actors.coordinator).post(
            url("role_remove", staff_role(actors).pk),
            {"next": url("membership_manage", "luenen")},
            follow=True,
        )
        assert not Role.objects.filter(user=actors.staff).exists()
        assert "nicht mehr" in response.content.decode()
        assert response.redirect_chain[-1][0] == url("membership_manage", "luenen")

    def test_foreign_next_is_ignored(self, actors):
        response = actors.client(actors.coordinator).post(
            url("role_remove", staff_role(actors).pk), {"next": "https://evil.example/"}
        )
        assert response["Location"] == url("people")

    def test_the_last_moderator_stays(self, actors):
        role = Role.objects.get(user=actors.moderator)
        response = actors.client(actors.moderator).post(url("role_remove", role.pk), follow=True)
        assert "mindestens eine Moderation" in response.content.decode()
        assert Role.objects.filter(pk=role.pk).exists()

    def test_moderator_removes_a_second_moderator(self, actors):
        second = RoleFactory(network=actors.network, kind=Kind.MODERATOR)
        actors.client(actors.moderator).post(url("role_remove", second.pk))
        assert not Role.objects.filter(pk=second.pk).exists()

    def test_coordinator_of_a_member_that_left_may_not_remove(self, actors):
        Membership.objects.filter(pk=actors.luenen.pk).update(left_on=date(2024, 1, 1))
        response = actors.client(actors.coordinator).post(url("role_remove", staff_role(actors).pk))
        assert response.status_code == 403
        assert Role.objects.filter(user=actors.staff).exists()


class TestRoleDepartment:
    def test_anonymous_goes_to_login(self, client, actors):
        assert_login_redirect(client.get(url("role_department", staff_role(actors).pk)))

    def test_outsider_gets_404(self, actors):
        response = actors.client(actors.outsider).get(url("role_department", staff_role(actors).pk))
        assert response.status_code == 404

    def test_other_municipality_gets_403_and_nothing_changes(self, actors):
        role = staff_role(actors)
        response = actors.client(actors.other).post(
            url("role_department", role.pk), {"department": ""}
        )
        assert response.status_code == 403
        role.refresh_from_db()
        assert role.department == actors.luenen_department

    def test_coordinator_changes_the_department(self, actors):
        role = staff_role(actors)
        it = DepartmentFactory(municipality=actors.luenen.municipality, name="IT")
        client = actors.client(actors.coordinator)
        page = client.get(url("role_department", role.pk)).content.decode()
        assert "Fachbereich zuordnen" in page and "IT" in page
        assert "Herten" not in page
        client.post(url("role_department", role.pk), {"department": it.pk})
        role.refresh_from_db()
        assert role.department == it
        client.post(url("role_department", role.pk), {"department": ""})
        role.refresh_from_db()
        assert role.department is None

    def test_department_of_another_municipality_is_refused(self, actors):
        role = staff_role(actors)
        response = actors.client(actors.coordinator).post(
            url("role_department", role.pk), {"department": actors.herten_department.pk}
        )
        assert "Bitte eine gültige Auswahl treffen" in response.content.decode()
        role.refresh_from_db()
        assert role.department == actors.luenen_department

    def test_two_people_assigning_at_once_do_not_overwrite_each_other(self, actors):
        role = staff_role(actors)
        it = DepartmentFactory(municipality=actors.luenen.municipality, name="IT")
        umwelt = DepartmentFactory(municipality=actors.luenen.municipality, name="Umweltamt")
        coordinator, moderator = actors.client(actors.coordinator), actors.client(actors.moderator)
        for client in (coordinator, moderator):  # both load the form at version 1
            page = client.get(url("role_department", role.pk)).content.decode()
            assert 'name="loaded_version" value="1"' in page
        response = coordinator.post(
            url("role_department", role.pk), {"department": it.pk, "loaded_version": 1}
        )
        assert response.status_code == 302
        response = moderator.post(
            url("role_department", role.pk), {"department": umwelt.pk, "loaded_version": 1}
        )
        text = response.content.decode()
        assert response.status_code == 200
        assert "Ihre Änderungen wurden nicht gespeichert." in text
        # The other person's change, with department names rather than ids.
        assert '<td class="text-break">Zentrale Vergabestelle</td>' in text
        assert '<td class="text-break">IT</td>' in text
        role.refresh_from_db()
        assert (role.department, role.version) == (it, 2)
        # Saving the re-shown form again is a deliberate overwrite of the current state.
        assert 'name="loaded_version" value="2"' in text
        response = moderator.post(
            url("role_department", role.pk), {"department": umwelt.pk, "loaded_version": 2}
        )
        assert response.status_code == 302
        role.refresh_from_db()
        assert (role.department, role.version) == (umwelt, 3)
        assert [h.department_id for h in role.history.order_by("history_id")] == [
            actors.luenen_department.pk,
            it.pk,
            umwelt.pk,
        ]

    def test_only_staff_roles_have_a_department(self, actors):
        coordinator_role = Role.objects.get(user=actors.coordinator)
        response = actors.client(actors.moderator).get(url("role_department", coordinator_role.pk))
        assert response.status_code == 404


# --- invitations ----------------------------------------------------------------------------


def invitation_data(**overrides):
    data = {
        "email": "Neue.Person@Example.org",
        "first_name": "Nina",
        "last_name": "Neu",
        "kind": "staff",
        "membership": "",
        "department": "",
    }
    data.update(overrides)
    return data


class TestInvitations:
    def test_anonymous_goes_to_login(self, client, actors):
        assert_login_redirect(client.get(url("invitations")))

    def test_outsider_gets_404(self, actors):
        assert actors.client(actors.outsider).get(url("invitations")).status_code == 404

    @pytest.mark.parametrize("who", ["staff", "expert", "observer"])
    def test_only_moderator_and_coordinators_invite(self, actors, who):
        client = actors.client(getattr(actors, who))
        assert client.get(url("invitations")).status_code == 403
        response = client.post(url("invitations"), invitation_data(membership=actors.luenen.pk))
        assert response.status_code == 403
        assert not Invitation.objects.exists() and mail.outbox == []

    def test_coordinator_invites_staff_of_own_municipality(self, actors):
        client = actors.client(actors.coordinator)
        page = client.get(url("invitations"), {"kommune": "luenen"}).content.decode()
        assert "Person einladen" in page
        assert '<option value="moderator"' not in page
        assert "Herten" not in page
        response = client.post(
            url("invitations"),
            invitation_data(membership=actors.luenen.pk, department=actors.luenen_department.pk),
            follow=True,
        )
        text = response.content.decode()
        assert "Die Einladung an neue.person@example.org wurde verschickt." in text
        invitation = Invitation.objects.get()
        assert (invitation.kind, invitation.membership, invitation.department) == (
            Kind.STAFF,
            actors.luenen,
            actors.luenen_department,
        )
        assert invitation.invited_by == actors.coordinator
        assert "neue.person@example.org" in text  # listed as open
        assert mail.outbox[0].to == ["neue.person@example.org"]

    def test_coordinator_may_not_invite_to_another_municipality(self, actors):
        response = actors.client(actors.other).post(
            url("invitations"), invitation_data(membership=actors.luenen.pk)
        )
        assert "Bitte eine gültige Auswahl treffen" in response.content.decode()
        assert not Invitation.objects.exists() and mail.outbox == []

    def test_coordinator_may_not_invite_a_moderator(self, actors):
        response = actors.client(actors.coordinator).post(
            url("invitations"), invitation_data(kind="moderator")
        )
        assert "Bitte eine gültige Auswahl treffen" in response.content.decode()
        assert not Invitation.objects.exists()

    def test_moderator_invites_an_expert(self, actors):
        actors.client(actors.moderator).post(url("invitations"), invitation_data(kind="expert"))
        invitation = Invitation.objects.get()
        assert invitation.kind == Kind.EXPERT and invitation.membership is None

    @pytest.mark.parametrize(
        ("overrides", "field_error"),
        [
            ({"email": "kein-at"}, "gültige E-Mail-Adresse"),
            ({"email": ""}, "Dieses Feld ist zwingend erforderlich."),
            ({"kind": "coordinator"}, "Bitte die Kommune angeben."),
            ({"kind": "expert", "membership": "LUENEN"}, "für das ganze Netzwerk"),
            ({"kind": "coordinator", "membership": "LUENEN", "department": "DEPT"}, "Fachbereich"),
            ({"kind": "staff", "membership": "HERTEN", "department": "DEPT"}, "Fachbereich"),
            ({"kind": "staff", "membership": "999999"}, "Bitte eine gültige Auswahl treffen"),
        ],
    )
    def test_bad_input_gives_german_errors(self, actors, overrides, field_error):
        placeholders = {
            "LUENEN": actors.luenen.pk,
            "HERTEN": actors.herten.pk,
            "DEPT": actors.luenen_department.pk,
        }
        data = invitation_data(
            **{key: placeholders.get(value, value) for key, value in overrides.items()}
        )
        response = actors.client(actors.moderator).post(url("invitations"), data)
        assert response.status_code == 200
        assert field_error in response.content.decode()
        assert not Invitation.objects.exists()

    def test_existing_role_and_open_invitation_are_refused(self, actors):
        client = actors.client(actors.moderator)
        response = client.post(
            url("invitations"),
            invitation_data(email=actors.staff.email.upper(), membership=actors.luenen.pk),
        )
        assert "hat diese Rolle bereits" in response.content.decode()
        client.post(url("invitations"), invitation_data(membership=actors.luenen.pk))
        again = client.post(url("invitations"), invitation_data(membership=actors.luenen.pk))
        assert "schon eine offene Einladung" in again.content.decode()
        assert Invitation.objects.count() == 1

    def test_member_that_left_cannot_be_chosen(self, actors):
        Membership.objects.filter(pk=actors.herten.pk).update(left_on=date(2024, 1, 1))
        page = actors.client(actors.moderator).get(url("invitations")).content.decode()
        assert "Lünen" in page and "Herten" not in page
        # Its coordinator has nobody left to invite for.
        assert actors.client(actors.other).get(url("invitations")).status_code == 403

    def test_lists_only_open_invitations_visible_to_the_coordinator(self, actors):
        mine, _ = services.invitation_create(
            network=actors.network,
            email="luenen-neu@example.org",
            kind=Kind.STAFF,
            membership=actors.luenen,
            invited_by=actors.coordinator,
        )
        services.invitation_create(
            network=actors.network,
            email="herten-neu@example.org",
            kind=Kind.STAFF,
            membership=actors.herten,
            invited_by=actors.other,
        )
        expired, _ = services.invitation_create(
            network=actors.network,
            email="alt@example.org",
            kind=Kind.STAFF,
            membership=actors.luenen,
            invited_by=actors.coordinator,
        )
        Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
        text = actors.client(actors.coordinator).get(url("invitations")).content.decode()
        assert "luenen-neu@example.org" in text
        assert "herten-neu@example.org" not in text
        assert "alt@example.org" not in text
        valid_until = timezone.localtime(mine.expires_at).strftime("%d.%m.%Y")
        assert valid_until in text

    @pytest.mark.parametrize("count", [2, 20])
    def test_query_count_is_fixed(self, actors, count, django_assert_max_num_queries):
        for n in range(count):
            services.invitation_create(
                network=actors.network,
                email=f"person-{n}@example.org",
                kind=Kind.STAFF,
                membership=actors.luenen,
                department=actors.luenen_department,
                invited_by=actors.coordinator,
            )
        client = actors.client(actors.moderator)
        with django_assert_max_num_queries(12):
            response = client.get(url("invitations"))
        assert response.content.decode().count("Zurückziehen") == count


class TestInvitationRevoke:
    @pytest.fixture
    def invitation(self, actors):
        invitation, _token = services.invitation_create(
            network=actors.network,
            email="neu@example.org",
            kind=Kind.STAFF,
            membership=actors.luenen,
            invited_by=actors.coordinator,
        )
        return invitation

    def test_anonymous_goes_to_login(self, client, invitation):
        assert_login_redirect(client.post(url("invitation_revoke", invitation.pk)))
        assert Invitation.objects.filter(pk=invitation.pk).exists()

    def test_outsider_gets_404(self, actors, invitation):
        response = actors.client(actors.outsider).post(url("invitation_revoke", invitation.pk))
        assert response.status_code == 404
        assert Invitation.objects.filter(pk=invitation.pk).exists()

    def test_other_municipality_gets_403(self, actors, invitation):
        response = actors.client(actors.other).post(url("invitation_revoke", invitation.pk))
        assert response.status_code == 403
        assert Invitation.objects.filter(pk=invitation.pk).exists()

    def test_coordinator_may_not_revoke_network_wide_invitations(self, actors):
        invitation, _token = services.invitation_create(
            network=actors.network,
            email="expertin@example.org",
            kind=Kind.EXPERT,
            invited_by=actors.moderator,
        )
        response = actors.client(actors.coordinator).post(url("invitation_revoke", invitation.pk))
        assert response.status_code == 403
        assert Invitation.objects.filter(pk=invitation.pk).exists()

    def test_coordinator_revokes_and_the_link_dies(self, actors, client):
        invitation, token = services.invitation_create(
            network=actors.network,
            email="widerruf@example.org",
            kind=Kind.STAFF,
            membership=actors.luenen,
            invited_by=actors.coordinator,
        )
        response = actors.client(actors.coordinator).post(
            url("invitation_revoke", invitation.pk), follow=True
        )
        assert "wurde zurückgezogen" in response.content.decode()
        assert not Invitation.objects.filter(pk=invitation.pk).exists()
        dead = client.get(reverse("invitation_accept", args=[token]))
        assert dead.status_code == 404
        assert "unbekannt oder wurde zurückgezogen" in dead.content.decode()


# --- members --------------------------------------------------------------------------------


def new_member(**overrides):
    data = {
        "existing": "",
        "joined_on": "2026-01-01",
        "name": "Selm",
        "slug": "selm",
        "kind": "stadt",
        "ags": "05978032",
        "population": "26000",
        "parent": "",
    }
    data.update(overrides)
    return data


class TestMemberAdd:
    def test_anonymous_goes_to_login(self, client, actors):
        assert_login_redirect(client.get(url("member_add")))

    def test_outsider_gets_404(self, actors):
        response = actors.client(actors.outsider).post(url("member_add"), new_member())
        assert response.status_code == 404
        assert not Municipality.objects.filter(slug="selm").exists()

    def test_coordinator_gets_403(self, actors):
        response = actors.client(actors.coordinator).post(url("member_add"), new_member())
        assert response.status_code == 403
        assert not Municipality.objects.filter(slug="selm").exists()

    def test_moderator_adds_a_new_municipality(self, actors):
        kreis = Municipality.objects.create(
            name="Kreis Unna", slug="kreis-unna", kind="kreis", ags="05978"
        )
        response = actors.client(actors.moderator).post(
            url("member_add"), new_member(parent=kreis.pk), follow=True
        )
        assert "Selm ist jetzt Mitglied im Netzwerk." in response.content.decode()
        membership = Membership.objects.get(network=actors.network, municipality__slug="selm")
        assert membership.joined_on == date(2026, 1, 1)
        assert membership.municipality.parent == kreis

    def test_moderator_adds_an_existing_municipality(self, actors):
        # Hamm is a member of Hellweg, which this moderator moderates too; anything else:
        # tests/network/test_membership_requests.py.
        RoleFactory(user=actors.moderator, network=actors.other_network, kind=Kind.MODERATOR)
        hamm = actors.other_membership.municipality
        client = actors.client(actors.moderator)
        page = client.get(url("member_add")).content.decode()
        assert "Hamm" in page
        client.post(url("member_add"), {"existing": hamm.pk, "joined_on": "2026-02-01", "name": ""})
        assert Membership.objects.filter(network=actors.network, municipality=hamm).exists()

    def test_a_member_cannot_be_added_twice(self, actors):
        response = actors.client(actors.moderator).post(
            url("member_add"),
            {"existing": actors.luenen.municipality.pk, "joined_on": "2026-02-01"},
        )
        assert "Bitte eine gültige Auswahl treffen" in response.content.decode()

    @pytest.mark.parametrize(
        ("overrides", "message"),
        [
            ({"ags": "1234"}, "8 Ziffern (bei einem Kreis aus 5)"),
            ({"ags": "17978032"}, "ein Land bezeichnen (01 bis 16)"),
            ({"kind": "kreis"}, "Ein Kreis hat einen 5-stelligen Schlüssel."),
            ({"ags": "05978"}, "8-stelligen Schlüssel"),
            ({"ags": "05978024"}, "Diese Kommune ist schon Mitglied im Netzwerk."),
            ({"name": "", "slug": ""}, "Bitte ausfüllen, wenn Sie eine neue Kommune anlegen."),
            ({"joined_on": "31.02.2026"}, "Den 31.02.2026 gibt es nicht."),
            ({"population": "-5"}, "größer oder gleich 0"),
        ],
    )
    def test_bad_input_gives_german_errors(self, actors, overrides, message):
        response = actors.client(actors.moderator).post(url("member_add"), new_member(**overrides))
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Membership.objects.filter(municipality__slug="selm").exists()

    def test_ags_must_start_with_the_kreis(self, actors):
        kreis = Municipality.objects.create(
            name="Kreis Soest", slug="kreis-soest", kind="kreis", ags="05974"
        )
        response = actors.client(actors.moderator).post(
            url("member_add"), new_member(parent=kreis.pk)
        )
        assert "muss mit dem des Kreises (05974) beginnen" in response.content.decode()
        assert not Municipality.objects.filter(slug="selm").exists()


class TestMembershipEdit:
    def test_anonymous_goes_to_login(self, client, actors):
        assert_login_redirect(client.get(url("membership_edit", "luenen")))

    def test_outsider_gets_404(self, actors):
        response = actors.client(actors.outsider).get(url("membership_edit", "luenen"))
        assert response.status_code == 404

    def test_coordinator_gets_403(self, actors):
        response = actors.client(actors.coordinator).post(
            url("membership_edit", "luenen"),
            {"joined_on": "2022-09-01", "left_on": "2025-12-31", "loaded_version": 1},
        )
        assert response.status_code == 403
        actors.luenen.refresh_from_db()
        assert actors.luenen.left_on is None

    def test_moderator_marks_a_member_as_left_then_it_is_read_only(self, actors):
        left = timezone.localdate() - timedelta(days=1)
        response = actors.client(actors.moderator).post(
            url("membership_edit", "luenen"),
            {"joined_on": "2022-09-01", "left_on": left.isoformat(), "loaded_version": 1},
            follow=True,
        )
        text = response.content.decode()
        assert "Die Mitgliedschaft wurde gespeichert." in text
        assert "aus dem Netzwerk ausgetreten" in text
        actors.luenen.refresh_from_db()
        assert actors.luenen.left_on == left and actors.luenen.version == 2
        # Still readable, no longer manageable by its coordinator.
        coordinator = actors.client(actors.coordinator)
        assert coordinator.get(url("membership", "luenen")).status_code == 200
        assert coordinator.get(url("membership_manage", "luenen")).status_code == 403

    def test_left_before_joined_is_a_german_error(self, actors):
        response = actors.client(actors.moderator).post(
            url("membership_edit", "luenen"),
            {"joined_on": "2022-09-01", "left_on": "2021-01-01", "loaded_version": 1},
        )
        assert "Der Austritt kann nicht vor dem Beitritt liegen." in response.content.decode()
        actors.luenen.refresh_from_db()
        assert actors.luenen.left_on is None

    def test_a_stale_form_is_refused_and_shows_the_other_change(self, actors):
        client = actors.client(actors.moderator)
        client.post(
            url("membership_edit", "luenen"),
            {"joined_on": "2022-10-01", "left_on": "", "loaded_version": 1},
        )
        response = client.post(
            url("membership_edit", "luenen"),
            {"joined_on": "2022-09-01", "left_on": "2025-01-01", "loaded_version": 1},
        )
        text = response.content.decode()
        assert "Jemand anderes hat diesen Eintrag gespeichert" in text
        assert "Beigetreten am" in text
        actors.luenen.refresh_from_db()
        assert actors.luenen.joined_on == date(2022, 10, 1) and actors.luenen.left_on is None


# --- a municipality's departments and people -------------------------------------------------


class TestMembershipManage:
    def test_anonymous_goes_to_login(self, client, actors):
        assert_login_redirect(client.get(url("membership_manage", "luenen")))

    def test_outsider_gets_404(self, actors):
        response = actors.client(actors.outsider).get(url("membership_manage", "luenen"))
        assert response.status_code == 404

    @pytest.mark.parametrize("who", ["other", "staff", "expert", "observer"])
    def test_others_get_403(self, actors, who):
        response = actors.client(getattr(actors, who)).get(url("membership_manage", "luenen"))
        assert response.status_code == 403

    @pytest.mark.parametrize("who", ["coordinator", "moderator"])
    def test_shows_departments_and_people(self, actors, who):
        text = actors.client(getattr(actors, who)).get(url("membership_manage", "luenen"))
        text = text.content.decode()
        assert "Lünen verwalten" in text
        assert "Zentrale Vergabestelle" in text
        assert str(actors.staff) in text and str(actors.coordinator) in text
        assert str(actors.other) not in text
        assert url("role_department", staff_role(actors).pk) in text

    def test_member_page_links_here_for_coordinators_only(self, actors):
        link = url("membership_manage", "luenen")
        assert (
            link
            in actors.client(actors.coordinator).get(url("membership", "luenen")).content.decode()
        )
        assert (
            link
            not in actors.client(actors.other).get(url("membership", "luenen")).content.decode()
        )

    @pytest.mark.parametrize("size", [2, 20])
    def test_query_count_is_fixed(self, actors, size, django_assert_max_num_queries):
        municipality = actors.luenen.municipality
        for _ in range(size):
            department = DepartmentFactory(municipality=municipality)
            RoleFactory(
                network=actors.network,
                kind=Kind.STAFF,
                membership=actors.luenen,
                department=department,
                user=UserFactory(),
            )
        client = actors.client(actors.coordinator)
        with django_assert_max_num_queries(12):
            response = client.get(url("membership_manage", "luenen"))
        assert response.content.decode().count("Fachbereich ändern") == size + 1


class TestDepartments:
    def test_anonymous_goes_to_login(self, client, actors):
        assert_login_redirect(client.post(url("department_create", "luenen"), {"name": "IT"}))
        assert not Department.objects.filter(name="IT").exists()

    def test_outsider_gets_404(self, actors):
        response = actors.client(actors.outsider).post(
            url("department_create", "luenen"), {"name": "IT"}
        )
        assert response.status_code == 404
        assert not Department.objects.filter(name="IT").exists()

    def test_other_municipality_gets_403_and_nothing_changes(self, actors):
        client = actors.client(actors.other)
        department = actors.luenen_department
        assert client.post(url("department_create", "luenen"), {"name": "IT"}).status_code == 403
        response = client.post(
            url("department_edit", "luenen", department.pk), {"name": "Umbenannt"}
        )
        assert response.status_code == 403
        response = client.post(url("department_delete", "luenen", department.pk))
        assert response.status_code == 403
        department.refresh_from_db()
        assert department.name == "Zentrale Vergabestelle"
        assert not Department.objects.filter(name="IT").exists()

    def test_department_of_another_municipality_is_404_through_own_url(self, actors):
        # Herten's coordinator may manage Herten, but Lünen's department is not found there.
        department = actors.luenen_department
        client = actors.client(actors.other)
        response = client.post(
            url("department_edit", "herten", department.pk), {"name": "Umbenannt"}
        )
        assert response.status_code == 404
        assert client.post(url("department_delete", "herten", department.pk)).status_code == 404
        department.refresh_from_db()
        assert department.name == "Zentrale Vergabestelle"

    def test_coordinator_creates_renames_and_deletes(self, actors):
        client = actors.client(actors.coordinator)
        response = client.post(
            url("department_create", "luenen"),
            {"name": "  Umwelt   und Klimaschutz ", "email": "umwelt@luenen.de"},
            follow=True,
        )
        assert (
            "Der Fachbereich „Umwelt und Klimaschutz“ wurde angelegt." in response.content.decode()
        )
        department = Department.objects.get(name="Umwelt und Klimaschutz")
        assert department.municipality == actors.luenen.municipality
        form = client.get(url("department_edit", "luenen", department.pk)).content.decode()
        assert "Fachbereich bearbeiten" in form and "umwelt@luenen.de" in form
        client.post(
            url("department_edit", "luenen", department.pk),
            {"name": "Klimaschutz", "email": "", "loaded_version": department.version},
        )
        department.refresh_from_db()
        assert department.name == "Klimaschutz" and department.version == 2
        response = client.post(url("department_delete", "luenen", department.pk), follow=True)
        assert "wurde gelöscht" in response.content.decode()
        assert not Department.objects.filter(pk=department.pk).exists()

    def test_deleting_a_department_keeps_its_staff(self, actors):
        actors.client(actors.coordinator).post(
            url("department_delete", "luenen", actors.luenen_department.pk)
        )
        role = staff_role(actors)
        assert role.department is None

    def test_delete_needs_post(self, actors):
        response = actors.client(actors.coordinator).get(
            url("department_delete", "luenen", actors.luenen_department.pk)
        )
        assert response.status_code == 405

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("", "Dieses Feld ist zwingend erforderlich."),
            ("zentrale vergabestelle", "Diesen Fachbereich gibt es in der Kommune schon."),
            ("x" * 201, "höchstens 200 Zeichen"),
        ],
    )
    def test_bad_input_gives_german_errors(self, actors, name, message):
        response = actors.client(actors.coordinator).post(
            url("department_create", "luenen"), {"name": name, "email": "kein-at"}
        )
        text = response.content.decode()
        assert message in text
        assert "gültige E-Mail-Adresse" in text
        assert Department.objects.filter(municipality=actors.luenen.municipality).count() == 1

    def test_a_stale_rename_is_refused(self, actors):
        department = actors.luenen_department
        client = actors.client(actors.coordinator)
        client.post(
            url("department_edit", "luenen", department.pk),
            {"name": "Vergabe", "loaded_version": 1},
        )
        response = client.post(
            url("department_edit", "luenen", department.pk),
            {"name": "Einkauf", "loaded_version": 1},
        )
        text = response.content.decode()
        assert "Jemand anderes hat diesen Eintrag gespeichert" in text
        assert "Vergabe" in text
        department.refresh_from_db()
        assert department.name == "Vergabe"

    def test_after_a_conflict_saving_again_overwrites_deliberately(self, actors):
        department = actors.luenen_department
        client = actors.client(actors.coordinator)
        client.post(
            url("department_edit", "luenen", department.pk),
            {"name": "Vergabe", "loaded_version": 1},
        )
        response = client.post(
            url("department_edit", "luenen", department.pk),
            {"name": "Einkauf", "loaded_version": 1},
        )
        text = response.content.decode()
        assert "Zentrale Vergabestelle" in text and "Vergabe" in text
        assert 'name="loaded_version" value="2"' in text
        department.refresh_from_db()
        assert department.name == "Vergabe"
        response = client.post(
            url("department_edit", "luenen", department.pk),
            {"name": "Einkauf", "loaded_version": 2},
        )
        assert response.status_code == 302
        department.refresh_from_db()
        assert (department.name, department.version) == ("Einkauf", 3)

    def test_history_records_the_rename(self, actors):
        department = actors.luenen_department
        actors.client(actors.coordinator).post(
            url("department_edit", "luenen", department.pk),
            {"name": "Vergabe", "loaded_version": 1},
        )
        latest = department.history.first()
        assert latest.name == "Vergabe" and latest.history_user == actors.coordinator


class TestNetworkOverview:
    def test_moderator_sees_management_links(self, actors):
        text = actors.client(actors.moderator).get(url("network")).content.decode()
        assert url("member_add") in text and url("invitations") in text
        assert url("people") in text

    def test_member_sees_directory_but_no_management(self, actors):
        text = actors.client(actors.staff).get(url("network")).content.decode()
        assert url("people") in text
        assert url("member_add") not in text


class TestDepartmentWithData:
    def test_a_department_with_approvals_is_not_deleted(self, actors):
        from tests.procurement.factories import DepartmentApprovalFactory

        approval = DepartmentApprovalFactory(
            adoption__membership=actors.luenen, department=actors.luenen_department
        )
        response = actors.client(actors.coordinator).post(
            url("department_delete", "luenen", actors.luenen_department.pk), follow=True
        )
        text = response.content.decode()
        assert "kann nicht gelöscht werden, weil noch Daten an ihm hängen" in text
        assert Department.objects.filter(pk=actors.luenen_department.pk).exists()
        assert type(approval).objects.filter(pk=approval.pk).exists()
        assert staff_role(actors).department == actors.luenen_department


def test_area_navigation_links_the_directory(actors):
    text = actors.client(actors.staff).get(url("network")).content.decode()
    nav = text[text.index('aria-label="Bereiche des Netzwerks"') :]
    assert f'href="{url("people")}"' in nav[: nav.index("</nav>")]


def test_people_pages_keep_the_search(actors):
    for n in range(55):
        RoleFactory(
            network=actors.network,
            kind=Kind.STAFF,
            membership=actors.herten,
            user=UserFactory(last_name=f"Herten-Person {n}"),
        )
    client = actors.client(actors.moderator)
    first = client.get(url("people"), {"q": "Herten & Co"}).content.decode()
    assert "Keine Personen gefunden." in first
    first = client.get(url("people"), {"q": "Herten"}).content.decode()
    assert "Seite 1 von 2" in first
    assert "?q=Herten&amp;page=2" in first
    second = client.get(url("people"), {"q": "Herten", "page": "2"}).content.decode()
    assert "Seite 2 von 2" in second
    assert client.get(url("people"), {"page": "kaputt"}).status_code == 200


class TestHistoryPages:
    """Verlauf of a membership and of a department: everyone in the network reads it."""

    def test_anonymous_goes_to_login(self, client, actors):
        assert_login_redirect(client.get(url("membership_history", "luenen")))
        assert_login_redirect(
            client.get(url("department_history", "luenen", actors.luenen_department.pk))
        )

    def test_outsider_gets_404(self, actors):
        client = actors.client(actors.outsider)
        assert client.get(url("membership_history", "luenen")).status_code == 404
        response = client.get(url("department_history", "luenen", actors.luenen_department.pk))
        assert response.status_code == 404

    def test_foreign_department_and_unknown_member_are_404(self, actors):
        client = actors.client(actors.moderator)
        response = client.get(url("department_history", "luenen", actors.herten_department.pk))
        assert response.status_code == 404
        assert client.get(url("membership_history", "hamm")).status_code == 404
        assert client.get("/n/knn/kommunen/luenen/fachbereiche/abc/verlauf/").status_code == 404

    def test_who_marked_a_member_as_left(self, actors):
        actors.client(actors.moderator).post(
            url("membership_edit", "luenen"),
            {"joined_on": "2022-09-01", "left_on": "2024-12-31", "loaded_version": 1},
        )
        member_page = actors.client(actors.observer).get(url("membership", "luenen"))
        assert url("membership_history", "luenen") in member_page.content.decode()
        text = actors.client(actors.observer).get(url("membership_history", "luenen"))
        text = text.content.decode()
        assert "Verlauf: Lünen" in text
        assert "Ausgetreten am" in text and "31.12.2024" in text
        assert str(actors.moderator) in text and "geändert" in text

    def test_who_renamed_a_department(self, actors):
        department = actors.luenen_department
        actors.client(actors.coordinator).post(
            url("department_edit", "luenen", department.pk),
            {"name": "Vergabe und Einkauf", "loaded_version": 1},
        )
        client = actors.client(actors.other)  # another member reads along
        member_page = client.get(url("membership", "luenen")).content.decode()
        assert url("department_history", "luenen", department.pk) in member_page
        text = client.get(url("department_history", "luenen", department.pk)).content.decode()
        assert "Verlauf: Vergabe und Einkauf" in text
        assert "Zentrale Vergabestelle" in text
        assert str(actors.coordinator) in text

    @pytest.mark.parametrize("renames", [1, 12])
    def test_query_count_is_fixed(self, actors, renames, django_assert_max_num_queries):
        department = actors.luenen_department
        for n in range(renames):
            department.name = f"Fassung {n}"
            department.save()
        client = actors.client(actors.observer)
        with django_assert_max_num_queries(12):
            response = client.get(url("department_history", "luenen", department.pk))
        assert response.content.decode().count("Fassung ") >= renames
