"""Dashboards: figures against hand-computed examples, sorting, open items, history,
permissions and a fixed number of queries for 6 or 60 members."""

import re
from datetime import timedelta

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from network import progress
from network.models import Attendance, Department, Meeting, Membership
from network.progress import Figure, OpenItem, Period
from network.reports import history
from network.reports.figures import figure_table
from network.sections import AttendanceSection
from tests.factories import (
    ActionItemFactory,
    AttendanceFactory,
    DepartmentFactory,
    MeetingFactory,
    MembershipFactory,
    MunicipalityFactory,
)

pytestmark = pytest.mark.django_db


class DepartmentsSection:
    """Test-only section: departments per member (one aggregate query), and one open
    approval per department."""

    key = "test_departments"
    title = "Fachbereiche (Test)"
    template = "network/sections/meetings.html"

    def figures(self, memberships, period):
        memberships = list(memberships)
        counts = dict(
            Department.objects.filter(municipality__memberships__in=memberships)
            .values("municipality_id")
            .annotate(n=Count("id"))
            .values_list("municipality_id", "n")
        )
        result = {}
        for m in memberships:
            n = counts.get(m.municipality_id, 0)
            result[m.pk] = [
                Figure("departments", "Fachbereiche", n, ""),
                Figure("departments_pct", "Fachbereichsquote", n * 10 if n else None, "%"),
            ]
        return result

    def context(self, membership, period):
        return {"meetings": [], "action_items": []}

    def open_items(self, memberships, today):
        ids = [m.pk for m in memberships]
        items = []
        for m in Membership.objects.filter(pk__in=ids).prefetch_related(
            "municipality__departments"
        ):
            for department in m.municipality.departments.all():
                items.append(
                    OpenItem(
                        kind="approval",
                        title=f"Zustimmung {department.name}",
                        membership_id=m.pk,
                        due_on=today + timedelta(days=5),
                        url="/",
                        department_id=department.pk,
                    )
                )
        return items


@pytest.fixture
def test_sections(monkeypatch):
    """Only the network's own section and the test section, whatever apps are installed."""
    monkeypatch.setattr(progress, "sections", lambda: [AttendanceSection(), DepartmentsSection()])


def url(slug="knn", **query):
    base = reverse("network:dashboard", args=[slug])
    if query:
        base += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return base


def held_meeting(network, days_ago, participants=()):
    now = timezone.now()
    meeting = MeetingFactory(
        network=network,
        status=Meeting.Status.HELD,
        starts_at=now - timedelta(days=days_ago),
        ends_at=now - timedelta(days=days_ago) + timedelta(hours=2),
    )
    meeting.participants.set(participants)
    return meeting


@pytest.fixture
def attendance_data(actors):
    """Lünen: invited to 1 network meeting, attended it → 1/1 = 100 %.
    Herten: invited to that meeting and to a workshop of its own, attended the
    workshop only → 1/2 = 50 %."""
    network_meeting = held_meeting(actors.network, 10)
    workshop = held_meeting(actors.network, 5, participants=[actors.herten])
    AttendanceFactory(
        meeting=network_meeting,
        user=actors.coordinator,
        membership=actors.luenen,
        status=Attendance.Status.ATTENDED,
    )
    AttendanceFactory(
        meeting=network_meeting,
        user=actors.other,
        membership=actors.herten,
        status=Attendance.Status.EXCUSED,
    )
    AttendanceFactory(
        meeting=workshop,
        user=actors.other,
        membership=actors.herten,
        status=Attendance.Status.ATTENDED,
    )
    # Two people of Lünen at the same meeting still make one attended meeting.
    AttendanceFactory(
        meeting=network_meeting,
        user=actors.staff,
        membership=actors.luenen,
        status=Attendance.Status.ATTENDED,
    )
    # Planned (not held) meetings do not count.
    MeetingFactory(network=actors.network)
    return network_meeting, workshop


class TestFigures:
    def test_attendance_by_hand(self, actors, attendance_data):
        today = timezone.localdate()
        table = figure_table(
            [actors.luenen, actors.herten],
            Period(today - timedelta(days=365), today),
            [AttendanceSection()],
        )
        luenen = table.row_for(actors.luenen.pk).values
        herten = table.row_for(actors.herten.pk).values
        assert (luenen["meetings_invited"], luenen["meetings_attended"]) == (1, 1)
        assert luenen["attendance_pct"] == 100.0
        assert (herten["meetings_invited"], herten["meetings_attended"]) == (2, 1)
        assert herten["attendance_pct"] == 50.0
        assert table.median("attendance_pct") == 75.0

    def test_no_meetings_means_no_quota(self, actors):
        today = timezone.localdate()
        table = figure_table([actors.luenen], Period(today, today), [AttendanceSection()])
        assert table.row_for(actors.luenen.pk).values["attendance_pct"] is None

    def test_sorting_puts_missing_values_last(self, actors):
        DepartmentFactory(municipality=actors.luenen.municipality)  # Lünen: 2, Herten: 1
        extra = MembershipFactory(network=actors.network)  # no departments → None
        table = figure_table(
            [actors.herten, actors.luenen, extra],
            Period.year(2026),
            [DepartmentsSection()],
        )
        desc = [r.membership for r in table.sorted("departments_pct", True).rows]
        asc = [r.membership for r in table.sorted("departments_pct", False).rows]
        assert desc == [actors.luenen, actors.herten, extra]
        assert asc == [actors.herten, actors.luenen, extra]


class TestModeratorDashboard:
    def test_anonymous_goes_to_login(self, client, actors):
        response = client.get(url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_outsider_gets_404(self, actors, test_sections):
        assert actors.client(actors.outsider).get(url()).status_code == 404

    def test_shows_every_member_with_figures(self, actors, attendance_data, test_sections):
        DepartmentFactory(municipality=actors.luenen.municipality)
        response = actors.client(actors.moderator).get(url())
        text = response.content.decode()
        assert response.status_code == 200
        rows = {
            name: row
            for name, row in re.findall(
                r'<tr>\s*<th scope="row"><a [^>]*>([^<]+)</a>(.*?)</tr>', text, re.S
            )
        }
        assert set(rows) == {"Lünen", "Herten"}
        # Lünen: 1 invited, 1 attended, 100 %; 2 departments, 20 %.
        assert re.findall(r'figure-value">([^<]+)<', rows["Lünen"]) == [
            "1",
            "1",
            "100\xa0%",
            "2",
            "20\xa0%",
        ]
        assert re.findall(r'figure-value">([^<]+)<', rows["Herten"]) == [
            "2",
            "1",
            "50\xa0%",
            "1",
            "10\xa0%",
        ]
        # Percent bars are drawn against 100: Lünen's full 80 px, Herten's 40 px.
        assert 'class="mini-bar-fill" width="80"' in rows["Lünen"]
        assert 'class="mini-bar-fill" width="40"' in rows["Herten"]
        assert reverse("network:membership", args=["knn", "luenen"]) in text
        assert "Hamm" not in text

    def test_sort_links_and_order(self, actors, attendance_data, test_sections):
        text = (
            actors.client(actors.moderator)
            .get(url(sort="attendance_pct", dir="desc"))
            .content.decode()
        )
        assert text.index(">Lünen<") < text.index(">Herten<")
        assert 'aria-sort="descending"' in text
        assert "?sort=attendance_pct&amp;dir=asc" in text
        text = (
            actors.client(actors.moderator)
            .get(url(sort="attendance_pct", dir="asc"))
            .content.decode()
        )
        assert text.index(">Herten<") < text.index(">Lünen<")

    def test_unknown_sort_key_falls_back_to_name(self, actors, test_sections):
        response = actors.client(actors.moderator).get(url(sort="'; DROP TABLE", dir="x"))
        text = response.content.decode()
        assert response.status_code == 200
        assert text.index(">Herten<") < text.index(">Lünen<")

    def test_open_items_meetings_and_history(self, actors, test_sections):
        today = timezone.localdate()
        ActionItemFactory(
            network=actors.network,
            membership=actors.luenen,
            title="Fahrplan beschließen",
            due_on=today - timedelta(days=3),
        )
        ActionItemFactory(
            network=actors.network,
            membership=actors.herten,
            title="Später",
            due_on=today + timedelta(days=200),
        )
        MeetingFactory(network=actors.network, title="Drittes Netzwerktreffen")
        text = actors.client(actors.moderator).get(url()).content.decode()
        overdue = text[text.index('id="overdue-title"') : text.index('id="upcoming-title"')]
        assert "Fahrplan beschließen" in overdue and "Lünen" in overdue
        upcoming = text[text.index('id="upcoming-title"') : text.index('id="meetings-title"')]
        assert "Zustimmung Zentrale Vergabestelle" in upcoming
        # Due in 200 days: neither overdue nor upcoming.
        assert "Später" not in overdue and "Später" not in upcoming
        meetings = text[text.index('id="meetings-title"') : text.index('id="changes-title"')]
        assert "Drittes Netzwerktreffen" in meetings
        changes = text[text.index('id="changes-title"') :]
        assert "Termin „Drittes Netzwerktreffen“ angelegt" in changes
        assert "Aufgabe „Fahrplan beschließen“ angelegt" in changes

    def test_member_names_are_escaped(self, actors, test_sections):
        MembershipFactory(
            network=actors.network,
            municipality=MunicipalityFactory(name='<img src=x onerror="alert(1)">'),
        )
        text = actors.client(actors.moderator).get(url()).content.decode()
        assert "<img src=x" not in text
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in text

    @pytest.mark.parametrize("members", [6, 60])
    def test_fixed_number_of_queries(
        self, actors, members, test_sections, django_assert_max_num_queries
    ):
        for _ in range(members - 2):
            membership = MembershipFactory(network=actors.network)
            DepartmentFactory(municipality=membership.municipality)
            ActionItemFactory(network=actors.network, membership=membership)
        held_meeting(actors.network, 3)
        client = actors.client(actors.moderator)
        client.get(reverse("profile"))  # warm the session, not the dashboard
        # „Letzte Änderungen“ reads one query per historical model of every app; the trend
        # charts one (the quarterly snapshots, then kept: network.timeseries).
        with django_assert_max_num_queries(19 + len(history.sources())):
            response = client.get(url(sort="departments", dir="desc"))
        assert response.content.decode().count('<th scope="row">') == members
        # Visited again without a change: what it computed is kept (network.freshness).
        with django_assert_max_num_queries(9):
            response = client.get(url(sort="departments", dir="desc"))
        assert response.content.decode().count('<th scope="row">') == members


class TestMemberDashboard:
    def test_staff_sees_own_items_department_first(self, actors, attendance_data, test_sections):
        today = timezone.localdate()
        other_department = DepartmentFactory(
            municipality=actors.luenen.municipality, name="Amt für Umwelt"
        )
        ActionItemFactory(
            network=actors.network,
            membership=actors.luenen,
            title="Kriterien vorlegen",
            due_on=today - timedelta(days=1),
        )
        ActionItemFactory(network=actors.network, membership=actors.herten, title="Hertener Sache")
        response = actors.client(actors.staff).get(url())
        text = response.content.decode()
        assert response.status_code == 200
        assert "Übersicht Lünen" in text
        tasks = text[text.index('id="tasks-title"') : text.index('id="meetings-title"')]
        # The staff member's department (Zentrale Vergabestelle) first, then the overdue item.
        first = tasks.index("Zustimmung Zentrale Vergabestelle")
        assert (
            first
            < tasks.index("Kriterien vorlegen")
            < tasks.index(f"Zustimmung {other_department.name}")
        )
        assert "Ihr Fachbereich" in tasks
        assert "Hertener Sache" not in text

    def test_figures_beside_network_median(self, actors, attendance_data, test_sections):
        text = actors.client(actors.coordinator).get(url()).content.decode()
        table = text[text.index("Im Vergleich mit dem Netzwerk") :]
        row = re.search(r"Teilnahmequote</th>(.*?)</tr>", table, re.S).group(1)
        # Lünen 100 %, median of 100 % and 50 % = 75 %.
        assert re.findall(r'figure-value">([^<]+)<', row) == ["100\xa0%", "75\xa0%"]
        # The member's own value opens the rows behind it; the median has none of its own.
        rows_page = reverse("network:figure_rows", args=["knn", "attendance_pct", "luenen"])
        assert row.count(f'href="{rows_page}"') == 1

    def test_observer_gets_network_view(self, actors, test_sections):
        text = actors.client(actors.observer).get(url()).content.decode()
        assert "Stand aller Mitglieder" in text

    @pytest.mark.parametrize("members", [6, 60])
    def test_fixed_number_of_queries(
        self, actors, members, test_sections, django_assert_max_num_queries
    ):
        for _ in range(members - 2):
            membership = MembershipFactory(network=actors.network)
            DepartmentFactory(municipality=membership.municipality)
        client = actors.client(actors.staff)
        client.get(reverse("profile"))  # warm the session, not the dashboard
        with django_assert_max_num_queries(18):
            response = client.get(url())
        assert "Im Vergleich mit dem Netzwerk" in response.content.decode()
        with django_assert_max_num_queries(15):  # the network's figures are kept
            response = client.get(url())
        assert "Im Vergleich mit dem Netzwerk" in response.content.decode()
