"""The demo's meetings render on every meetings page (a smoke test over real-looking data)."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from network.demo import seed_network
from network.models import Meeting, User
from network.views.meetings import PAST_PAGE_SIZE

pytestmark = pytest.mark.django_db


def test_demo_meetings_render():
    seed_network()
    client = Client()
    client.force_login(User.objects.get(email="moderator@example.org"))
    meetings = list(Meeting.objects.filter(network__slug="knn"))
    assert meetings
    # The demo has met since 2022: the past meetings take several pages of the list.
    url = reverse("network:meeting_list", args=["knn"])
    pages = -(
        -Meeting.objects.filter(network__slug="knn", ends_at__lt=timezone.now()).count()
        // PAST_PAGE_SIZE
    )
    text = "".join(client.get(url, {"page": page}).content.decode() for page in range(1, pages + 1))
    for meeting in meetings:
        assert meeting.title in text
        detail = client.get(reverse("network:meeting_detail", args=["knn", meeting.pk]))
        assert meeting.title in detail.content.decode()
        history = client.get(reverse("network:meeting_history", args=["knn", meeting.pk]))
        assert "angelegt" in history.content.decode()
    assert client.get(reverse("network:action_item_list", args=["knn"])).status_code == 200
    token = User.objects.get(email="expert@example.org").calendar_token
    feed = Client().get(reverse("network:calendar_feed", args=["knn", token]))
    assert len(Calendar.from_ical(feed.content).walk("VEVENT")) == len(meetings)
