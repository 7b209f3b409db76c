"""Data stamps (network.freshness): every write moves the stamp of its network, and the
dashboard shows what it kept only while nothing changed."""

import os
import re
from datetime import timedelta

import pytest
from django.contrib.auth import user_logged_in
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from network import freshness
from network.models import (
    Attendance,
    DataChange,
    Meeting,
    Membership,
    Municipality,
    Network,
    Report,
)
from network.reports import history
from network.services.meetings import attendance_record, meeting_invite
from tests.factories import (
    AgendaItemFactory,
    AttendanceFactory,
    MeetingFactory,
    MembershipFactory,
    MunicipalityFactory,
    NetworkFactory,
)

pytestmark = pytest.mark.django_db


def stamps(*networks):
    return [freshness.stamp(network.pk) for network in networks]


class TestStamps:
    def test_a_write_moves_only_its_own_network(self, actors):
        other = NetworkFactory()
        before = stamps(actors.network, other)
        MeetingFactory(network=actors.network)
        after = stamps(actors.network, other)
        assert after[0] != before[0]
        assert after[1] == before[1]

    def test_rows_are_traced_along_their_foreign_keys(self, actors):
        meeting = MeetingFactory(network=actors.network)
        agenda_item = AgendaItemFactory(meeting=meeting)
        attendance = AttendanceFactory(
            meeting=meeting, user=actors.coordinator, membership=actors.luenen
        )
        assert freshness.networks_of(agenda_item) == {actors.network.pk}
        assert freshness.networks_of(attendance) == {actors.network.pk}
        assert freshness.networks_of(actors.network) == {actors.network.pk}
        # A municipality or a person belongs to no network in particular: every network.
        assert freshness.networks_of(actors.luenen.municipality) is freshness.EVERY_NETWORK
        assert freshness.networks_of(actors.coordinator) is freshness.EVERY_NETWORK

    def test_renaming_a_municipality_moves_every_network(self, actors):
        other = NetworkFactory()
        before = stamps(actors.network, other)
        municipality = actors.luenen.municipality
        municipality.name = "Lünen an der Lippe"
        municipality.save()
        after = stamps(actors.network, other)
        assert after[0] != before[0] and after[1] != before[1]

    def test_logging_in_moves_nothing(self, actors):
        before = stamps(actors.network)
        request = RequestFactory().get("/")
        user = actors.coordinator
        user_logged_in.send(sender=type(user), request=request, user=user)
        actors.coordinator.refresh_from_db()
        assert actors.coordinator.last_login is not None
        assert stamps(actors.network) == before

    def test_many_to_many_changes_move_the_stamp(self, actors):
        workshop = MeetingFactory(network=actors.network)
        before = stamps(actors.network)
        workshop.participants.add(actors.herten)
        assert stamps(actors.network)[0] != before[0]

    def test_bulk_writes_of_the_services_move_the_stamp(self, actors):
        meeting = MeetingFactory(network=actors.network)
        before = stamps(actors.network)
        assert meeting_invite(meeting=meeting) > 0  # bulk_create, no signals
        invited = stamps(actors.network)[0]
        assert invited != before[0]
        row = meeting.attendances.get(user=actors.coordinator)
        attendance_record(
            meeting=meeting,
            statuses={row.pk: Attendance.Status.ATTENDED},
            loaded={row.pk: row.status},
        )
        assert stamps(actors.network)[0] != invited

    def test_no_watched_model_escapes_the_bookkeeping_of_bulk_writes(self):
        """Every manager of every watched model hands out a WatchedQuerySet, so update(),
        bulk_create() and bulk_update() mark their networks without help. A new model with
        a plain manager (or a QuerySet of its own on models.QuerySet) fails here."""
        escaped = [f"{m._meta.label}.{man.name}" for m, man in freshness.unwatched_managers()]
        assert escaped == []
        assert len(list(freshness.watched_models())) > 30

    def test_queryset_update_moves_the_stamps_of_its_rows_networks_only(self, actors):
        meeting = MeetingFactory(network=actors.network)
        AgendaItemFactory(meeting=meeting)
        foreign = MeetingFactory(network=actors.other_network)
        before = stamps(actors.network, actors.other_network)
        from network.models import AgendaItem

        assert AgendaItem.objects.filter(meeting=meeting).update(title="Neu") == 1
        after = stamps(actors.network, actors.other_network)
        assert after[0] != before[0] and after[1] == before[1]
        Meeting.objects.filter(pk__in=[meeting.pk, foreign.pk]).update(location="Rathaus")
        assert all(
            a != b for a, b in zip(stamps(actors.network, actors.other_network), after, strict=True)
        )

    def test_an_update_that_changes_no_row_moves_nothing(self, actors):
        before = stamps(actors.network)
        assert Meeting.objects.filter(network=actors.network, pk=0).update(title="x") == 0
        assert stamps(actors.network) == before

    def test_bulk_create_and_bulk_update_mark_by_themselves(self, actors):
        meeting = MeetingFactory(network=actors.network)
        before = stamps(actors.network, actors.other_network)
        rows = Attendance.objects.bulk_create(
            [Attendance(meeting=meeting, user=actors.coordinator, membership=actors.luenen)]
        )
        created = stamps(actors.network, actors.other_network)
        assert created[0] != before[0] and created[1] == before[1]
        rows[0].status = Attendance.Status.ATTENDED
        Attendance.objects.bulk_update(rows, ["status"])
        assert stamps(actors.network)[0] != created[0]

    def test_rows_without_a_network_mark_every_network(self, actors):
        before = stamps(actors.network, actors.other_network)
        Municipality.objects.filter(pk=actors.luenen.municipality_id).update(population=1)
        assert all(
            a != b
            for a, b in zip(stamps(actors.network, actors.other_network), before, strict=True)
        )

    def test_the_path_to_the_network_is_found_along_foreign_keys(self):
        from building.models import EnergyUse, Score
        from procurement.models import DepartmentApproval

        path = freshness._network_path
        assert path(Network) == "pk" and path(Meeting) == "network"
        assert path(Attendance) == "meeting__network"
        assert path(Score) == "assessment__project__membership__network"
        assert path(EnergyUse) == "variant__project__membership__network"
        assert path(DepartmentApproval) == "adoption__membership__network"
        assert path(Municipality) is None

    def test_report_jobs_and_the_stamps_themselves_are_not_watched(self):
        watched = set(freshness.watched_models())
        assert Meeting in watched and Membership in watched and Network in watched
        assert Report not in watched and DataChange not in watched
        assert not any(model.__name__.startswith("Historical") for model in watched)

    def test_a_deleted_network_leaves_no_trace_behind(self, actors):
        network = NetworkFactory()
        MembershipFactory(network=network)
        network_id = network.pk
        network.delete()  # its rows are deleted in the same cascade: no error
        assert not Network.objects.filter(pk=network_id).exists()


@pytest.fixture
def signals():
    """Networks for which freshness.data_changed was sent, in order."""
    sent = []

    def record(sender, network_id, stamp, **kwargs):
        sent.append(network_id)

    freshness.data_changed.connect(record, dispatch_uid="test-record")
    yield sent
    freshness.data_changed.disconnect(dispatch_uid="test-record")


@pytest.mark.django_db(transaction=True)
class TestAfterCommit:
    def test_one_more_row_after_commit_and_older_rows_pruned(self):
        network = NetworkFactory()
        with transaction.atomic():
            MeetingFactory(network=network)
            MeetingFactory(network=network)
            inside = freshness.stamp(network.pk)
        # After commit a row newer than any appended inside the transaction; only the
        # newest row of the network is left.
        assert freshness.stamp(network.pk) != inside
        assert DataChange.objects.filter(network_id=network.pk).count() == 1

    def test_one_after_commit_append_per_network_however_many_writes(self, signals):
        network, other = NetworkFactory(), NetworkFactory()
        signals.clear()  # creating the networks was two changes of their own
        before = DataChange.objects.count()
        with transaction.atomic():
            for _ in range(3):
                MeetingFactory(network=network)
            MeetingFactory(network=other)
            assert DataChange.objects.count() == before + 4  # one at once per write
        assert sorted(signals) == sorted([network.pk, other.pk])

    def test_two_transactions_in_a_row_append_after_each_commit(self, signals):
        network = NetworkFactory()
        signals.clear()
        for _ in range(2):
            with transaction.atomic():
                MeetingFactory(network=network)
                MeetingFactory(network=network)
        assert signals == [network.pk, network.pk]

    def test_the_bookkeeping_reads_no_private_state_of_django(self):
        import inspect

        assert "run_on_commit" not in inspect.getsource(freshness)

    def test_a_rolled_back_savepoint_takes_its_registration_with_it(self, signals):
        network = NetworkFactory()
        signals.clear()
        with transaction.atomic():
            with pytest.raises(RuntimeError), transaction.atomic():
                MeetingFactory(network=network)
                raise RuntimeError
            MeetingFactory(network=network)
            inside = freshness.stamp(network.pk)
        assert signals == [network.pk]
        assert freshness.stamp(network.pk) != inside

    def test_loaddata_marks_every_network_after_commit_only(self, signals):
        network = NetworkFactory()
        municipality = MunicipalityFactory()
        signals.clear()
        before = freshness.stamp(network.pk), DataChange.objects.count()
        with transaction.atomic():
            # What loaddata does for every object of a fixture.
            post_save.send(
                sender=Municipality,
                instance=municipality,
                raw=True,
                created=False,
                update_fields=None,
                using="default",
            )
            # Nothing at once: the ids of a fixture's own rows must stay free.
            assert DataChange.objects.count() == before[1]
        assert signals == [freshness.EVERY_NETWORK]
        assert freshness.stamp(network.pk) != before[0]

    def test_stamps_stay_unique_where_ids_come_round_again(self):
        """After a database backup is restored, ids are handed out a second time."""
        network = NetworkFactory()
        row = DataChange.objects.create(network_id=network.pk)
        first = freshness.stamp(network.pk)
        row_id = row.pk
        DataChange.objects.all().delete()
        DataChange.objects.create(id=row_id, network_id=network.pk)
        second = freshness.stamp(network.pk)
        assert first.split(".")[0] == second.split(".")[0] == str(row_id)
        assert first != second

    def test_a_rolled_back_write_takes_its_row_with_it(self):
        network = NetworkFactory()
        before = freshness.stamp(network.pk)
        with pytest.raises(RuntimeError), transaction.atomic():
            MeetingFactory(network=network)
            raise RuntimeError
        assert freshness.stamp(network.pk) == before


class TestNetworkCache:
    def test_computes_once_per_stamp(self, actors):
        calls = []

        def compute():
            calls.append(1)
            return len(calls)

        assert freshness.NetworkCache(actors.network.pk).get("n", compute, "x") == 1
        assert freshness.NetworkCache(actors.network.pk).get("n", compute, "x") == 1
        # Other parts are another entry.
        assert freshness.NetworkCache(actors.network.pk).get("n", compute, "y") == 2
        MeetingFactory(network=actors.network)
        assert freshness.NetworkCache(actors.network.pk).get("n", compute, "x") == 3


def attendance_cells(text, name):
    row = re.search(rf'<th scope="row"><a [^>]*>{name}</a>(.*?)</tr>', text, re.S).group(1)
    return re.findall(r'figure-value">([^<]+)<', row)


class TestDashboardKeepsFiguresUntilAChange:
    """The moderator dashboard with only the network's own section (attendance)."""

    @pytest.fixture(autouse=True)
    def only_attendance(self, monkeypatch):
        from network import progress
        from network.sections import AttendanceSection

        monkeypatch.setattr(progress, "sections", lambda: [AttendanceSection()])

    def held(self, actors):
        now = timezone.now()
        return MeetingFactory(
            network=actors.network,
            status=Meeting.Status.HELD,
            starts_at=now - timedelta(days=3),
            ends_at=now - timedelta(days=3) + timedelta(hours=2),
        )

    def test_a_change_shows_at_once_and_a_second_visit_costs_fewer_queries(
        self, actors, django_assert_max_num_queries, django_assert_num_queries
    ):
        meeting = self.held(actors)
        attendance = AttendanceFactory(
            meeting=meeting,
            user=actors.coordinator,
            membership=actors.luenen,
            status=Attendance.Status.EXCUSED,
        )
        client = actors.client(actors.moderator)
        client.get(reverse("profile"))  # the session, not the dashboard
        url = reverse("network:dashboard", args=["knn"])
        # „Letzte Änderungen“: one query per historical model (8 of the network's own).
        with django_assert_max_num_queries(18 + len(history.sources())) as computed:
            text = client.get(url).content.decode()
        # Lünen: invited 1, attended 0, 0 %.
        assert attendance_cells(text, "Lünen") == ["1", "0", "0\xa0%"]
        with django_assert_max_num_queries(len(computed.captured_queries) - 5) as kept:
            again = client.get(url).content.decode()
        masked = [re.sub(r'csrf-token="[^"]+"|value="[^"]{32,}"', "", t) for t in (text, again)]
        assert masked[0] == masked[1]
        # Kept: no figure, open-item or history query, only the page's own few.
        assert len(kept.captured_queries) <= 9

        attendance.status = Attendance.Status.ATTENDED
        attendance.save()
        text = client.get(url).content.decode()
        assert attendance_cells(text, "Lünen") == ["1", "1", "100\xa0%"]

    def test_language_and_sort_order_are_kept_apart(self, actors):
        meeting = self.held(actors)
        AttendanceFactory(
            meeting=meeting,
            user=actors.coordinator,
            membership=actors.luenen,
            status=Attendance.Status.ATTENDED,
        )
        client = actors.client(actors.moderator)
        url = reverse("network:dashboard", args=["knn"])
        german = client.get(url).content.decode()
        assert "Teilnahmequote" in german
        by_rate = client.get(url + "?sort=attendance_pct&dir=desc").content.decode()
        by_name = client.get(url + "?sort=name&dir=asc").content.decode()
        assert by_rate.index(">Lünen<") < by_rate.index(">Herten<")
        assert by_name.index(">Herten<") < by_name.index(">Lünen<")
        client.post(reverse("set_language"), {"language": "en", "next": url})
        english = client.get(url).content.decode()
        # Column labels are translated: the English page has its own kept table.
        assert "Attendance rate" in english and "Teilnahmequote" not in english


BROKER = os.environ.get("CELERY_BROKER_URL", "")


@pytest.mark.skipif(not BROKER.startswith("redis://"), reason="needs Redis (CI has it)")
def test_kept_table_comes_back_from_redis_as_markup(actors, settings):
    """Production keeps the figures in Redis (docker-compose CACHE_URL): the kept HTML of
    the table must come back as markup, not as escaped text."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": BROKER.rsplit("/", 1)[0] + "/8",
            "KEY_PREFIX": f"test-{os.getpid()}",
        }
    }
    cache.clear()
    client = actors.client(actors.moderator)
    url = reverse("network:dashboard", args=["knn"])
    computed = client.get(url).content.decode()
    kept = client.get(url).content.decode()
    for text in (computed, kept):
        assert '<table class="table table-sm table-figures' in text
        assert "&lt;table" not in text
    cache.clear()
