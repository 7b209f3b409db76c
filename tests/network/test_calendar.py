"""The iCalendar feed: parsed back with icalendar, secret token, renewal."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from network.models import Meeting
from tests.factories import AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def feed_url(user, slug="knn"):
    return reverse("network:calendar_feed", args=[slug, user.calendar_token])


def events(response):
    calendar = Calendar.from_ical(response.content)
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}, calendar


@pytest.fixture
def meetings(actors):
    start = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
    planned = MeetingFactory(
        network=actors.network,
        title="Netzwerktreffen Bauen",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        location="Rathaus Lünen, Willy-Brandt-Platz 1",
        description="Sanierung im Bestand",
    )
    AgendaItemFactory(meeting=planned, title="Begrüßung", duration_minutes=15)
    cancelled = MeetingFactory(
        network=actors.network,
        title="Exkursion Herten",
        status=Meeting.Status.CANCELLED,
        location="",
        online_url="https://meet.example.org/knn",
    )
    MeetingFactory(network=actors.other_network, title="Fremder Termin")
    return planned, cancelled


class TestFeed:
    def test_needs_no_login_and_lists_the_networks_meetings(self, client, actors, meetings):
        planned, cancelled = meetings
        response = client.get(feed_url(actors.coordinator))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/calendar; charset=utf-8"
        by_uid, calendar = events(response)
        assert str(calendar["x-wr-calname"]) == "Kommunales Netzwerk Nachhaltigkeit"
        assert set(by_uid) == {str(planned.uid), str(cancelled.uid)}

        event = by_uid[str(planned.uid)]
        assert str(event["summary"]) == "Netzwerktreffen Bauen"
        assert event["dtstart"].dt == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
        assert event["dtend"].dt == datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
        assert str(event["status"]) == "CONFIRMED"
        assert str(event["location"]) == "Rathaus Lünen, Willy-Brandt-Platz 1"
        assert str(event["url"]).endswith(
            reverse("network:meeting_detail", args=["knn", planned.pk])
        )
        assert "Sanierung im Bestand" in str(event["description"])
        assert "1. Begrüßung (15 Min.)" in str(event["description"])

        gone = by_uid[str(cancelled.uid)]
        assert str(gone["status"]) == "CANCELLED"
        assert str(gone["location"]) == "https://meet.example.org/knn"

    def test_token_must_belong_to_someone_in_this_network(self, client, actors, meetings):
        assert client.get(feed_url(actors.outsider)).status_code == 404
        # The outsider's token works for their own network only.
        by_uid, _calendar = events(client.get(feed_url(actors.outsider, slug="hellweg")))
        assert len(by_uid) == 1
        made_up = reverse("network:calendar_feed", args=["knn", "x" * 43])
        assert client.get(made_up).status_code == 404
        assert client.get("/n/knn/termine/kalender/kurz.ics").status_code == 404

    def test_renewal_retires_the_old_url(self, client, actors, meetings):
        old = feed_url(actors.staff)
        assert client.get(old).status_code == 200
        member = actors.client(actors.staff)
        response = member.post(reverse("network:calendar_subscribe", args=["knn"]), follow=True)
        assert "Die Kalender-Adresse wurde erneuert." in response.content.decode()
        actors.staff.refresh_from_db()
        assert client.get(old).status_code == 404
        new = feed_url(actors.staff)
        assert new != old
        assert client.get(new).status_code == 200
        assert new in response.content.decode()

    def test_sequence_grows_with_edits(self, client, actors, meetings):
        planned, _cancelled = meetings
        planned.version = 4
        planned.save()
        by_uid, _calendar = events(client.get(feed_url(actors.moderator)))
        assert by_uid[str(planned.uid)]["sequence"] == 4

    @pytest.mark.parametrize("count", [2, 20])
    def test_query_count_is_fixed(self, client, actors, count, django_assert_max_num_queries):
        for _ in range(count):
            AgendaItemFactory(meeting=MeetingFactory(network=actors.network))
        with django_assert_max_num_queries(3):
            response = client.get(feed_url(actors.observer))
        assert len(events(response)[0]) == count


class TestSubscribePage:
    def test_anonymous_and_outsider(self, client, actors):
        subscribe = reverse("network:calendar_subscribe", args=["knn"])
        assert client.get(subscribe).status_code == 302
        assert actors.client(actors.outsider).get(subscribe).status_code == 404
        token = actors.outsider.calendar_token
        assert actors.client(actors.outsider).post(subscribe).status_code == 404
        actors.outsider.refresh_from_db()
        assert actors.outsider.calendar_token == token

    def test_shows_the_personal_url(self, actors):
        response = actors.client(actors.observer).get(
            reverse("network:calendar_subscribe", args=["knn"])
        )
        text = response.content.decode()
        assert "Kalender abonnieren" in text
        assert "http://testserver" + feed_url(actors.observer) in text
        assert "webcal://testserver" + feed_url(actors.observer) in text
