"""The reusable "Verlauf": entries with German labels, readable values, fixed queries."""

from datetime import timedelta

import pytest
from django.urls import reverse

from network.models import ActionItem, Meeting
from network.views.history import history_entries
from tests.factories import ActionItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def test_entries_are_newest_first_with_field_labels(actors):
    meeting = MeetingFactory(network=actors.network, title="Auftakt", kind="workshop")
    meeting.participants.set([actors.luenen])
    meeting.title = "Auftakt Bauen"
    meeting.status = Meeting.Status.CANCELLED
    meeting.save()
    entries = history_entries(meeting)
    assert [e.action for e in entries][-1] == "angelegt"
    newest = entries[0]
    assert newest.action == "geändert"
    changes = {c.label: (c.old, c.new) for c in newest.changes}
    assert changes["Thema"] == ("Auftakt", "Auftakt Bauen")
    assert changes["Status"] == ("geplant", "abgesagt")
    created = {c.label: c.new for c in entries[-1].changes}
    assert created["Art"] == "Workshop"
    assert "version" not in {c.label for e in entries for c in e.changes}


def test_foreign_keys_and_dates_are_readable(actors):
    item = ActionItemFactory(network=actors.network, title="Kriterien abstimmen")
    item.owner = actors.coordinator
    item.membership = actors.luenen
    item.due_on = item.due_on + timedelta(days=1)
    item.save()
    changes = {c.label: (c.old, c.new) for c in history_entries(item)[0].changes}
    assert changes["Verantwortlich"] == ("–", str(actors.coordinator))
    assert changes["Kommune"][1] == str(actors.luenen)
    old, new = changes["Fällig am"]
    assert new == item.due_on.strftime("%d.%m.%Y")


@pytest.mark.parametrize("edits", [1, 15])
def test_history_page_query_count_is_fixed(actors, edits, django_assert_max_num_queries):
    item = ActionItemFactory(network=actors.network, owner=actors.staff, membership=actors.luenen)
    for n in range(edits):
        item.title = f"Fassung {n}"
        item.owner = actors.coordinator if n % 2 else actors.staff
        item.save()
    client = actors.client(actors.observer)
    url = reverse("network:action_item_history", args=["knn", item.pk])
    with django_assert_max_num_queries(13):
        response = client.get(url)
    assert response.content.decode().count("Fassung ") >= edits


def test_history_of_another_networks_item_is_404(actors):
    foreign = ActionItemFactory(network=actors.other_network)
    response = actors.client(actors.moderator).get(
        reverse("network:action_item_history", args=["knn", foreign.pk])
    )
    assert response.status_code == 404
    assert ActionItem.objects.count() == 1
