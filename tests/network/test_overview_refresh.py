"""After a change a worker computes the moderator dashboard's overview before the next
visitor asks (network.overview.overview_refresh, network.tasks.refresh_overview)."""

import pytest
from django.db import transaction
from django.urls import reverse
from kombu.exceptions import OperationalError

from network import freshness, tasks
from network.models import Meeting
from network.overview import overview_refresh
from network.reports import history
from tests.factories import MeetingFactory, NetworkFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch, settings):
    """Refreshes switched on (as with a broker); what is sent is recorded, not queued."""
    settings.OVERVIEW_REFRESH = True
    settings.OVERVIEW_REFRESH_DELAY = 1
    calls = []

    def apply_async(args, **options):
        calls.append((args, options))

    monkeypatch.setattr(tasks.refresh_overview, "apply_async", apply_async)
    return calls


def visit_queries(actors, django_assert_max_num_queries, limit):
    client = actors.client(actors.moderator)
    client.get(reverse("profile"))  # the session, not the dashboard
    with django_assert_max_num_queries(limit) as captured:
        text = client.get(reverse("network:dashboard", args=["knn"])).content.decode()
    assert ">Lünen<" in text and ">Herten<" in text
    return len(captured.captured_queries)


class TestRefresh:
    def test_the_next_visit_finds_everything_computed(self, actors, django_assert_max_num_queries):
        MeetingFactory(network=actors.network, title="Netzwerktreffen im Advent")
        assert overview_refresh(
            network_id=actors.network.pk, stamp=freshness.stamp(actors.network.pk)
        )
        # Only session, access, stamp, cache and the upcoming meetings: as in test_dashboard
        # for a repeated visit.
        assert visit_queries(actors, django_assert_max_num_queries, 9) <= 9

    def test_through_the_task(self, actors, django_assert_max_num_queries):
        stamp = freshness.stamp(actors.network.pk)
        assert tasks.refresh_overview.apply((actors.network.pk, stamp)).get() is True
        assert visit_queries(actors, django_assert_max_num_queries, 9) <= 9

    def test_a_newer_change_or_a_deleted_network_is_left_alone(
        self, actors, django_assert_max_num_queries
    ):
        stamp = freshness.stamp(actors.network.pk)
        MeetingFactory(network=actors.network)
        assert overview_refresh(network_id=actors.network.pk, stamp=stamp) is False
        # Nothing was kept: the visit computes (more than the 9 of a kept visit).
        assert visit_queries(actors, django_assert_max_num_queries, 22 + len(history.sources())) > 9
        gone = NetworkFactory()
        gone_id, gone_stamp = gone.pk, freshness.stamp(gone.pk)
        gone.delete()
        assert overview_refresh(network_id=gone_id, stamp=gone_stamp) is False


@pytest.mark.django_db(transaction=True)
class TestSending:
    """With real commits: the test's own transaction would hold back every after-commit
    append (one per network and transaction) until its end."""

    def test_one_refresh_per_transaction_after_commit_with_the_new_stamp(self, actors, sent):
        sent.clear()  # setting up the actors were changes too
        with transaction.atomic():
            MeetingFactory(network=actors.network)
            MeetingFactory(network=actors.network)
            assert sent == []  # nothing before the commit
        assert sent == [
            (
                (actors.network.pk, freshness.stamp(actors.network.pk)),
                {"countdown": 1, "retry": False},
            )
        ]

    def test_changes_of_every_network_are_left_to_the_visitors(self, actors, sent):
        sent.clear()
        municipality = actors.luenen.municipality
        municipality.name = "Lünen (Westfalen)"
        municipality.save()
        assert sent == []

    def test_switched_off_nothing_is_sent(self, actors, sent, settings):
        settings.OVERVIEW_REFRESH = False
        sent.clear()
        MeetingFactory(network=actors.network)
        assert sent == []

    def test_an_unreachable_broker_loses_nothing(self, actors, settings, monkeypatch, caplog):
        settings.OVERVIEW_REFRESH = True

        def unreachable(*args, **kwargs):
            raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

        monkeypatch.setattr(tasks.refresh_overview, "apply_async", unreachable)
        with transaction.atomic():
            meeting = MeetingFactory(network=actors.network, title="Trotzdem gespeichert")
        assert Meeting.objects.get(pk=meeting.pk).title == "Trotzdem gespeichert"
        assert f"overview refresh of network {actors.network.pk} not sent" in caplog.text
