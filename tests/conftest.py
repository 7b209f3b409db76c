"""Shared fixtures: the named actors every permission test uses.

In the network "knn" Lünen and Herten are members. The actors:
- moderator, expert, observer: network-wide roles;
- coordinator: coordinates Lünen; staff: works for Lünen in its Vergabestelle;
- other: coordinates Herten (a member of another municipality);
- outsider: staff of a member of another network only;
- anonymous: nobody logged in (the plain `client`).
"""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from network.models import Role
from tests.factories import (
    DepartmentFactory,
    MembershipFactory,
    MunicipalityFactory,
    NetworkFactory,
    RoleFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # PBKDF2 costs ~0.1 s per password on these cores; the tests do not test hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    # Reports and uploads a test stores (the demo builds two reports) stay out of var/.
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _empty_cache():
    # The database is rolled back after every test, the in-memory cache is not: on SQLite
    # ids are reused, so a later test could meet a network's figures of an earlier one.
    cache.clear()


@pytest.fixture(autouse=True)
def _no_overview_refresh(settings):
    # No worker consumes the default queue during the suite; test_overview_refresh.py
    # switches it on where the sending itself is tested.
    settings.OVERVIEW_REFRESH = False


@pytest.fixture(autouse=True)
def _german_again_after_each_test():
    yield
    # The locale middleware activates a visitor's language for the thread and leaves it
    # active: a test that switches to English must not leave later tests in English.
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def deliver_mail():
    """Send what waits in the outbox now, as the beat sweeper does every minute. Without a
    broker the mails went out after commit already; with one (CI) nothing in the suite
    consumes its queue, so tests that read mails deliver them this way."""
    from network.notifications import outbox

    return outbox.outbox_sweep


@dataclass
class Actors:
    network: object
    luenen: object  # Membership of Lünen
    herten: object  # Membership of Herten
    luenen_department: object
    herten_department: object
    moderator: object
    expert: object
    observer: object
    coordinator: object
    staff: object
    other: object
    outsider: object
    other_network: object
    other_membership: object

    def client(self, user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture
def actors(db) -> Actors:
    network = NetworkFactory(name="Kommunales Netzwerk Nachhaltigkeit", slug="knn")
    luenen = MembershipFactory(
        network=network,
        municipality=MunicipalityFactory(name="Lünen", slug="luenen", ags="05978024"),
    )
    herten = MembershipFactory(
        network=network,
        municipality=MunicipalityFactory(name="Herten", slug="herten", ags="05562020"),
    )
    luenen_department = DepartmentFactory(
        municipality=luenen.municipality, name="Zentrale Vergabestelle"
    )
    herten_department = DepartmentFactory(
        municipality=herten.municipality, name="Zentrale Vergabestelle"
    )

    def role(kind, membership=None, department=None, net=network, email=None):
        user = UserFactory(email=email) if email else UserFactory()
        RoleFactory(user=user, network=net, kind=kind, membership=membership, department=department)
        return user

    other_network = NetworkFactory(name="Klimanetzwerk Hellweg", slug="hellweg")
    other_membership = MembershipFactory(
        network=other_network,
        municipality=MunicipalityFactory(name="Hamm", slug="hamm", ags="05915000"),
    )
    return Actors(
        network=network,
        luenen=luenen,
        herten=herten,
        luenen_department=luenen_department,
        herten_department=herten_department,
        moderator=role(Role.Kind.MODERATOR, email="moderatorin@example.org"),
        expert=role(Role.Kind.EXPERT),
        observer=role(Role.Kind.OBSERVER),
        coordinator=role(Role.Kind.COORDINATOR, luenen, email="koordination.luenen@example.org"),
        staff=role(Role.Kind.STAFF, luenen, luenen_department),
        other=role(Role.Kind.COORDINATOR, herten, email="koordination.herten@example.org"),
        outsider=role(Role.Kind.STAFF, other_membership, net=other_network),
        other_network=other_network,
        other_membership=other_membership,
    )
