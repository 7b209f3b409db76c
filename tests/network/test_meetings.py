"""Meetings: list, detail, create/edit/cancel and the agenda."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from network.models import AgendaItem, Meeting
from tests.factories import AgendaItemFactory, MeetingFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def url(name, *args, slug="knn"):
    return reverse(f"network:{name}", args=[slug, *args])


@pytest.fixture
def meeting(actors):
    return MeetingFactory(
        network=actors.network,
        title="Netzwerktreffen Beschaffung",
        starts_at=timezone.now() + timedelta(days=7),
        ends_at=timezone.now() + timedelta(days=7, hours=2),
    )


def form_data(**overrides):
    start = (timezone.localtime() + timedelta(days=10)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    data = {
        "kind": Meeting.Kind.NETWORK_MEETING,
        "title": "Netzwerktreffen Bauen",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "location": "Rathaus Lünen",
        "online_url": "",
        "description": "",
    }
    data.update(overrides)
    return data


class TestMeetingList:
    def test_anonymous_goes_to_login(self, client, actors):
        response = client.get(url("meeting_list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_outsider_gets_404(self, actors, meeting):
        assert actors.client(actors.outsider).get(url("meeting_list")).status_code == 404

    def test_member_sees_upcoming_and_past(self, actors, meeting):
        past = MeetingFactory(
            network=actors.network,
            title="Auftakt 2022",
            starts_at=timezone.now() - timedelta(days=300),
            ends_at=timezone.now() - timedelta(days=300) + timedelta(hours=2),
            status=Meeting.Status.HELD,
        )
        MeetingFactory(network=actors.other_network, title="Fremdes Treffen")
        text = actors.client(actors.other).get(url("meeting_list")).content.decode()
        upcoming_part, past_part = text.split("Vergangene Termine", 1)
        assert "Netzwerktreffen Beschaffung" in upcoming_part
        assert past.title in past_part
        assert "Fremdes Treffen" not in text
        # Only the moderator gets the button.
        assert "Termin anlegen" not in text

    def test_filter_by_kind_and_status(self, actors, meeting):
        MeetingFactory(network=actors.network, title="Workshop Recklinghausen", kind="workshop")
        MeetingFactory(network=actors.network, title="Abgesagtes Treffen", status="cancelled")
        client = actors.client(actors.moderator)
        text = client.get(url("meeting_list"), {"kind": "workshop"}).content.decode()
        assert "Workshop Recklinghausen" in text and "Netzwerktreffen Beschaffung" not in text
        text = client.get(url("meeting_list"), {"status": "cancelled"}).content.decode()
        assert "Abgesagtes Treffen" in text and "Workshop Recklinghausen" not in text
        # A made-up filter value does not break the page.
        response = client.get(url("meeting_list"), {"kind": "<script>", "page": "x"})
        assert response.status_code == 200
        assert "Termin anlegen" in response.content.decode()

    def test_workshop_lists_its_members(self, actors):
        workshop = MeetingFactory(network=actors.network, kind="workshop", title="WS")
        workshop.participants.set([actors.herten])
        text = actors.client(actors.coordinator).get(url("meeting_list")).content.decode()
        assert "Herten" in text

    @pytest.mark.parametrize("count", [2, 25])
    def test_query_count_is_fixed(self, actors, count, django_assert_max_num_queries):
        for n in range(count):
            m = MeetingFactory(network=actors.network, kind="workshop")
            m.participants.set([actors.luenen, actors.herten])
            MeetingFactory(
                network=actors.network,
                starts_at=timezone.now() - timedelta(days=n + 1, hours=5),
                ends_at=timezone.now() - timedelta(days=n + 1),
            )
        client = actors.client(actors.moderator)
        with django_assert_max_num_queries(12):
            response = client.get(url("meeting_list"))
        assert response.content.decode().count("/termine/") >= count + min(count, 20)


class TestMeetingDetail:
    def test_anonymous_goes_to_login(self, client, meeting):
        assert client.get(url("meeting_detail", meeting.pk)).status_code == 302

    def test_outsider_gets_404(self, actors, meeting):
        response = actors.client(actors.outsider).get(url("meeting_detail", meeting.pk))
        assert response.status_code == 404

    def test_meeting_of_another_network_is_404(self, actors):
        foreign = MeetingFactory(network=actors.other_network)
        # Reached through this network's URL: the id belongs elsewhere.
        response = actors.client(actors.moderator).get(url("meeting_detail", foreign.pk))
        assert response.status_code == 404

    @pytest.mark.parametrize("pk", ["abc", "-1", "1.5"])
    def test_malformed_ids_are_404(self, actors, pk):
        response = actors.client(actors.moderator).get(f"/n/knn/termine/{pk}/")
        assert response.status_code == 404

    def test_huge_id_is_404(self, actors):
        response = actors.client(actors.moderator).get(url("meeting_detail", 10**20))
        assert response.status_code == 404

    def test_shows_agenda_with_sum_against_length(self, actors, meeting):
        AgendaItemFactory(meeting=meeting, title="Begrüßung", duration_minutes=15)
        AgendaItemFactory(meeting=meeting, title="Kriterien Papier", duration_minutes=45)
        text = actors.client(actors.observer).get(url("meeting_detail", meeting.pk)).content
        text = text.decode()
        assert "Begrüßung" in text and "Kriterien Papier" in text
        assert "Geplant: 60 Minuten von 120 Minuten Termindauer" in text
        assert "länger als der Termin" not in text
        # The observer reads, but gets no buttons to change anything.
        assert "Termin bearbeiten" not in text
        assert "Protokoll bearbeiten" not in text

    def test_warns_when_agenda_exceeds_the_meeting(self, actors, meeting):
        AgendaItemFactory(meeting=meeting, duration_minutes=90)
        AgendaItemFactory(meeting=meeting, duration_minutes=45)
        text = actors.client(actors.moderator).get(url("meeting_detail", meeting.pk)).content
        assert "Die Tagesordnung (135 Minuten) ist länger als der Termin (120 Minuten)." in (
            text.decode()
        )

    @pytest.mark.parametrize("size", [1, 12])
    def test_query_count_is_fixed(self, actors, meeting, size, django_assert_max_num_queries):
        from network.models import ActionItem, Attendance, Decision
        from tests.factories import UserFactory

        meeting.participants.set([actors.luenen, actors.herten])
        for n in range(size):
            AgendaItemFactory(meeting=meeting, duration_minutes=5)
            Attendance.objects.create(meeting=meeting, user=UserFactory(), membership=actors.luenen)
            decision = Decision.objects.create(meeting=meeting, text=f"Beschluss Nummer {n}")
            ActionItem.objects.create(
                network=actors.network,
                decision=decision,
                title=f"Aufgabe {n}",
                owner=actors.coordinator,
                membership=actors.luenen,
            )
        client = actors.client(actors.moderator)
        with django_assert_max_num_queries(15):  # 15: the meeting's guests (prep)
            response = client.get(url("meeting_detail", meeting.pk))
        assert response.content.decode().count("Beschluss Nummer") == size


class TestMeetingCreateEditCancel:
    def test_anonymous_goes_to_login(self, client, actors):
        assert client.post(url("meeting_create"), form_data()).status_code == 302
        assert not Meeting.objects.exists()

    def test_outsider_gets_404(self, actors):
        response = actors.client(actors.outsider).post(url("meeting_create"), form_data())
        assert response.status_code == 404
        assert not Meeting.objects.exists()

    @pytest.mark.parametrize("who", ["coordinator", "expert", "observer", "staff"])
    def test_only_the_moderator_creates(self, actors, who):
        response = actors.client(getattr(actors, who)).post(url("meeting_create"), form_data())
        assert response.status_code == 403
        assert not Meeting.objects.exists()

    def test_moderator_creates_a_workshop_for_two_members(self, actors):
        client = actors.client(actors.moderator)
        page = client.get(url("meeting_create")).content.decode()
        assert "Termin anlegen" in page and "Lünen" in page and "Hamm" not in page
        response = client.post(
            url("meeting_create"),
            form_data(kind="workshop", participants=[actors.luenen.pk, actors.herten.pk]),
        )
        meeting = Meeting.objects.get()
        assert response.status_code == 302
        assert response["Location"] == url("meeting_detail", meeting.pk)
        assert meeting.network == actors.network
        assert set(meeting.participants.all()) == {actors.luenen, actors.herten}
        assert meeting.status == Meeting.Status.PLANNED
        assert meeting.duration_minutes == 180

    def test_end_before_start_is_a_german_field_error(self, actors):
        data = form_data()
        data["ends_at"], data["starts_at"] = data["starts_at"], data["ends_at"]
        response = actors.client(actors.moderator).post(url("meeting_create"), data)
        assert response.status_code == 200
        assert "Das Ende muss nach dem Beginn liegen." in response.content.decode()
        assert not Meeting.objects.exists()

    def test_garbage_input_gives_field_errors(self, actors):
        data = form_data(
            starts_at="gestern",
            kind="party",
            online_url="keine-url",
            participants=[actors.other_membership.pk],
        )
        response = actors.client(actors.moderator).post(url("meeting_create"), data)
        text = response.content.decode()
        assert response.status_code == 200
        assert "„gestern“: Bitte Datum und Uhrzeit als TT.MM.JJJJ HH:MM eingeben" in text
        assert "party ist keine gültige Auswahl." in text
        assert "Bitte eine gültige Adresse eingeben." in text
        assert f"{actors.other_membership.pk} ist keine gültige Auswahl." in text
        assert not Meeting.objects.exists()

    def test_moderator_edits(self, actors, meeting):
        client = actors.client(actors.moderator)
        assert (
            "Netzwerktreffen Beschaffung"
            in client.get(url("meeting_edit", meeting.pk)).content.decode()
        )
        response = client.post(
            url("meeting_edit", meeting.pk),
            form_data(title="Neues Thema", status="planned", loaded_version=meeting.version),
        )
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert meeting.title == "Neues Thema"
        assert meeting.version == 2

    def test_coordinator_cannot_edit(self, actors, meeting):
        response = actors.client(actors.coordinator).post(
            url("meeting_edit", meeting.pk), form_data(title="Gekapert", status="planned")
        )
        assert response.status_code == 403
        meeting.refresh_from_db()
        assert meeting.title == "Netzwerktreffen Beschaffung"

    def test_outsider_cannot_edit(self, actors, meeting):
        response = actors.client(actors.outsider).post(
            url("meeting_edit", meeting.pk), form_data(title="Gekapert", status="planned")
        )
        assert response.status_code == 404
        meeting.refresh_from_db()
        assert meeting.title == "Netzwerktreffen Beschaffung"

    def test_cancel(self, actors, meeting):
        assert actors.client(actors.expert).post(url("meeting_cancel", meeting.pk)).status_code == (
            403
        )
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.PLANNED
        client = actors.client(actors.moderator)
        assert client.get(url("meeting_cancel", meeting.pk)).status_code == 405
        response = client.post(url("meeting_cancel", meeting.pk), follow=True)
        meeting.refresh_from_db()
        assert meeting.status == Meeting.Status.CANCELLED
        assert "Dieser Termin wurde abgesagt." in response.content.decode()


class TestAgenda:
    def test_anonymous_and_outsider(self, client, actors, meeting):
        data = {"title": "Punkt", "duration_minutes": 10}
        assert client.post(url("agenda_item_create", meeting.pk), data).status_code == 302
        outsider = actors.client(actors.outsider)
        assert outsider.post(url("agenda_item_create", meeting.pk), data).status_code == 404
        assert not AgendaItem.objects.exists()

    @pytest.mark.parametrize("who", ["coordinator", "observer", "other"])
    def test_only_the_moderator_changes_the_agenda(self, actors, meeting, who):
        item = AgendaItemFactory(meeting=meeting, title="Begrüßung")
        client = actors.client(getattr(actors, who))
        data = {"title": "Neu", "duration_minutes": 10}
        assert client.post(url("agenda_item_create", meeting.pk), data).status_code == 403
        assert client.post(url("agenda_item_edit", meeting.pk, item.pk), data).status_code == 403
        assert client.post(url("agenda_item_delete", meeting.pk, item.pk)).status_code == 403
        assert (
            client.post(url("agenda_item_move", meeting.pk, item.pk, "runter")).status_code == 403
        )
        assert list(AgendaItem.objects.values_list("title", flat=True)) == ["Begrüßung"]

    def test_add_edit_move_delete(self, actors, meeting):
        client = actors.client(actors.moderator)
        for title in ("Begrüßung", "Bericht", "Ausblick"):
            response = client.post(
                url("agenda_item_create", meeting.pk), {"title": title, "duration_minutes": 20}
            )
            assert response.status_code == 302
        first, second, third = AgendaItem.objects.order_by("position")
        assert [first.title, second.title, third.title] == ["Begrüßung", "Bericht", "Ausblick"]

        client.post(url("agenda_item_move", meeting.pk, third.pk, "hoch"))
        assert list(meeting.agenda_items.values_list("title", flat=True)) == [
            "Begrüßung",
            "Ausblick",
            "Bericht",
        ]
        client.post(url("agenda_item_move", meeting.pk, first.pk, "hoch"))  # already first
        client.post(url("agenda_item_move", meeting.pk, first.pk, "runter"))
        assert list(meeting.agenda_items.values_list("title", flat=True)) == [
            "Ausblick",
            "Begrüßung",
            "Bericht",
        ]

        second.refresh_from_db()  # moving counts as a change: its version grew
        response = client.post(
            url("agenda_item_edit", meeting.pk, second.pk),
            {
                "title": "Bericht der Kommunen",
                "duration_minutes": 45,
                "loaded_version": second.version,
            },
        )
        assert response.status_code == 302
        second.refresh_from_db()
        assert (second.title, second.duration_minutes) == ("Bericht der Kommunen", 45)

        client.post(url("agenda_item_delete", meeting.pk, first.pk))
        text = client.get(url("meeting_detail", meeting.pk)).content.decode()
        assert "Begrüßung" not in text
        assert "Geplant: 65 Minuten von 120 Minuten Termindauer" in text

    @pytest.mark.parametrize(
        "duration, message",
        [
            ("-5", "Die Dauer muss mindestens eine Minute betragen."),
            ("0", "Die Dauer muss mindestens eine Minute betragen."),
            ("abc", "Bitte geben Sie die Dauer als ganze Zahl von Minuten an."),
            ("100000", "Ein Tagesordnungspunkt dauert höchstens 24 Stunden (1440 Minuten)."),
        ],
    )
    def test_bad_duration_is_a_german_field_error(self, actors, meeting, duration, message):
        response = actors.client(actors.moderator).post(
            url("agenda_item_create", meeting.pk), {"title": "Punkt", "duration_minutes": duration}
        )
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not AgendaItem.objects.exists()

    def test_item_of_another_meeting_is_404(self, actors, meeting):
        elsewhere = AgendaItemFactory(meeting=MeetingFactory(network=actors.other_network))
        response = actors.client(actors.moderator).post(
            url("agenda_item_edit", meeting.pk, elsewhere.pk),
            {"title": "Gekapert", "duration_minutes": 5},
        )
        assert response.status_code == 404
        elsewhere.refresh_from_db()
        assert elsewhere.title != "Gekapert"

    def test_move_with_bad_direction_is_404(self, actors, meeting):
        item = AgendaItemFactory(meeting=meeting)
        response = actors.client(actors.moderator).post(
            f"/n/knn/termine/{meeting.pk}/tagesordnung/{item.pk}/seitwaerts/"
        )
        assert response.status_code == 404


class TestMeetingHistory:
    def test_outsider_and_anonymous(self, client, actors, meeting):
        assert client.get(url("meeting_history", meeting.pk)).status_code == 302
        assert actors.client(actors.outsider).get(
            url("meeting_history", meeting.pk)
        ).status_code == (404)

    def test_shows_who_changed_what(self, actors, meeting):
        client = actors.client(actors.moderator)
        client.post(
            url("meeting_edit", meeting.pk),
            form_data(
                title="Neues Thema",
                location="Rathaus Herten",
                status="planned",
                participants=[actors.herten.pk],
                loaded_version=1,
            ),
        )
        text = actors.client(actors.observer).get(url("meeting_history", meeting.pk)).content
        text = text.decode()
        assert "Verlauf: Neues Thema" in text
        assert str(actors.moderator) in text
        assert "geändert" in text and "angelegt" in text
        assert "Thema" in text and "Netzwerktreffen Beschaffung" in text
        assert "Rathaus Herten" in text
        assert "Teilnehmende Kommunen" in text and "Herten" in text


def test_members_that_left_are_not_offered_for_new_meetings(actors):
    from datetime import date

    gone = MembershipFactory(network=actors.network, left_on=date(2023, 1, 1))
    page = actors.client(actors.moderator).get(url("meeting_create")).content.decode()
    assert gone.municipality.name not in page


def test_an_old_workshop_with_a_member_that_left_can_still_be_edited(actors):
    from datetime import date

    gone = MembershipFactory(
        network=actors.network, joined_on=date(2022, 1, 1), left_on=date(2023, 6, 30)
    )
    start = timezone.now() - timedelta(days=1000)
    workshop = MeetingFactory(
        network=actors.network,
        kind="workshop",
        title="Workshop 2022",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        status=Meeting.Status.HELD,
    )
    workshop.participants.set([actors.luenen, gone])
    client = actors.client(actors.moderator)
    page = client.get(url("meeting_edit", workshop.pk)).content.decode()
    assert gone.municipality.name in page
    data = form_data(
        kind="workshop",
        title="Workshop Vergabe 2022",
        starts_at=timezone.localtime(start).strftime("%Y-%m-%dT%H:%M"),
        ends_at=timezone.localtime(start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        status="held",
        participants=[actors.luenen.pk, gone.pk],
        loaded_version=workshop.version,
    )
    response = client.post(url("meeting_edit", workshop.pk), data)
    assert response.status_code == 302
    workshop.refresh_from_db()
    assert workshop.title == "Workshop Vergabe 2022"
    assert set(workshop.participants.all()) == {actors.luenen, gone}
    # Other members that left are still not offered.
    other_gone = MembershipFactory(network=actors.network, left_on=date(2023, 1, 1))
    page = client.get(url("meeting_edit", workshop.pk)).content.decode()
    assert other_gone.municipality.name not in page


class TestEveryMeetingUrlForAnonymousAndOutsider:
    """Every address of the meetings area: the anonymous visitor is sent to log in, the
    outsider of the network gets 404, and neither changes anything."""

    @pytest.fixture
    def objects(self, actors, meeting):
        from network.models import ActionItem, Attendance, Decision

        item = AgendaItemFactory(meeting=meeting, title="Begrüßung")
        decision = Decision.objects.create(meeting=meeting, text="Beschluss")
        action = ActionItem.objects.create(
            network=actors.network, decision=decision, title="Aufgabe", owner=actors.coordinator
        )
        attendance = Attendance.objects.create(meeting=meeting, user=actors.coordinator)
        return {
            "meeting": meeting,
            "item": item,
            "decision": decision,
            "action": action,
            "attendance": attendance,
        }

    def addresses(self, o):
        m = o["meeting"].pk
        return [
            ("get", url("meeting_list")),
            ("post", url("meeting_create")),
            ("get", url("action_item_list")),
            ("post", url("action_item_edit", o["action"].pk)),
            ("get", url("action_item_history", o["action"].pk)),
            ("post", url("calendar_subscribe")),
            ("get", url("meeting_detail", m)),
            ("post", url("meeting_edit", m)),
            ("post", url("meeting_cancel", m)),
            ("get", url("meeting_history", m)),
            ("post", url("agenda_item_create", m)),
            ("post", url("agenda_item_edit", m, o["item"].pk)),
            ("post", url("agenda_item_delete", m, o["item"].pk)),
            ("post", url("agenda_item_move", m, o["item"].pk, "runter")),
            ("post", url("meeting_invite", m)),
            ("post", url("attendance_respond", m)),
            ("post", url("attendance_record", m)),
            ("post", url("minutes_edit", m)),
            ("post", url("decision_create", m)),
            ("post", url("action_item_create", m, o["decision"].pk)),
            ("post", url("document_upload", m)),
        ]

    def state(self, o):
        from network.models import ActionItem, Attendance, Decision, Document

        return (
            list(Meeting.objects.values_list("pk", "version", "status", "title", "minutes")),
            list(AgendaItem.objects.values_list("pk", "version", "position", "title")),
            list(Decision.objects.values_list("pk", "text")),
            list(ActionItem.objects.values_list("pk", "version", "status", "title")),
            list(Attendance.objects.values_list("pk", "status")),
            Document.objects.count(),
        )

    def data(self):
        return {
            **form_data(title="Gekapert", status="planned"),
            "duration_minutes": 5,
            "minutes": "Gekapert",
            "text": "Gekapert",
            "status": "registered",
            "loaded_version": 1,
        }

    def test_anonymous_goes_to_login(self, client, actors, objects):
        before = self.state(objects)
        for method, address in self.addresses(objects):
            response = getattr(client, method)(address, self.data() if method == "post" else {})
            assert response.status_code == 302, address
            assert response["Location"].startswith(reverse("login")), address
        assert self.state(objects) == before

    def test_outsider_gets_404(self, actors, objects):
        client = actors.client(actors.outsider)
        token = actors.outsider.calendar_token
        before = self.state(objects)
        for method, address in self.addresses(objects):
            response = getattr(client, method)(address, self.data() if method == "post" else {})
            assert response.status_code == 404, address
        assert self.state(objects) == before
        actors.outsider.refresh_from_db()
        assert actors.outsider.calendar_token == token
