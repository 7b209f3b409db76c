"""Network overview, member page, dashboard skeleton, health check."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def overview_url(slug="knn"):
    return reverse("network:network", args=[slug])


def member_url(municipality="luenen", slug="knn"):
    return reverse("network:membership", args=[slug, municipality])


class TestNetworkOverview:
    def test_anonymous_goes_to_login(self, client, actors):
        response = client.get(overview_url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_outsider_gets_404(self, actors):
        assert actors.client(actors.outsider).get(overview_url()).status_code == 404

    def test_unknown_network_is_404_like_a_foreign_one(self, actors):
        assert actors.client(actors.moderator).get(overview_url("gibt-es-nicht")).status_code == 404

    def test_member_sees_members_and_moderation(self, actors):
        response = actors.client(actors.other).get(overview_url())
        text = response.content.decode()
        assert response.status_code == 200
        assert "Lünen" in text and "Herten" in text
        assert "Green Navigation GmbH, Unna" in text
        assert str(actors.moderator) in text
        assert "Hamm" not in text

    @pytest.mark.parametrize("members", [2, 12])
    def test_query_count_does_not_grow_with_members(
        self, actors, members, django_assert_max_num_queries
    ):
        for _ in range(members):
            MembershipFactory(network=actors.network)
        client = actors.client(actors.moderator)
        with django_assert_max_num_queries(12):
            response = client.get(overview_url())
        assert response.content.decode().count("/kommunen/") >= members + 2


class TestMembershipPage:
    def test_anonymous_goes_to_login(self, client, actors):
        assert client.get(member_url()).status_code == 302

    def test_outsider_gets_404(self, actors):
        assert actors.client(actors.outsider).get(member_url()).status_code == 404

    def test_municipality_outside_the_network_is_404(self, actors):
        # Hamm exists, but only in the other network.
        assert actors.client(actors.moderator).get(member_url("hamm")).status_code == 404

    def test_shows_key_and_people(self, actors):
        response = actors.client(actors.other).get(member_url())
        text = response.content.decode()
        assert "05978024" in text
        assert str(actors.coordinator) in text
        assert "Zentrale Vergabestelle" in text

    @pytest.mark.parametrize("departments", [1, 10])
    def test_query_count_is_fixed(self, actors, departments, django_assert_max_num_queries):
        from tests.factories import DepartmentFactory

        for _ in range(departments):
            DepartmentFactory(municipality=actors.luenen.municipality)
        client = actors.client(actors.coordinator)
        # Two of them for the trend charts: the data stamp and, until kept, the snapshots.
        with django_assert_max_num_queries(14):
            response = client.get(member_url())
        assert response.content.decode().count("Fachbereich ") >= departments


class TestDashboard:
    def test_outsider_gets_404(self, actors):
        url = reverse("network:dashboard", args=["knn"])
        assert actors.client(actors.outsider).get(url).status_code == 404

    def test_moderator_sees_every_member(self, actors):
        extra = MembershipFactory(
            network=actors.network, municipality=MunicipalityFactory(name="Welver")
        )
        response = actors.client(actors.moderator).get(reverse("network:dashboard", args=["knn"]))
        text = response.content.decode()
        for name in ("Lünen", "Herten", extra.municipality.name):
            assert name in text


class TestHealth:
    def test_reports_database_and_broker(self, client, settings):
        settings.CELERY_BROKER_URL = ""
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}

    def test_unreachable_broker_answers_503(self, client, settings):
        settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["broker"].startswith("error")
        assert response.json()["database"] == "ok"
