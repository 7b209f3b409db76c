"""factory_boy factories for the network app (topic apps keep theirs in tests/<app>/)."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from network.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Department,
    Meeting,
    Membership,
    Municipality,
    Network,
    Role,
    User,
)

TEST_PASSWORD = "ein-sicheres-Passwort-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Netzwerk {n}")
    slug = factory.Sequence(lambda n: f"netzwerk-{n}")
    started_on = date(2022, 9, 1)
    moderating_organisation = "Green Navigation GmbH, Unna"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Musterstadt {n}")
    slug = factory.Sequence(lambda n: f"musterstadt-{n}")
    kind = Municipality.Kind.STADT
    # NRW (05), a made-up Kreis 999, then a running number: always 8 valid digits.
    ags = factory.Sequence(lambda n: f"05999{n % 1000:03d}" if n < 1000 else f"06{n:06d}")
    population = 50_000


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    joined_on = date(2022, 9, 1)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Fachbereich {n}")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    network = factory.SubFactory(NetworkFactory)
    kind = Role.Kind.MODERATOR


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    network = factory.SubFactory(NetworkFactory)
    kind = Meeting.Kind.NETWORK_MEETING
    title = factory.Sequence(lambda n: f"Netzwerktreffen {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=3))
    location = "Rathaus"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Punkt {n}")
    duration_minutes = 30


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda n: f"Aufgabe {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
