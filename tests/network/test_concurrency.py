"""Two people edit the same object: the second save is refused and shows what changed."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import ActionItemFactory, AgendaItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db


def loaded_form(client, url):
    """The form's fields as the browser would submit them, with the hidden version."""
    html = client.get(url).content.decode()
    version = re.search(r'name="loaded_version" value="(\d+)"', html)
    assert version, "the form carries the version it was loaded with"
    return int(version.group(1))


def meeting_data(meeting, **changes):
    start = timezone.localtime(meeting.starts_at)
    end = timezone.localtime(meeting.ends_at)
    data = {
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
        "location": meeting.location,
        "online_url": meeting.online_url,
        "description": meeting.description,
        "status": meeting.status,
    }
    data.update(changes)
    return data


def test_second_meeting_edit_is_refused_and_shows_the_changes(actors):
    meeting = MeetingFactory(network=actors.network, title="Netzwerktreffen", location="Lünen")
    url = reverse("network:meeting_edit", args=["knn", meeting.pk])
    moderator = actors.client(actors.moderator)
    second = actors.client(actors.moderator)  # the same role in a second browser tab
    first_version = loaded_form(moderator, url)
    second_version = loaded_form(second, url)

    response = moderator.post(
        url, meeting_data(meeting, location="Rathaus Herten", loaded_version=first_version)
    )
    assert response.status_code == 302

    response = second.post(
        url, meeting_data(meeting, title="Mein Thema", loaded_version=second_version)
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "Ihre Änderungen wurden nicht gespeichert." in text
    assert "Diese Änderungen hat die andere Person gespeichert:" in text
    assert "Ort" in text and "Rathaus Herten" in text
    meeting.refresh_from_db()
    assert (meeting.title, meeting.location, meeting.version) == (
        "Netzwerktreffen",
        "Rathaus Herten",
        2,
    )
    # The re-shown form now carries the current version: saving again is a deliberate
    # overwrite with what the second person sees on screen.
    assert 'name="loaded_version" value="2"' in text
    response = second.post(
        url, meeting_data(meeting, title="Mein Thema", location="Rathaus Herten", loaded_version=2)
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.version) == ("Mein Thema", 3)


def test_a_changed_member_list_is_shown_by_name(actors):
    meeting = MeetingFactory(network=actors.network, title="Workshop", kind="workshop")
    meeting.participants.set([actors.luenen])
    url = reverse("network:meeting_edit", args=["knn", meeting.pk])
    first, second = actors.client(actors.moderator), actors.client(actors.moderator)
    first_version, second_version = loaded_form(first, url), loaded_form(second, url)
    response = first.post(
        url,
        meeting_data(
            meeting,
            participants=[actors.luenen.pk, actors.herten.pk],
            loaded_version=first_version,
        ),
    )
    assert response.status_code == 302
    response = second.post(
        url,
        meeting_data(
            meeting,
            title="Mein Thema",
            participants=[actors.luenen.pk],
            loaded_version=second_version,
        ),
    )
    text = response.content.decode()
    table = text[text.index("Diese Änderungen hat die andere Person gespeichert:") :]
    table = table[: table.index("</table>")]
    assert "Teilnehmende Kommunen" in table
    assert "Herten – Kommunales Netzwerk Nachhaltigkeit, Lünen – Kommunales Netzwerk" in table
    assert "&#x27;membership&#x27;" not in table and "{" not in table
    # Times the first save only cut to whole minutes read the same: not listed as changes.
    assert "Beginn" not in table and "Ende" not in table
    meeting.refresh_from_db()
    assert meeting.title == "Workshop"
    assert set(meeting.participants.all()) == {actors.luenen, actors.herten}


def test_minutes_by_two_experts(actors):
    meeting = MeetingFactory(
        network=actors.network,
        starts_at=timezone.now() - timedelta(days=1),
        ends_at=timezone.now() - timedelta(hours=20),
    )
    url = reverse("network:minutes_edit", args=["knn", meeting.pk])
    expert, moderator = actors.client(actors.expert), actors.client(actors.moderator)
    v1, v2 = loaded_form(expert, url), loaded_form(moderator, url)
    assert (
        expert.post(url, {"minutes": "Fassung der Expertin", "loaded_version": v1}).status_code
        == 302
    )
    response = moderator.post(url, {"minutes": "Fassung der Moderation", "loaded_version": v2})
    text = response.content.decode()
    assert "nicht gespeichert" in text and "Fassung der Expertin" in text
    meeting.refresh_from_db()
    assert meeting.minutes == "Fassung der Expertin"


def test_agenda_item_edit_conflict(actors):
    item = AgendaItemFactory(meeting=MeetingFactory(network=actors.network), title="Begrüßung")
    url = reverse("network:agenda_item_edit", args=["knn", item.meeting_id, item.pk])
    a, b = actors.client(actors.moderator), actors.client(actors.moderator)
    va, vb = loaded_form(a, url), loaded_form(b, url)
    assert (
        a.post(
            url, {"title": "Begrüßung", "duration_minutes": 45, "loaded_version": va}
        ).status_code
        == 302
    )
    response = b.post(url, {"title": "Willkommen", "duration_minutes": 30, "loaded_version": vb})
    text = response.content.decode()
    assert "Dauer (Minuten)" in text and "45" in text and "nicht gespeichert" in text
    item.refresh_from_db()
    assert (item.title, item.duration_minutes) == ("Begrüßung", 45)


def test_action_item_conflict_between_owner_and_moderator(actors):
    item = ActionItemFactory(network=actors.network, title="Abstimmen", owner=actors.coordinator)
    url = reverse("network:action_item_edit", args=["knn", item.pk])
    owner, moderator = actors.client(actors.coordinator), actors.client(actors.moderator)
    vo, vm = loaded_form(owner, url), loaded_form(moderator, url)
    base = {"title": "Abstimmen", "owner": actors.coordinator.pk}
    assert owner.post(url, {**base, "status": "done", "loaded_version": vo}).status_code == 302
    response = moderator.post(url, {**base, "status": "dropped", "loaded_version": vm})
    text = response.content.decode()
    assert "nicht gespeichert" in text
    # The other person's change in words, not as a stored value.
    assert '<td class="text-break">offen</td><td class="text-break">erledigt</td>' in text
    item.refresh_from_db()
    assert item.status == "done"
