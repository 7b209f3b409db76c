"""Releasing a member's public sections, the moderator's approval and the settings of the
public page (/n/<netz>/oeffentlich/…)."""

import pytest
from django.urls import reverse

from network.models import Report
from network.models.public import Publication, Release
from network.services.public import release_approve, release_set
from tests.network import test_public_pages as pages

pytestmark = pytest.mark.django_db

sections = pages.sections  # the test-only public sections
annual_report = pages.annual_report


def manage():
    return reverse("network:public_manage", args=["knn"])


def settings_url():
    return reverse("network:public_settings", args=["knn"])


def release_url(slug="luenen"):
    return reverse("network:public_release", args=["knn", slug])


def approve_url(release):
    return reverse("network:public_approve", args=["knn", release.pk])


def rows():
    return sorted(
        Release.objects.values_list(
            "membership__municipality__slug", "section", "released", "approved"
        )
    )


class TestManagePage:
    def test_anonymous_goes_to_login_and_outsider_gets_404(self, actors, sections, client):
        for target in (manage(), settings_url()):
            response = client.get(target)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("login"))
            assert actors.client(actors.outsider).get(target).status_code == 404

    def test_everybody_in_the_network_reads_it(self, actors, sections):
        release_set(membership=actors.luenen, sections=["tenders"], user=actors.coordinator)
        for who in ("moderator", "expert", "observer", "coordinator", "staff", "other"):
            text = actors.client(getattr(actors, who)).get(manage()).content.decode()
            assert "Ausschreibungen" in text, who
            assert "freigegeben, wartet auf Bestätigung" in text, who

    def test_only_the_coordinator_gets_the_release_form_of_its_member(self, actors, sections):
        text = actors.client(actors.coordinator).get(manage()).content.decode()
        assert release_url("luenen") in text
        assert release_url("herten") not in text
        for who in ("expert", "observer", "staff"):
            text = actors.client(getattr(actors, who)).get(manage()).content.decode()
            assert "/freigeben/" not in text, who
            assert "Bestätigen" not in text, who

    def test_the_moderator_sees_the_buttons_for_pending_releases(self, actors, sections):
        release_set(membership=actors.luenen, sections=["roadmap"], user=actors.coordinator)
        text = actors.client(actors.moderator).get(manage()).content.decode()
        assert "Bestätigen" in text and "Ablehnen" in text
        assert approve_url(Release.objects.get()) in text
        assert "/freigeben/" not in text  # the moderator releases for no member


class TestRelease:
    def test_the_coordinator_releases_and_withdraws(self, actors, sections):
        client = actors.client(actors.coordinator)
        response = client.post(release_url(), {"sections": ["tenders", "roadmap"]})
        assert response.status_code == 302
        assert rows() == [
            ("luenen", "roadmap", True, False),
            ("luenen", "tenders", True, False),
        ]
        release = Release.objects.get(section="tenders")
        assert release.released_by == actors.coordinator
        client.post(release_url(), {"sections": ["roadmap"]})
        assert rows() == [
            ("luenen", "roadmap", True, False),
            ("luenen", "tenders", False, False),
        ]
        assert Release.objects.get(section="tenders").history.count() == 2

    def test_withdrawing_resets_the_approval(self, actors, sections):
        (release,) = release_set(
            membership=actors.luenen, sections=["tenders"], user=actors.coordinator
        )
        release_approve(release_id=release.pk, version=1, approve=True, user=actors.moderator)
        release_set(membership=actors.luenen, sections=[], user=actors.coordinator)
        release_set(membership=actors.luenen, sections=["tenders"], user=actors.coordinator)
        release.refresh_from_db()
        assert release.released and not release.approved and release.approved_by is None

    def test_another_municipalitys_coordinator_cannot_release_for_luenen(self, actors, sections):
        response = actors.client(actors.other).post(release_url(), {"sections": ["tenders"]})
        assert response.status_code == 403
        assert rows() == []

    @pytest.mark.parametrize("who", ["moderator", "expert", "observer", "staff"])
    def test_nobody_else_releases(self, actors, sections, who):
        response = actors.client(getattr(actors, who)).post(
            release_url(), {"sections": ["tenders"]}
        )
        assert response.status_code == 403
        assert rows() == []

    def test_an_unknown_section_changes_nothing(self, actors, sections):
        client = actors.client(actors.coordinator)
        response = client.post(
            release_url(), {"sections": ["tenders", "gehaltsliste"]}, follow=True
        )
        assert "Bitte nur Abschnitte aus der Liste wählen." in response.content.decode()
        assert rows() == []

    def test_a_member_that_left_releases_nothing(self, actors, sections):
        actors.luenen.left_on = actors.luenen.joined_on
        actors.luenen.save()
        response = actors.client(actors.coordinator).post(release_url(), {"sections": ["tenders"]})
        assert response.status_code == 403
        assert rows() == []


class TestApprove:
    @pytest.fixture
    def pending(self, actors, sections):
        (release,) = release_set(
            membership=actors.luenen, sections=["tenders"], user=actors.coordinator
        )
        return release

    def test_the_moderator_approves(self, actors, pending):
        client = actors.client(actors.moderator)
        response = client.post(
            approve_url(pending), {"decision": "approve", "version": pending.version}, follow=True
        )
        assert "der Abschnitt ist öffentlich" in response.content.decode()
        pending.refresh_from_db()
        assert pending.approved and pending.approved_by == actors.moderator
        assert list(Release.objects.public()) == []  # the page itself is still off
        Publication.objects.create(network=actors.network, is_public=True)
        assert list(Release.objects.public()) == [pending]

    def test_the_moderator_rejects(self, actors, pending):
        actors.client(actors.moderator).post(
            approve_url(pending), {"decision": "reject", "version": pending.version}
        )
        pending.refresh_from_db()
        assert not pending.approved and pending.approved_by == actors.moderator
        text = actors.client(actors.coordinator).get(manage()).content.decode()
        assert "von der Moderation abgelehnt" in text

    def test_an_approval_of_what_was_withdrawn_meanwhile_is_refused(self, actors, pending):
        seen = pending.version
        release_set(membership=actors.luenen, sections=[], user=actors.coordinator)
        response = actors.client(actors.moderator).post(
            approve_url(pending), {"decision": "approve", "version": seen}, follow=True
        )
        assert "inzwischen geändert oder zurückgezogen" in response.content.decode()
        pending.refresh_from_db()
        assert not pending.released and not pending.approved

    @pytest.mark.parametrize("who", ["expert", "observer", "coordinator", "staff", "other"])
    def test_nobody_else_approves(self, actors, pending, who):
        response = actors.client(getattr(actors, who)).post(
            approve_url(pending), {"decision": "approve", "version": pending.version}
        )
        assert response.status_code == 403
        pending.refresh_from_db()
        assert not pending.approved

    def test_a_release_of_another_network_is_404(self, actors, sections):
        other = Release.objects.create(
            membership=actors.other_membership, section="tenders", released=True
        )
        response = actors.client(actors.moderator).post(
            approve_url(other), {"decision": "approve", "version": other.version}
        )
        assert response.status_code == 404
        other.refresh_from_db()
        assert not other.approved

    def test_a_missing_decision_changes_nothing(self, actors, pending):
        response = actors.client(actors.moderator).post(approve_url(pending), follow=True)
        assert "Bitte „Bestätigen“ oder „Ablehnen“ wählen." in response.content.decode()
        pending.refresh_from_db()
        assert not pending.approved and pending.approved_by is None


class TestSettings:
    def test_the_moderator_switches_the_page_on_first_save(self, actors, sections):
        report = annual_report(actors.network)
        client = actors.client(actors.moderator)
        assert client.get(settings_url()).status_code == 200
        response = client.post(
            settings_url(),
            {"is_public": "on", "licence": "CC-BY-4.0", "annual_report": report.pk},
        )
        assert response.status_code == 302
        publication = Publication.objects.get(network=actors.network)
        assert publication.is_public and publication.licence == "CC-BY-4.0"
        assert publication.annual_report == report
        public = reverse("network:public_network", args=["knn"])
        assert actors.client(None).get(public).status_code == 200

    def test_only_done_annual_reports_of_this_network(self, actors, sections):
        pending = Report.objects.create(
            network=actors.network,
            kind=Report.Kind.ANNUAL,
            period_start="2026-01-01",
            period_end="2026-06-30",
            year=2026,
            number=9,
        )
        foreign = annual_report(actors.other_network)
        client = actors.client(actors.moderator)
        for report in (pending, foreign):
            response = client.post(
                settings_url(),
                {"is_public": "on", "licence": "dl-de/by-2-0", "annual_report": report.pk},
            )
            assert response.status_code == 200
            assert "Bitte eine gültige Auswahl treffen." in response.content.decode()
        assert not Publication.objects.exists()

    def test_a_bad_licence_gives_a_german_message(self, actors, sections):
        response = actors.client(actors.moderator).post(
            settings_url(), {"is_public": "on", "licence": "GPL"}
        )
        assert response.status_code == 200
        assert "Bitte eine gültige Auswahl treffen." in response.content.decode()
        assert not Publication.objects.exists()

    @pytest.mark.parametrize("who", ["expert", "observer", "coordinator", "staff", "other"])
    def test_only_the_moderator(self, actors, sections, who):
        client = actors.client(getattr(actors, who))
        assert client.get(settings_url()).status_code == 403
        response = client.post(settings_url(), {"is_public": "on", "licence": "dl-de/by-2-0"})
        assert response.status_code == 403
        assert not Publication.objects.exists()

    def test_switching_off_takes_everything_down(self, actors, sections):
        Publication.objects.create(network=actors.network, is_public=True)
        Release.objects.create(
            membership=actors.luenen, section="tenders", released=True, approved=True
        )
        public = reverse("network:public_member", args=["knn", "luenen"])
        assert actors.client(None).get(public).status_code == 200
        publication = Publication.objects.get()
        actors.client(actors.moderator).post(
            settings_url(), {"licence": "dl-de/by-2-0", "loaded_version": publication.version}
        )
        assert not Publication.objects.get().is_public
        assert actors.client(None).get(public).status_code == 404


@pytest.mark.parametrize("members", [3, 30])
def test_the_manage_page_has_a_fixed_number_of_queries(
    actors, sections, members, django_assert_max_num_queries
):
    from tests.factories import MembershipFactory, RoleFactory

    for _ in range(members - 2):
        membership = MembershipFactory(network=actors.network)
        RoleFactory(
            user=actors.coordinator,
            network=actors.network,
            kind="coordinator",
            membership=membership,
        )
        release_set(membership=membership, sections=["tenders"], user=actors.coordinator)
    client = actors.client(actors.coordinator)
    client.get(reverse("profile"))  # warm the session
    with django_assert_max_num_queries(12):
        response = client.get(manage())
    assert response.content.decode().count("/freigeben/") == members - 1
