"""After a change one process computes a kept value; the others do not compute it again.

"Another process computing" is the lock held in the test (the cache key a computing
process adds); "the holder finishing" is the value put into the cache. No timing: the wait
for the holder is monkeypatched (its sleep, or its length).
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from network import freshness, overview, progress
from network.models import Attendance, Meeting
from tests.factories import AttendanceFactory, MeetingFactory
from tests.network.test_freshness import attendance_cells

pytestmark = pytest.mark.django_db


class Computations:
    """A compute function that counts its calls and answers with their number."""

    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return f"value {self.calls}"


@pytest.fixture
def compute():
    return Computations()


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    """Who waits for the holder gives up at once (unless a test says otherwise)."""
    monkeypatch.setattr(freshness, "WAIT_SECONDS", 0)


def hold(kept, name, *parts):
    """Another process is computing this entry."""
    assert cache.add(f"{kept.key(name, *parts)}:lock", "another process", 60)


def release(kept, name, *parts):
    cache.delete(f"{kept.key(name, *parts)}:lock")


class as_request_of:
    """What django-simple-history's middleware does for a request of `user`: the writes and
    reads inside know whose request it is."""

    def __init__(self, user):
        self.request = RequestFactory().get("/")
        self.request.user = user

    def __enter__(self):
        HistoricalRecords.context.request = self.request

    def __exit__(self, *exc):
        del HistoricalRecords.context.request


def a_change(actors):
    MeetingFactory(network=actors.network)


class TestOneProcessComputes:
    def test_while_another_computes_the_previous_value_is_served_marked(self, actors, compute):
        network_id = actors.network.pk
        assert freshness.NetworkCache(network_id, previous=True).get("n", compute, "x") == "value 1"
        a_change(actors)
        kept = freshness.NetworkCache(network_id, previous=True)
        hold(kept, "n", "x")
        assert kept.get("n", compute, "x") == "value 1"
        assert kept.refreshing
        assert compute.calls == 1  # not computed a second time

        # The holder finishes: from then on the new value, not marked.
        release(kept, "n", "x")
        assert freshness.NetworkCache(network_id).get("n", compute, "x") == "value 2"
        after = freshness.NetworkCache(network_id, previous=True)
        assert after.get("n", compute, "x") == "value 2"
        assert not after.refreshing
        assert compute.calls == 2

    def test_previous_values_are_kept_per_name_and_parts(self, actors, compute):
        network_id = actors.network.pk
        freshness.NetworkCache(network_id).get("n", compute, "x")
        a_change(actors)
        kept = freshness.NetworkCache(network_id, previous=True)
        hold(kept, "n", "y")
        # No previous value for these parts: waited (not at all here), then computed.
        assert kept.get("n", compute, "y") == "value 2"
        assert not kept.refreshing

    def test_after_a_previous_value_nothing_computed_on_that_page_is_kept_as_fresh(
        self, actors, compute
    ):
        network_id = actors.network.pk
        freshness.NetworkCache(network_id).get("figures", compute)
        a_change(actors)
        kept = freshness.NetworkCache(network_id, previous=True)
        hold(kept, "figures")
        figures = kept.get("figures", compute)
        # The markup of a sort order never asked for: computed from the previous figures.
        assert kept.get("markup", lambda: f"<table>{figures}</table>") == "<table>value 1</table>"
        assert cache.get(kept.key("markup")) is None
        release(kept, "figures")
        fresh = freshness.NetworkCache(network_id, previous=True)
        figures = fresh.get("figures", compute)
        assert fresh.get("markup", lambda: f"<table>{figures}</table>") == "<table>value 2</table>"
        assert not fresh.refreshing

    def test_without_previous_allowed_the_visitor_waits_for_the_holders_value(
        self, actors, compute, monkeypatch
    ):
        network_id = actors.network.pk
        freshness.NetworkCache(network_id).get("n", compute)
        a_change(actors)
        kept = freshness.NetworkCache(network_id)  # as the member's dashboard asks
        hold(kept, "n")
        monkeypatch.setattr(freshness, "WAIT_SECONDS", 60)
        polls = []

        def holder_finishes(seconds):
            polls.append(seconds)
            if len(polls) == 3:
                cache.set(kept.key("n"), "the holder's value")

        monkeypatch.setattr(freshness.time, "sleep", holder_finishes)
        assert kept.get("n", compute) == "the holder's value"
        assert len(polls) == 3 and compute.calls == 1
        assert not kept.refreshing

    def test_a_holder_that_never_finishes_is_not_waited_for_forever(self, actors, compute):
        network_id = actors.network.pk
        freshness.NetworkCache(network_id).get("n", compute)
        a_change(actors)
        kept = freshness.NetworkCache(network_id)
        hold(kept, "n")
        assert kept.get("n", compute) == "value 2"  # WAIT_SECONDS is 0 here

    def test_the_lock_is_released_when_the_computation_fails(self, actors):
        kept = freshness.NetworkCache(actors.network.pk)

        def broken():
            raise RuntimeError("database gone")

        with pytest.raises(RuntimeError):
            kept.get("n", broken)
        assert cache.get(f"{kept.key('n')}:lock") is None

    def test_an_older_computation_finishing_late_does_not_replace_a_newer_previous(
        self, actors, compute
    ):
        network_id = actors.network.pk
        older = freshness.NetworkCache(network_id)  # stamp read, computation slow
        a_change(actors)
        freshness.NetworkCache(network_id).get("n", compute)  # "value 1", newer stamp
        older.get("n", compute)  # "value 2", of the older stamp
        a_change(actors)
        kept = freshness.NetworkCache(network_id, previous=True)
        hold(kept, "n")
        assert kept.get("n", compute) == "value 1"


class TestTheWriterSeesTheirChange:
    def test_the_person_who_changed_is_not_served_the_previous_value(self, actors, compute):
        network_id = actors.network.pk
        freshness.NetworkCache(network_id).get("n", compute)
        with as_request_of(actors.coordinator):
            a_change(actors)
        # Another process computes: a colleague is served the previous value, marked ...
        with as_request_of(actors.moderator):
            colleague = freshness.NetworkCache(network_id, previous=True)
            hold(colleague, "n")
            assert colleague.get("n", compute) == "value 1"
            assert colleague.refreshing
        # ... the person who made the change waits for it (and computes, if it takes long).
        with as_request_of(actors.coordinator):
            kept = freshness.NetworkCache(network_id, previous=True)
            assert kept.get("n", compute) == "value 2"
            assert not kept.refreshing

    def test_once_a_value_holds_the_change_the_writer_may_be_served_it(self, actors, compute):
        network_id = actors.network.pk
        with as_request_of(actors.coordinator):
            a_change(actors)
        freshness.NetworkCache(network_id).get("n", compute)  # computed after the change
        a_change(actors)  # someone else's change, outside any request
        with as_request_of(actors.coordinator):
            kept = freshness.NetworkCache(network_id, previous=True)
            hold(kept, "n")
            assert kept.get("n", compute) == "value 1"
            assert kept.refreshing

    def test_changes_outside_a_request_or_by_nobody_logged_in_leave_no_mark(self, actors):
        a_change(actors)
        with as_request_of(AnonymousUser()):
            a_change(actors)
        people = [actors.moderator, actors.coordinator]
        keys = [
            freshness._own_change_key(n, p.pk) for n in (actors.network.pk, None) for p in people
        ]
        assert cache.get_many(keys) == {}
        with as_request_of(actors.coordinator):
            a_change(actors)
        assert cache.get(freshness._own_change_key(actors.network.pk, actors.coordinator.pk))


class TestHandedToAWorker:
    def test_the_first_visitor_after_a_change_is_served_the_previous_value(self, actors, compute):
        network_id = actors.network.pk
        freshness.NetworkCache(network_id).get("a", compute)
        freshness.NetworkCache(network_id).get("b", compute)
        a_change(actors)
        sent = []
        kept = freshness.NetworkCache(network_id, previous=True, refresh=lambda: sent.append(1))
        assert kept.get("a", compute) == "value 1"
        assert kept.get("b", compute) == "value 2"
        assert kept.refreshing and sent == [1]  # once per page
        assert compute.calls == 2
        # The worker: computes although the visitor holds the lock for it.
        with freshness.refreshing():
            assert freshness.NetworkCache(network_id).get("a", compute) == "value 3"
        fresh = freshness.NetworkCache(network_id, previous=True, refresh=lambda: sent.append(2))
        assert fresh.get("a", compute) == "value 3"
        assert not fresh.refreshing and sent == [1]

    def test_when_the_broker_cannot_be_reached_the_visitor_computes(self, actors, compute):
        network_id = actors.network.pk
        freshness.NetworkCache(network_id).get("a", compute)
        a_change(actors)

        def broker_down():
            raise ConnectionError("broker unreachable")

        kept = freshness.NetworkCache(network_id, previous=True, refresh=broker_down)
        assert kept.get("a", compute) == "value 2"
        assert not kept.refreshing
        assert cache.get(f"{kept.key('a')}:lock") is None

    def test_the_refresh_task_computes_the_overview_as_the_visitor_asked(self, actors):
        assert overview.overview_refresh(
            network_id=actors.network.pk, stamp=None, sort="name", descending=True, language="en"
        )
        kept = freshness.NetworkCache(actors.network.pk)
        sections = progress.sections_key(progress.sections())
        today = timezone.localdate()

        def table(language, descending):
            name = "figure-table-html"
            return cache.get(kept.key(name, "name", descending, today, language, sections, "knn"))

        assert table("en", True) is not None
        assert table("de", True) is None and table("en", False) is None


class TestDashboard:
    """The moderator dashboard with only the network's own section (attendance)."""

    @pytest.fixture(autouse=True)
    def only_attendance(self, monkeypatch):
        from network.sections import AttendanceSection

        monkeypatch.setattr(progress, "sections", lambda: [AttendanceSection()])

    @pytest.fixture
    def another_process_computes(self, monkeypatch):
        """Every lock of the cache is held by another process."""
        add = cache.add

        def held(key, *args, **kwargs):
            if key.endswith(":lock"):
                return False
            return add(key, *args, **kwargs)

        def hold():
            monkeypatch.setattr(cache, "add", held)

        return hold

    def excused(self, actors):
        now = timezone.now()
        meeting = MeetingFactory(
            network=actors.network,
            status=Meeting.Status.HELD,
            starts_at=now - timedelta(days=3),
            ends_at=now - timedelta(days=3) + timedelta(hours=2),
        )
        return AttendanceFactory(
            meeting=meeting,
            user=actors.coordinator,
            membership=actors.luenen,
            status=Attendance.Status.EXCUSED,
        )

    def test_a_colleagues_change_shows_the_previous_figures_marked_while_one_computes(
        self, actors, another_process_computes, django_assert_max_num_queries
    ):
        attendance = self.excused(actors)
        client = actors.client(actors.moderator)
        url = reverse("network:dashboard", args=["knn"])
        text = client.get(url).content.decode()
        assert attendance_cells(text, "Lünen") == ["1", "0", "0\xa0%"]
        assert "wird aktualisiert" not in text

        attendance.status = Attendance.Status.ATTENDED
        attendance.save()  # a colleague (no request of the moderator's)
        another_process_computes()
        with django_assert_max_num_queries(12):  # nothing computed
            text = client.get(url).content.decode()
        assert attendance_cells(text, "Lünen") == ["1", "0", "0\xa0%"]
        assert "Die Übersicht wird aktualisiert" in text
        assert 'role="status"' in text

    def test_the_moderator_who_changed_sees_the_new_figures(self, actors, another_process_computes):
        attendance = self.excused(actors)
        client = actors.client(actors.moderator)
        url = reverse("network:dashboard", args=["knn"])
        client.get(url)
        with as_request_of(actors.moderator):  # the moderator's own save
            attendance.status = Attendance.Status.ATTENDED
            attendance.save()
        another_process_computes()
        text = client.get(url).content.decode()
        assert attendance_cells(text, "Lünen") == ["1", "1", "100\xa0%"]
        assert "wird aktualisiert" not in text
