"""The personal start page (network/start.py, network/views/start.py): a person's own work
across all their networks, and nobody else's."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from network.models import Attendance, Report, Role
from procurement.models import DepartmentApproval, Milestone
from tests.factories import (
    ActionItemFactory,
    AttendanceFactory,
    DepartmentFactory,
    MeetingFactory,
    MembershipFactory,
    NetworkFactory,
    RoleFactory,
    UserFactory,
)
from tests.procurement.factories import (
    AdoptionFactory,
    DepartmentApprovalFactory,
    MilestoneFactory,
    RoadmapFactory,
)

pytestmark = pytest.mark.django_db

HOME = reverse("network:home")
LISTS = ["network:start_overdue", "network:start_waiting", "network:start_due"]


def today():
    return timezone.localdate()


def text_of(client, url=HOME):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def waiting_of(text):
    return text.split('id="waiting-title"')[1].split('id="overdue-title"')[0]


def approval(membership, department, title, *, target=None, requested_by=None):
    adoption = AdoptionFactory(membership=membership, criterion__title=title, target_date=target)
    return DepartmentApprovalFactory(
        adoption=adoption, department=department, requested_by=requested_by
    )


def milestone(membership, title, *, due, department=None, status=Milestone.Status.PLANNED):
    roadmap = getattr(membership, "roadmap", None) or RoadmapFactory(membership=membership)
    membership.roadmap = roadmap
    return MilestoneFactory(
        roadmap=roadmap, title=title, due_on=due, department=department, status=status
    )


class TestDoor:
    @pytest.mark.parametrize("name", ["network:home", *LISTS])
    def test_anonymous_goes_to_login(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_login_lands_on_the_start_page(self, actors):
        actors.staff.set_password("geheim-genug-123")
        actors.staff.save()
        client = Client()
        response = client.post(
            reverse("login"), {"username": actors.staff.email, "password": "geheim-genug-123"}
        )
        assert response.status_code == 302
        assert response["Location"] == HOME
        text = text_of(client)
        assert "<h1>Meine Startseite</h1>" in text

    def test_a_person_without_roles_gets_a_friendly_empty_page(self, db):
        client = Client()
        client.force_login(UserFactory())
        text = text_of(client)
        assert "Sie sind noch in keinem Netzwerk." in text
        assert "Wartet auf mich" not in text

    def test_a_person_with_nothing_to_do_sees_empty_sections(self, actors):
        text = text_of(actors.client(actors.observer))
        assert "Nichts wartet auf Sie." in text
        assert "Nichts ist überfällig." in text
        assert "In den nächsten 30 Tagen ist nichts fällig." in text
        assert "Keine Änderungen." in text
        # The network list stays on the page (and in the main navigation).
        assert text.count(reverse("network:network", args=["knn"])) >= 2

    def test_an_unknown_list_is_not_found(self, actors):
        from django.http import Http404
        from django.test import RequestFactory

        from network.views.start import start_list

        request = RequestFactory().get("/start/x/")
        request.user = actors.staff
        with pytest.raises(Http404):
            start_list(request, "gibt-es-nicht")


class TestApprovals:
    def test_staff_sees_their_departments_approvals_only(self, actors):
        luenen_it = DepartmentFactory(municipality=actors.luenen.municipality, name="IT")
        mine = approval(actors.luenen, actors.luenen_department, "Recyclingpapier")
        approval(actors.luenen, luenen_it, "Rechenzentrum")  # another department
        approval(actors.herten, actors.herten_department, "Dienstwagen Herten")
        # Lünen in a second network, same department: not asked of this person there.
        elsewhere = MembershipFactory(
            network=actors.other_network, municipality=actors.luenen.municipality
        )
        approval(elsewhere, actors.luenen_department, "Hellweg-Kriterium")
        # What the person asked for themselves does not wait for them.
        approval(
            actors.luenen, actors.luenen_department, "Eigene Anfrage", requested_by=actors.staff
        )
        text = waiting_of(text_of(actors.client(actors.staff)))
        assert "Zentrale Vergabestelle: Recyclingpapier" in text
        assert reverse("procurement:approval_detail", args=["knn", mine.pk]) in text
        for other in ["Rechenzentrum", "Dienstwagen Herten", "Hellweg-Kriterium", "Eigene Anfrage"]:
            assert other not in text

    def test_coordinator_sees_their_departments_approvals_not_another_municipalitys(self, actors):
        # A coordinator answers for every department of their member (and has none).
        coordinator = actors.coordinator
        luenen_it = DepartmentFactory(municipality=actors.luenen.municipality, name="IT")
        approval(actors.luenen, actors.luenen_department, "Recyclingpapier")
        approval(actors.luenen, luenen_it, "Rechenzentrum")
        approval(actors.herten, actors.herten_department, "Dienstwagen Herten")
        other_net = NetworkFactory(name="Drittes Netz")
        approval(
            MembershipFactory(network=other_net, municipality=actors.luenen.municipality),
            actors.luenen_department,
            "Anderes Netz",
        )
        text = waiting_of(text_of(actors.client(coordinator)))
        assert "Recyclingpapier" in text and "IT: Rechenzentrum" in text
        assert "Dienstwagen Herten" not in text
        assert "Anderes Netz" not in text

    def test_a_member_that_left_asks_nothing_any_more(self, actors):
        approval(actors.luenen, actors.luenen_department, "Recyclingpapier")
        actors.luenen.left_on = today()
        actors.luenen.save()
        assert "Recyclingpapier" not in waiting_of(text_of(actors.client(actors.staff)))


class TestMeetingsAndActionItems:
    def test_own_action_items_and_open_invitations_wait(self, actors):
        ActionItemFactory(network=actors.network, owner=actors.staff, title="Papier bestellen")
        ActionItemFactory(network=actors.network, owner=actors.other, title="Hertens Aufgabe")
        ActionItemFactory(
            network=actors.network, owner=actors.staff, title="Erledigt", status="done"
        )
        invited = MeetingFactory(network=actors.network, title="Zweites Netzwerktreffen")
        AttendanceFactory(meeting=invited, user=actors.staff, membership=actors.luenen)
        answered = MeetingFactory(network=actors.network, title="Workshop Beschaffung")
        AttendanceFactory(
            meeting=answered,
            user=actors.staff,
            membership=actors.luenen,
            status=Attendance.Status.REGISTERED,
        )
        text = text_of(actors.client(actors.staff))
        waiting = waiting_of(text)
        assert "Papier bestellen" in waiting
        assert "Einladung beantworten:" in waiting and "Zweites Netzwerktreffen" in waiting
        assert "Workshop Beschaffung" not in waiting  # already answered
        assert "Hertens Aufgabe" not in text
        assert "Erledigt" not in text.split('id="changes-title"')[0]
        meetings = text.split('id="meetings-title"')[1].split('id="changes-title"')[0]
        assert "Ihr Stand: zugesagt" in meetings and "Ihr Stand: eingeladen" in meetings
        assert reverse("network:meeting_detail", args=["knn", answered.pk]) in meetings

    def test_meetings_of_my_member_only(self, actors):
        workshop = MeetingFactory(network=actors.network, title="Workshop nur Herten")
        workshop.participants.set([actors.herten])
        MeetingFactory(network=actors.network, title="Treffen für alle")
        MeetingFactory(network=actors.other_network, title="Treffen Hellweg")
        text = text_of(actors.client(actors.staff))
        assert "Treffen für alle" in text
        assert "Workshop nur Herten" not in text
        assert "Treffen Hellweg" not in text
        # The moderator takes part in every meeting of the network.
        assert "Workshop nur Herten" in text_of(actors.client(actors.moderator))


class TestDue:
    def test_milestones_of_my_department_or_of_the_roadmap_i_coordinate(self, actors):
        luenen_it = DepartmentFactory(municipality=actors.luenen.municipality, name="IT")
        milestone(
            actors.luenen,
            "Vergabestelle schult",
            due=today() + timedelta(days=10),
            department=actors.luenen_department,
        )
        milestone(
            actors.luenen, "IT beschafft", due=today() + timedelta(days=12), department=luenen_it
        )
        milestone(
            actors.luenen,
            "Später",
            due=today() + timedelta(days=90),
            department=actors.luenen_department,
        )
        milestone(
            actors.luenen,
            "Schon erledigt",
            due=today() + timedelta(days=5),
            department=actors.luenen_department,
            status=Milestone.Status.DONE,
        )
        milestone(actors.herten, "Herten plant", due=today() + timedelta(days=3))
        staff = text_of(actors.client(actors.staff))
        due = staff.split('id="due-title"')[1].split('id="meetings-title"')[0]
        assert "Vergabestelle schult" in due
        assert "IT beschafft" not in due  # another department of the same member
        assert "Später" not in due and "Schon erledigt" not in due and "Herten plant" not in due
        coordinator = text_of(actors.client(actors.coordinator))
        assert "Vergabestelle schult" in coordinator and "IT beschafft" in coordinator
        assert "Herten plant" not in coordinator
        assert reverse("procurement:roadmap", args=["knn", "luenen"]) in coordinator


class TestOverdue:
    def test_a_count_and_a_link_not_a_wall(self, actors):
        for n in range(3):
            milestone(
                actors.luenen,
                f"Verspätet {n}",
                due=today() - timedelta(days=n + 1),
                department=actors.luenen_department,
            )
        ActionItemFactory(
            network=actors.network,
            owner=actors.staff,
            title="Alte Aufgabe",
            due_on=today() - timedelta(days=4),
        )
        text = text_of(actors.client(actors.staff))
        assert "4 Sachen sind überfällig." in text
        assert reverse("network:start_overdue") in text
        lists = text.split('id="changes-title"')[0]  # the changes name them: created
        assert "Verspätet 0" not in lists and "Alte Aufgabe" not in lists  # only on the list

    def test_the_list_shows_only_own_things_paginated(self, actors):
        for n in range(27):
            milestone(
                actors.luenen,
                f"Verspätet {n:02}",
                due=today() - timedelta(days=n + 1),
                department=actors.luenen_department,
            )
        milestone(actors.herten, "Herten verspätet", due=today() - timedelta(days=2))
        ActionItemFactory(
            network=actors.network,
            owner=actors.other,
            title="Hertens alte Aufgabe",
            due_on=today() - timedelta(days=4),
        )
        url = reverse("network:start_overdue")
        first = text_of(actors.client(actors.staff), url)
        assert "27 Einträge" in first
        assert "Seite 1 von 2" in first
        assert "Verspätet 26" in first  # the oldest first
        assert "überfällig seit" in first
        second = text_of(actors.client(actors.staff), url + "?page=2")
        assert "Verspätet 00" in second
        for text in (first, second):
            assert "Herten verspätet" not in text and "Hertens alte Aufgabe" not in text
        other = text_of(actors.client(actors.other), url)
        assert "Hertens alte Aufgabe" in other and "Herten verspätet" in other
        assert "Verspätet 00" not in other
        # Someone outside every network sees an empty list, not anybody's things.
        assert "Nichts ist überfällig." in text_of(actors.client(actors.outsider), url)

    def test_waiting_and_due_lists(self, actors):
        for n in range(12):
            ActionItemFactory(
                network=actors.network,
                owner=actors.staff,
                title=f"Aufgabe Nr. {n:02}",
                due_on=today() + timedelta(days=n + 1),
            )
        home = text_of(actors.client(actors.staff))
        assert "Alle 12 anzeigen" in home  # ten shown, the rest behind the link
        assert "Aufgabe Nr. 11" not in home.split('id="due-title"')[0]
        waiting = text_of(actors.client(actors.staff), reverse("network:start_waiting"))
        assert "Aufgabe Nr. 11" in waiting and "12 Einträge" in waiting
        due = text_of(actors.client(actors.staff), reverse("network:start_due"))
        assert "Aufgabe Nr. 00" in due and "fällig am" in due
        assert "Aufgabe Nr. 00" not in text_of(
            actors.client(actors.other), reverse("network:start_waiting")
        )


class TestChanges:
    def test_changes_by_others_of_what_i_work_on(self, actors):
        mine = milestone(
            actors.luenen,
            "Schulung",
            due=today() + timedelta(days=60),
            department=actors.luenen_department,
        )
        theirs = milestone(actors.herten, "Herten Schulung", due=today() + timedelta(days=60))
        for obj, who in [(mine, actors.coordinator), (theirs, actors.other)]:
            obj.title += " (neu)"
            obj._history_user = who
            obj.save()
        own = milestone(
            actors.luenen,
            "Selbst geändert",
            due=today() + timedelta(days=60),
            department=actors.luenen_department,
        )
        own._history_user = actors.staff
        own.save()
        text = text_of(actors.client(actors.staff))
        changes = text.split('id="changes-title"')[1]
        assert "Schulung (neu)" in changes and str(actors.coordinator) in changes
        assert "Herten Schulung" not in changes
        assert "geändert" in changes
        assert "Selbst geändert</a> geändert" not in changes  # own changes are no news


class TestModerator:
    def test_per_network_counts_with_links(self, actors):
        milestone(actors.luenen, "Verspätet", due=today() - timedelta(days=3))
        milestone(actors.luenen, "Auch verspätet", due=today() - timedelta(days=5))
        milestone(actors.herten, "Herten verspätet", due=today() - timedelta(days=1))
        approval(actors.luenen, actors.luenen_department, "Papier")
        approval(actors.herten, actors.herten_department, "Autos")
        done = approval(actors.herten, actors.herten_department, "Erledigt")
        done.status = DepartmentApproval.Status.AGREED
        done.save()
        Report.objects.create(
            network=actors.network,
            kind=Report.Kind.ANNUAL,
            period_start="2026-01-01",
            period_end="2026-06-30",
            year=2026,
            number=1,
        )
        RoleFactory(user=actors.moderator, network=actors.other_network)
        text = text_of(actors.client(actors.moderator))
        block = text.split('id="moderation-title"')[1]
        knn = block.split(f'id="moderation-{actors.network.pk}"')[1].split("</section>")[0]
        assert "Mitglieder mit überfälligen Meilensteinen: <strong>2</strong>" in knn
        assert "Offene Zustimmungen der Fachbereiche: <strong>2</strong>" in knn
        assert "Berichte in Arbeit: <strong>1</strong>" in knn
        assert reverse("procurement:approval_inbox", args=["knn"]) in knn
        assert reverse("network:report_list", args=["knn"]) in knn
        hellweg = block.split(f'id="moderation-{actors.other_network.pk}"')[1]
        assert "Berichte in Arbeit: <strong>0</strong>" in hellweg.split("</section>")[0]

    def test_members_see_no_moderation_block(self, actors):
        assert 'id="moderation-title"' not in text_of(actors.client(actors.coordinator))


def _fill(networks, items):
    """A coordinator and a moderator of `networks` networks, each with `items` milestones,
    approvals, action items, meetings and changes of the coordinator's member."""
    coordinator, moderator, changer = UserFactory(), UserFactory(), UserFactory()
    for n in range(networks):
        network = NetworkFactory()
        membership = MembershipFactory(network=network)
        department = DepartmentFactory(municipality=membership.municipality)
        RoleFactory(user=moderator, network=network)
        RoleFactory(
            user=coordinator, network=network, kind=Role.Kind.COORDINATOR, membership=membership
        )
        for i in range(items):
            stone = milestone(
                membership, f"M {n}-{i}", due=today() + timedelta(days=i - 2), department=department
            )
            stone._history_user = changer
            stone.title += "!"
            stone.save()
            approval(membership, department, f"A {n}-{i}", target=today() + timedelta(days=i))
            ActionItemFactory(
                network=network, owner=coordinator, title=f"T {n}-{i}", membership=membership
            )
            AttendanceFactory(
                meeting=MeetingFactory(network=network), user=coordinator, membership=membership
            )
            AttendanceFactory(meeting=MeetingFactory(network=network), user=moderator)
    return {"coordinator": coordinator, "moderator": moderator}


class TestQueryCount:
    @pytest.mark.parametrize("who", ["coordinator", "moderator"])
    @pytest.mark.parametrize("page", ["network:home", "network:start_overdue"])
    def test_fixed_at_two_sizes(self, db, who, page):
        counts = []
        for networks, items in [(1, 3), (3, 10)]:
            client = Client()
            client.force_login(_fill(networks, items)[who])
            with CaptureQueriesContext(connection) as queries:
                response = client.get(reverse(page))
            assert response.status_code == 200
            text = response.content.decode()
            expected = {
                ("coordinator", "network:home"): f"{2 * networks} Sachen sind überfällig.",
                ("coordinator", "network:start_overdue"): f"{2 * networks} Einträge",
                ("moderator", "network:home"): (
                    f"Offene Zustimmungen der Fachbereiche: <strong>{items}</strong>"
                ),
                ("moderator", "network:start_overdue"): "Nichts ist überfällig.",
            }[who, page]
            assert expected in text
            counts.append(len(queries))
        assert counts[0] == counts[1], counts
        assert counts[0] <= 25
