"""Model rules of people and networks: AGS, roles, memberships, users, invitations."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from network.models import Invitation, Membership, Municipality, Role, User
from network.models.people import hash_token, validate_ags
from tests.factories import DepartmentFactory, MembershipFactory, NetworkFactory, UserFactory

pytestmark = pytest.mark.django_db


class TestAgsFormat:
    @pytest.mark.parametrize("ags", ["05978024", "05978", "01001000", "16077000", "09162000"])
    def test_valid(self, ags):
        validate_ags(ags)

    @pytest.mark.parametrize(
        ("ags", "message"),
        [
            ("0597802", "8 Ziffern (bei einem Kreis aus 5)"),
            ("059780241", "8 Ziffern"),
            ("05A78024", "8 Ziffern"),
            ("", "8 Ziffern"),
            ("00978024", "ein Land bezeichnen (01 bis 16)"),
            ("17978024", "ein Land bezeichnen (01 bis 16)"),
            ("99978", "ein Land bezeichnen"),
        ],
    )
    def test_invalid(self, ags, message):
        with pytest.raises(ValidationError) as error:
            validate_ags(ags)
        assert message in error.value.messages[0]


def municipality(**kwargs):
    defaults = {"name": "Selm", "slug": "selm", "kind": Municipality.Kind.STADT, "ags": "05978032"}
    defaults.update(kwargs)
    return Municipality(**defaults)


class TestMunicipalityClean:
    def test_stadt_gemeinde_and_kreis(self):
        kreis = municipality(name="Kreis Unna", slug="kreis-unna", kind="kreis", ags="05978")
        kreis.full_clean()
        kreis.save()
        municipality(parent=kreis).full_clean()
        municipality(kind="gemeinde", ags="05978004", parent=kreis).full_clean()

    @pytest.mark.parametrize(
        ("kwargs", "field", "message"),
        [
            ({"ags": "05978"}, "ags", "8-stelligen Schlüssel"),
            ({"kind": "gemeinde", "ags": "05974"}, "ags", "8-stelligen Schlüssel"),
            ({"kind": "kreis", "ags": "05978032"}, "ags", "5-stelligen Schlüssel"),
            ({"ags": "18978032"}, "ags", "01 bis 16"),
        ],
    )
    def test_key_length_fits_the_kind(self, kwargs, field, message):
        with pytest.raises(ValidationError) as error:
            municipality(**kwargs).full_clean()
        assert message in " ".join(error.value.message_dict[field])

    def test_key_starts_with_the_kreis(self):
        kreis = Municipality.objects.create(
            name="Kreis Soest", slug="kreis-soest", kind="kreis", ags="05974"
        )
        with pytest.raises(ValidationError) as error:
            municipality(parent=kreis).full_clean()
        assert "muss mit dem des Kreises (05974) beginnen" in error.value.message_dict["ags"][0]

    def test_parent_must_be_a_kreis_and_a_kreis_has_none(self):
        stadt = Municipality.objects.create(name="Hamm", slug="hamm", kind="stadt", ags="05915000")
        with pytest.raises(ValidationError) as error:
            municipality(ags="05915001", parent=stadt).full_clean()
        assert "nur ein Kreis" in " ".join(error.value.message_dict["parent"])
        kreis = Municipality.objects.create(
            name="Kreis Unna", slug="kreis-unna", kind="kreis", ags="05978"
        )
        with pytest.raises(ValidationError) as error:
            municipality(kind="kreis", ags="05979", parent=kreis).full_clean()
        assert "Ein Kreis gehört zu keinem Kreis." in error.value.message_dict["parent"]

    def test_key_is_unique(self):
        municipality().save()
        with pytest.raises(ValidationError) as error:
            municipality(slug="selm-2").full_clean()
        assert "existiert bereits" in error.value.message_dict["ags"][0]

    def test_history_is_kept(self):
        stadt = municipality()
        stadt.save()
        stadt.population = 26_000
        stadt.save()
        assert stadt.history.count() == 2


class TestMembership:
    def test_active_and_left(self):
        today = timezone.localdate()
        current = MembershipFactory()
        left = MembershipFactory(left_on=today)
        future = MembershipFactory(joined_on=today + timedelta(days=3))
        assert current.is_active and not left.is_active
        assert set(Membership.objects.active()) == {current}
        assert set(Membership.objects.active(on=today - timedelta(days=1))) == {current, left}
        assert future not in Membership.objects.active()

    def test_left_not_before_joined(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            MembershipFactory(joined_on=date(2024, 1, 1), left_on=date(2023, 12, 31))

    def test_a_municipality_joins_a_network_once(self):
        membership = MembershipFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            MembershipFactory(network=membership.network, municipality=membership.municipality)


class TestRole:
    def test_member_roles_need_a_member_of_the_same_network(self):
        network = NetworkFactory()
        foreign = MembershipFactory()
        user = UserFactory()
        with pytest.raises(ValidationError) as error:
            Role(user=user, network=network, kind=Role.Kind.COORDINATOR).full_clean()
        assert "Bitte die Kommune angeben." in error.value.message_dict["membership"]
        with pytest.raises(ValidationError) as error:
            Role(user=user, network=network, kind=Role.Kind.STAFF, membership=foreign).full_clean()
        assert "nicht Mitglied im Netzwerk" in error.value.message_dict["membership"][0]

    def test_network_roles_have_no_member(self):
        membership = MembershipFactory()
        with pytest.raises(ValidationError) as error:
            Role(
                user=UserFactory(),
                network=membership.network,
                kind=Role.Kind.EXPERT,
                membership=membership,
            ).full_clean()
        assert "ganze Netzwerk" in error.value.message_dict["membership"][0]

    def test_department_of_the_own_municipality_only(self):
        membership = MembershipFactory()
        foreign_department = DepartmentFactory()
        with pytest.raises(ValidationError) as error:
            Role(
                user=UserFactory(),
                network=membership.network,
                kind=Role.Kind.STAFF,
                membership=membership,
                department=foreign_department,
            ).full_clean()
        assert "gehört nicht zu dieser Kommune" in error.value.message_dict["department"][0]

    def test_database_refuses_a_department_on_a_coordinator(self):
        membership = MembershipFactory()
        department = DepartmentFactory(municipality=membership.municipality)
        with pytest.raises(IntegrityError), transaction.atomic():
            Role.objects.create(
                user=UserFactory(),
                network=membership.network,
                kind=Role.Kind.COORDINATOR,
                membership=membership,
                department=department,
            )

    def test_one_network_role_per_kind(self):
        network = NetworkFactory()
        user = UserFactory()
        Role.objects.create(user=user, network=network, kind=Role.Kind.OBSERVER)
        with pytest.raises(IntegrityError), transaction.atomic():
            Role.objects.create(user=user, network=network, kind=Role.Kind.OBSERVER)


class TestUser:
    def test_email_is_stored_lower_case_and_found_in_any_case(self):
        user = User.objects.create_user("Erika.Muster@Example.ORG", "Kq7#mZ2!vR9x")
        assert user.email == "erika.muster@example.org"
        assert User.objects.get_by_natural_key("ERIKA.MUSTER@example.org") == user
        assert User.USERNAME_FIELD == "email"

    def test_e_mail_is_unique(self):
        User.objects.create_user("a@example.org")
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create_user("A@example.org")

    def test_str_is_the_name_or_the_address(self):
        assert str(UserFactory.build(first_name="Erika", last_name="Muster")) == "Erika Muster"
        assert str(UserFactory.build(first_name="", last_name="", email="x@example.org")) == (
            "x@example.org"
        )

    def test_calendar_token_renewal(self):
        user = UserFactory()
        before = user.calendar_token
        user.renew_calendar_token()
        user.refresh_from_db()
        assert user.calendar_token != before and len(user.calendar_token) >= 40


class TestInvitation:
    def test_open_excludes_accepted_and_expired(self):
        network = NetworkFactory()
        now = timezone.now()

        def invitation(token, **kwargs):
            return Invitation.objects.create(
                network=network,
                email=f"{token}@example.org",
                kind=Role.Kind.OBSERVER,
                token_hash=hash_token(token),
                expires_at=kwargs.pop("expires_at", now + Invitation.VALID_FOR),
                **kwargs,
            )

        fresh = invitation("frisch")
        invitation("angenommen", accepted_at=now)
        invitation("abgelaufen", expires_at=now - timedelta(seconds=1))
        assert list(Invitation.objects.open()) == [fresh]

    def test_hash_token_is_sha256(self):
        assert hash_token("abc") == (
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )
        assert timedelta(days=14) == Invitation.VALID_FOR
