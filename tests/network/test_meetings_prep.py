"""Preparing and holding a meeting in few steps: agenda with clock times, htmx reordering,
speakers from the network, the invitation page with preview and guests, answers with a
remark or a substitute, attendance in one click, per municipality, the signature list."""

import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from network.calendar import agenda_times, meeting_description
from network.models import AgendaItem, Attendance, Guest, Meeting, OutboxMail
from network.services import meetings as services
from tests.factories import AgendaItemFactory, MeetingFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

needs_poppler = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")


def url(name, *args, slug="knn"):
    return reverse(f"network:{name}", args=[slug, *args])


@pytest.fixture
def meeting(actors):
    start = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
    return MeetingFactory(
        network=actors.network,
        title="Netzwerktreffen Bauen",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
    )


@pytest.fixture
def held(actors):
    start = timezone.now() - timedelta(hours=1)
    return MeetingFactory(
        network=actors.network,
        title="Workshop Vergabe",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
    )


def statuses(meeting):
    return dict(meeting.attendances.values_list("user__email", "status"))


# --- agenda ------------------------------------------------------------------------------


class TestAgendaTimes:
    def test_items_follow_each_other_from_the_start(self):
        start = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
        times = agenda_times(start, [30, 15, 90])
        assert [(f"{a:%H:%M}", f"{b:%H:%M}") for a, b in times] == [
            ("10:00", "10:30"),
            ("10:30", "10:45"),
            ("10:45", "12:15"),
        ]
        assert agenda_times(start, []) == []

    def test_across_the_change_to_winter_time(self):
        # 25.10.2026: 03:00 summer time becomes 02:00 winter time; 60 real minutes later
        # than 02:30 CEST is 02:30 CET.
        start = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST
        ((_start, end),) = agenda_times(start, [60])
        assert f"{end:%H:%M}" == "02:30" and end.utcoffset() == timedelta(hours=1)

    def test_detail_page_and_calendar_show_the_clock_times(self, actors, meeting):
        AgendaItemFactory(meeting=meeting, title="Begrüßung", duration_minutes=30, position=0)
        AgendaItemFactory(
            meeting=meeting,
            title="Heizungstausch",
            duration_minutes=45,
            position=1,
            speaker=actors.expert,
            presenter="Dr. Weber, Energieagentur",
        )
        page = actors.client(actors.coordinator).get(url("meeting_detail", meeting.pk))
        text = page.content.decode()
        assert "10:00–10:30" in text and "10:30–11:15" in text
        assert f"{actors.expert}, Dr. Weber, Energieagentur" in text
        description = meeting_description(meeting)
        assert "10:00–10:30 Uhr: 1. Begrüßung (30 Min.)" in description
        assert (
            f"10:30–11:15 Uhr: 2. Heizungstausch (45 Min.) – {actors.expert}, Dr. Weber, "
            "Energieagentur"
        ) in description


class TestSpeaker:
    def test_form_offers_the_people_of_the_network_only(self, actors, meeting):
        client = actors.client(actors.moderator)
        page = client.get(url("agenda_item_create", meeting.pk)).content.decode()
        assert str(actors.coordinator) in page and str(actors.observer) in page
        assert str(actors.outsider) not in page
        response = client.post(
            url("agenda_item_create", meeting.pk),
            {"title": "Bericht", "duration_minutes": "20", "speaker": actors.outsider.pk},
        )
        assert response.status_code == 200
        assert "Bitte eine gültige Auswahl treffen." in response.content.decode()
        assert not AgendaItem.objects.exists()

    def test_speaker_is_saved_and_adding_another_goes_on_quickly(self, actors, meeting):
        client = actors.client(actors.moderator)
        response = client.post(
            url("agenda_item_create", meeting.pk),
            {
                "title": "Bericht aus Lünen",
                "duration_minutes": "20",
                "speaker": actors.coordinator.pk,
                "add_another": "1",
            },
        )
        assert response["Location"] == url("agenda_item_create", meeting.pk) + "?weiter=1"
        item = AgendaItem.objects.get()
        assert item.speaker == actors.coordinator and item.presenter == ""
        page = client.get(response["Location"]).content.decode()
        assert "autofocus" in page  # the next title can be typed right away
        assert "10:00–10:20 Bericht aus Lünen" in page  # what is on the agenda so far


class TestMoveWithHtmx:
    @pytest.fixture
    def items(self, meeting):
        return [
            AgendaItemFactory(meeting=meeting, title=title, position=n, duration_minutes=30)
            for n, title in enumerate(["Begrüßung", "Bericht", "Ausblick"])
        ]

    def titles(self, meeting):
        return list(meeting.agenda_items.values_list("title", flat=True))

    def test_htmx_gets_the_agenda_fragment_with_focus_and_announcement(
        self, actors, meeting, items
    ):
        client = actors.client(actors.moderator)
        response = client.post(
            url("agenda_item_move", meeting.pk, items[2].pk, "hoch"), HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        text = response.content.decode()
        assert self.titles(meeting) == ["Begrüßung", "Ausblick", "Bericht"]
        assert '<div id="agenda">' in text
        assert "<html" not in text  # a fragment, not the page
        assert "10:30–11:00" in text
        assert "„Ausblick“ ist jetzt Punkt 2 von 3." in text
        assert 'id="agenda-status" hx-swap-oob="innerHTML"' in text
        # Exactly one button has the focus: the moved item's "nach oben".
        assert text.count("autofocus") == 1
        moved_row = text.split(f'id="agenda-item-{items[2].pk}"')[1].split("</tr>")[0]
        assert " autofocus>nach oben" in moved_row

    def test_moved_to_the_top_the_focus_goes_to_the_other_button(self, actors, meeting, items):
        client = actors.client(actors.moderator)
        text = client.post(
            url("agenda_item_move", meeting.pk, items[1].pk, "hoch"), HTTP_HX_REQUEST="true"
        ).content.decode()
        moved_row = text.split(f'id="agenda-item-{items[1].pk}"')[1].split("</tr>")[0]
        assert "nach oben" not in moved_row and "autofocus" in moved_row

    def test_without_javascript_the_page_reloads(self, actors, meeting, items):
        response = actors.client(actors.moderator).post(
            url("agenda_item_move", meeting.pk, items[0].pk, "runter")
        )
        assert response.status_code == 302
        assert response["Location"].endswith("#agenda-heading")
        assert self.titles(meeting) == ["Bericht", "Begrüßung", "Ausblick"]

    def test_who_may_move(self, client, actors, meeting, items):
        address = url("agenda_item_move", meeting.pk, items[0].pk, "runter")
        assert client.post(address, HTTP_HX_REQUEST="true")["Location"].startswith(reverse("login"))
        assert (
            actors.client(actors.outsider).post(address, HTTP_HX_REQUEST="true").status_code == 404
        )
        for who in (actors.coordinator, actors.other, actors.expert):
            assert actors.client(who).post(address, HTTP_HX_REQUEST="true").status_code == 403
        assert self.titles(meeting) == ["Begrüßung", "Bericht", "Ausblick"]


# --- invitations ------------------------------------------------------------------------


class TestInvitePage:
    def test_who_may_open_it(self, client, actors, meeting):
        address = url("meeting_invite", meeting.pk)
        assert client.get(address)["Location"].startswith(reverse("login"))
        assert actors.client(actors.outsider).get(address).status_code == 404
        for who in (actors.coordinator, actors.other, actors.expert, actors.observer):
            assert actors.client(who).get(address).status_code == 403
            assert actors.client(who).post(address, {"invite_page": "1"}).status_code == 403
        assert not Attendance.objects.exists() and not OutboxMail.objects.exists()

    def test_preview_and_grouped_recipients(self, actors, meeting):
        AgendaItemFactory(meeting=meeting, title="Begrüßung", duration_minutes=15)
        services.meeting_invite(meeting=meeting, user_ids=[actors.other.pk])
        page = actors.client(actors.moderator).get(url("meeting_invite", meeting.pk))
        text = page.content.decode()
        assert "Vorschau der E-Mail" in text
        assert f"[{actors.network.name}] Einladung: Netzwerktreffen Bauen am 03.12.2026" in text
        assert "10:00–10:15 Uhr: 1. Begrüßung (15 Min.)" in text
        # Groups: the members by name, then experts, then the moderation.
        order = [
            text.index(h) for h in ("Herten", "Lünen", "Expertinnen und Experten", "Moderation")
        ]
        assert order == sorted(order)
        # Not yet invited: ticked; already invited: marked and not ticked.
        assert (
            f'value="{actors.coordinator.pk}" id="recipient-{actors.coordinator.pk}" checked'
            in text
        )
        assert f'value="{actors.other.pk}" id="recipient-{actors.other.pk}">' in text
        assert "bereits eingeladen" in text
        assert str(actors.observer) not in text and str(actors.outsider) not in text

    def test_personal_message_appears_in_the_preview_without_sending(self, actors, meeting):
        response = actors.client(actors.moderator).post(
            url("meeting_invite", meeting.pk),
            {"invite_page": "1", "preview": "1", "message": "Bitte bringen Sie Ihre Zahlen mit."},
        )
        assert response.status_code == 200
        assert "Bitte bringen Sie Ihre Zahlen mit." in response.content.decode()
        assert not Attendance.objects.exists() and not OutboxMail.objects.exists()

    def test_sends_to_the_ticked_people_and_the_guests(
        self, actors, meeting, mailoutbox, django_capture_on_commit_callbacks, deliver_mail
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = actors.client(actors.moderator).post(
                url("meeting_invite", meeting.pk),
                {
                    "invite_page": "1",
                    "recipients": [actors.coordinator.pk, actors.expert.pk],
                    "guests": "Dr. Eva Weber, Energieagentur NRW, Weber@Example.org\n\n"
                    "Jan Roth <jan.roth@example.org>",
                    "message": "Wir freuen uns auf Sie.",
                },
            )
        deliver_mail()
        assert response.status_code == 302
        assert set(statuses(meeting)) == {actors.coordinator.email, actors.expert.email}
        guests = {g.email: g for g in meeting.guests.all()}
        assert set(guests) == {"weber@example.org", "jan.roth@example.org"}
        assert guests["weber@example.org"].organisation == "Energieagentur NRW"
        assert guests["weber@example.org"].name == "Dr. Eva Weber"
        by_address = {mail.to[0]: mail for mail in mailoutbox}
        assert set(by_address) == {
            actors.coordinator.email,
            actors.expert.email,
            "weber@example.org",
            "jan.roth@example.org",
        }
        member_mail = by_address[actors.coordinator.email]
        assert member_mail.body.index("Wir freuen uns auf Sie.") < member_mail.body.index("Wann:")
        guest_mail = by_address["weber@example.org"]
        assert guest_mail.subject.startswith(f"[{actors.network.name}] Einladung: Netzwerktreffen")
        assert "Guten Tag Dr. Eva Weber," in guest_mail.body
        assert "Wir freuen uns auf Sie." in guest_mail.body
        assert "/termine/" not in guest_mail.body  # no link into the portal for a guest
        [part] = guest_mail.attachments
        assert part.get_content_type() == "text/calendar" and part.get_param("method") == "REQUEST"
        event = Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")[0]
        assert str(event["attendee"]) == "mailto:weber@example.org"

    def test_inviting_a_guest_again_gives_no_second_row(self, actors, meeting):
        guests = [("Eva Weber", "", "weber@example.org")]
        services.meeting_invite(meeting=meeting, user_ids=[], guests=guests)
        services.meeting_invite(meeting=meeting, user_ids=[], guests=guests)
        assert meeting.guests.count() == 1
        assert OutboxMail.objects.filter(to="weber@example.org").count() == 2

    def test_bad_guest_lines_are_named_and_nothing_is_sent(self, actors, meeting):
        response = actors.client(actors.moderator).post(
            url("meeting_invite", meeting.pk),
            {
                "invite_page": "1",
                "recipients": [actors.coordinator.pk],
                "guests": "Eva Weber, weber@example.org\nnur ein Name\nJan, jan@@example",
            },
        )
        text = response.content.decode()
        assert response.status_code == 200
        assert "Zeile 2: Bitte „Name, E-Mail“ oder „Name, Organisation, E-Mail“ angeben." in text
        assert "Zeile 3: „jan@@example“ ist keine gültige E-Mail-Adresse." in text
        assert "nur ein Name" in text  # the input comes back
        assert not Attendance.objects.exists() and not Guest.objects.exists()
        assert not OutboxMail.objects.exists()

    def test_people_outside_the_meeting_cannot_be_ticked(self, actors, meeting):
        meeting.participants.set([actors.luenen])
        response = actors.client(actors.moderator).post(
            url("meeting_invite", meeting.pk),
            {"invite_page": "1", "recipients": [actors.other.pk, actors.outsider.pk]},
        )
        assert response.status_code == 200
        assert "Bitte eine gültige Auswahl treffen." in response.content.decode()
        assert not Attendance.objects.exists()
        # And the service ignores them as well.
        services.meeting_invite(meeting=meeting, user_ids=[actors.outsider.pk, actors.staff.pk])
        assert set(statuses(meeting)) == {actors.staff.email}

    def test_nobody_chosen_is_a_form_error(self, actors, meeting):
        response = actors.client(actors.moderator).post(
            url("meeting_invite", meeting.pk), {"invite_page": "1"}
        )
        assert "Bitte wählen Sie mindestens eine Person aus." in response.content.decode()
        assert not Attendance.objects.exists()

    @pytest.mark.parametrize("people", [2, 6])
    def test_query_count_is_fixed(self, actors, meeting, people, django_assert_num_queries):
        for _ in range(people):
            RoleFactory(
                user=UserFactory(), network=actors.network, kind="staff", membership=actors.herten
            )
        AgendaItemFactory.create_batch(people, meeting=meeting)
        services.meeting_invite(meeting=meeting, user_ids=[actors.coordinator.pk])
        client = actors.client(actors.moderator)
        client.get(url("meeting_invite", meeting.pk))  # warm the session
        with django_assert_num_queries(17):
            response = client.get(url("meeting_invite", meeting.pk))
        assert response.content.decode().count('name="recipients"') == people + 5


# --- answers with a remark or a substitute ----------------------------------------------


class TestRespondWithRemark:
    def test_remark_and_substitute_are_kept_and_shown(self, actors, meeting):
        client = actors.client(actors.coordinator)
        client.post(
            url("attendance_respond", meeting.pk),
            {"status": "excused", "comment": "bin im Urlaub", "substitute": "Frau Schulte"},
        )
        row = meeting.attendances.get(user=actors.coordinator)
        assert (row.status, row.comment, row.substitute) == (
            "excused",
            "bin im Urlaub",
            "Frau Schulte",
        )
        page = actors.client(actors.moderator).get(url("meeting_detail", meeting.pk))
        text = page.content.decode()
        assert "bin im Urlaub" in text and "Vertretung: Frau Schulte" in text
        # Lünen is coming, through the substitute.
        assert "Frau Schulte (für" in text and "angemeldet" in text
        # A new answer replaces the old remark.
        client.post(url("attendance_respond", meeting.pk), {"status": "registered"})
        row.refresh_from_db()
        assert (row.status, row.comment, row.substitute) == ("registered", "", "")

    def test_a_long_remark_is_refused_with_a_message(self, actors, meeting):
        response = actors.client(actors.coordinator).post(
            url("attendance_respond", meeting.pk),
            {"status": "registered", "comment": "x" * 201},
            follow=True,
        )
        assert "höchstens 200 Zeichen" in response.content.decode()
        assert not Attendance.objects.exists()

    def test_observer_and_outsider_cannot_answer(self, client, actors, meeting):
        address = url("attendance_respond", meeting.pk)
        data = {"status": "registered", "comment": "komme"}
        assert client.post(address, data)["Location"].startswith(reverse("login"))
        assert actors.client(actors.outsider).post(address, data).status_code == 404
        assert actors.client(actors.observer).post(address, data).status_code == 403
        meeting.participants.set([actors.luenen])
        assert actors.client(actors.other).post(address, data).status_code == 403  # Herten
        assert not Attendance.objects.exists()


# --- attendance ---------------------------------------------------------------------------


class TestConfirmRegistered:
    def invite(self, meeting, actors):
        services.meeting_invite(meeting=meeting)
        meeting.attendances.filter(user__in=[actors.coordinator, actors.other]).update(
            status=Attendance.Status.REGISTERED
        )
        meeting.attendances.filter(user=actors.staff).update(status=Attendance.Status.EXCUSED)

    def test_one_click_marks_every_registered_person(self, actors, held):
        self.invite(held, actors)
        response = actors.client(actors.moderator).post(
            url("attendance_confirm_registered", held.pk), follow=True
        )
        assert "2 zugesagte Personen als teilgenommen erfasst." in response.content.decode()
        got = statuses(held)
        assert got[actors.coordinator.email] == got[actors.other.email] == "attended"
        assert got[actors.staff.email] == "excused" and got[actors.expert.email] == "invited"
        held.refresh_from_db()
        assert held.status == Meeting.Status.HELD
        # In the history: the invitation, then the one click.
        assert held.attendances.get(user=actors.coordinator).history.count() == 2

    def test_refused_before_the_start(self, actors, meeting):
        self.invite(meeting, actors)
        before = statuses(meeting)
        response = actors.client(actors.moderator).post(
            url("attendance_confirm_registered", meeting.pk), follow=True
        )
        assert (
            "Teilnahme kann erst ab Beginn des Termins erfasst werden." in response.content.decode()
        )
        assert statuses(meeting) == before
        assert (
            "Alle Zugesagten als teilgenommen"
            not in actors.client(actors.moderator)
            .get(url("attendance_record", meeting.pk))
            .content.decode()
        )

    def test_who_may(self, client, actors, held):
        self.invite(held, actors)
        before = statuses(held)
        address = url("attendance_confirm_registered", held.pk)
        assert client.post(address)["Location"].startswith(reverse("login"))
        assert actors.client(actors.outsider).post(address).status_code == 404
        for who in (actors.coordinator, actors.other, actors.expert):
            assert actors.client(who).post(address).status_code == 403
        assert client.get(address).status_code == 302  # anonymous: login first
        assert actors.client(actors.moderator).get(address).status_code == 405
        assert statuses(held) == before


class TestRepresentation:
    def test_each_member_from_its_peoples_attendances(self, actors):
        meeting = MeetingFactory(network=actors.network)
        a, b, c = UserFactory(), UserFactory(), UserFactory()
        rows = [
            Attendance(meeting=meeting, user=a, membership=actors.luenen, status="attended"),
            Attendance(meeting=meeting, user=b, membership=actors.luenen, status="excused"),
            Attendance(
                meeting=meeting,
                user=c,
                membership=actors.herten,
                status="excused",
                substitute="Herr Kaya",
            ),
            Attendance(meeting=meeting, user=actors.moderator, status="attended"),
        ]
        lines = services.member_representation([actors.herten, actors.luenen], rows)
        assert [(line.membership, line.state) for line in lines] == [
            (actors.herten, "registered"),
            (actors.luenen, "attended"),
        ]
        assert lines[0].names == (f"Herr Kaya (für {c})",) and lines[1].names == (str(a),)
        assert lines[1].label == "vertreten"
        only_excused = services.member_representation([actors.luenen], rows[1:2])
        assert only_excused[0].state == "excused"
        assert services.member_representation([actors.herten], [])[0].state == "open"

    def test_shown_on_the_attendance_page_for_every_member(self, actors, held):
        services.meeting_invite(meeting=held)
        held.attendances.filter(user=actors.coordinator).update(status="attended")
        text = (
            actors.client(actors.moderator).get(url("attendance_record", held.pk)).content.decode()
        )
        table = text.split("Teilnahme je Kommune")[1].split("</table>")[0]
        assert "Herten" in table and "keine Rückmeldung" in table
        assert "Lünen" in table and "vertreten" in table and str(actors.coordinator) in table


class TestGuestsAndRadios:
    def test_guest_written_down_at_the_door(self, client, actors, held):
        address = url("guest_add", held.pk)
        data = {"name": "Eva Weber", "organisation": "Energieagentur"}
        assert client.post(address, data)["Location"].startswith(reverse("login"))
        assert actors.client(actors.outsider).post(address, data).status_code == 404
        assert actors.client(actors.coordinator).post(address, data).status_code == 403
        assert not Guest.objects.exists()
        response = actors.client(actors.moderator).post(address, data, follow=True)
        assert "Eva Weber (Energieagentur) wurde als Gast eingetragen." in response.content.decode()
        guest = Guest.objects.get()
        assert guest.status == Guest.Status.ATTENDED and guest.email == ""

    def test_a_guest_without_name_gets_a_message(self, actors, held):
        response = actors.client(actors.moderator).post(
            url("guest_add", held.pk), {"name": "", "email": "kein-mail"}, follow=True
        )
        text = response.content.decode()
        assert "Name: Dieses Feld ist zwingend erforderlich." in text
        assert not Guest.objects.exists()

    def test_attendance_form_has_radios_for_people_and_guests(self, actors, held):
        services.meeting_invite(meeting=held)
        guest = services.guest_add(meeting=held, name="Eva Weber")
        guest.status = Guest.Status.INVITED
        guest.save()
        client = actors.client(actors.moderator)
        text = client.get(url("attendance_record", held.pk)).content.decode()
        assert text.count('type="radio"') == 5 * 4 + 2
        assert f'name="guest_{guest.pk}"' in text and "<select" not in text
        data = {f"guest_{guest.pk}": "attended", f"guest_loaded_{guest.pk}": "invited"}
        for row in held.attendances.all():
            data[f"attendance_{row.pk}"] = data[f"loaded_{row.pk}"] = row.status
        assert client.post(url("attendance_record", held.pk), data).status_code == 302
        guest.refresh_from_db()
        assert guest.status == Guest.Status.ATTENDED

    def test_a_guest_marked_meanwhile_is_not_reset(self, actors, held):
        """Two statuses only, so no clash is possible; but a row the moderator left as it
        was loaded is not written, so a colleague's mark made meanwhile stays."""
        guest = Guest.objects.create(meeting=held, name="Eva Weber")
        Guest.objects.filter(pk=guest.pk).update(status="attended")  # a colleague, meanwhile
        response = actors.client(actors.moderator).post(
            url("attendance_record", held.pk),
            {f"guest_{guest.pk}": "invited", f"guest_loaded_{guest.pk}": "invited"},
        )
        assert response.status_code == 302
        guest.refresh_from_db()
        assert guest.status == Guest.Status.ATTENDED


class TestSignatureList:
    def test_who_may_download(self, client, actors, held):
        address = url("attendance_signatures", held.pk)
        assert client.get(address)["Location"].startswith(reverse("login"))
        assert actors.client(actors.outsider).get(address).status_code == 404
        for who in (actors.coordinator, actors.other, actors.observer):
            assert actors.client(who).get(address).status_code == 403

    @needs_poppler
    def test_pdf_lists_names_by_member_and_guests(self, actors, held, tmp_path):
        held.location = "Rathaus Unna"
        held.save()
        services.meeting_invite(meeting=held)
        held.attendances.filter(user=actors.staff).update(status="excused")
        held.attendances.filter(user=actors.other).update(
            status="excused", substitute="Frau Öztürk"
        )
        Guest.objects.create(meeting=held, name="Eva Weber", organisation="Energieagentur")
        response = actors.client(actors.moderator).get(url("attendance_signatures", held.pk))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        day = timezone.localtime(held.starts_at).date()
        assert f'Unterschriftenliste-knn-{day:%Y-%m-%d}.pdf"' in response["Content-Disposition"]
        path = tmp_path / "liste.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        info = subprocess.run(
            ["pdfinfo", str(path)], capture_output=True, text=True, check=True
        ).stdout
        assert "Tagged:          yes" in info
        assert "Unterschriftenliste: Workshop Vergabe" in text
        assert f"{day:%d.%m.%Y}" in text and "Rathaus Unna" in text
        assert text.index("Herten") < text.index("Lünen") < text.index("Gäste")
        assert str(actors.coordinator) in text and "Vertretung: Frau Öztürk" in text
        assert str(actors.staff) not in text  # excused without a substitute
        assert "Eva Weber" in text and "Energieagentur" in text
        assert "Unterschrift" in text


def test_the_error_list_links_to_the_rows_first_radio(actors, meeting):
    services.meeting_invite(meeting=meeting)
    row = meeting.attendances.first()
    response = actors.client(actors.moderator).post(
        url("attendance_record", meeting.pk),
        {f"attendance_{row.pk}": "attended", f"loaded_{row.pk}": "invited"},
    )
    text = response.content.decode()
    assert f'<a href="#id_attendance_{row.pk}_0">' in text
    assert f'id="id_attendance_{row.pk}_0"' in text
    assert set(statuses(meeting).values()) == {"invited"}


def test_the_moderator_who_sends_gets_their_own_invitation(actors, meeting):
    actors.client(actors.moderator).post(
        url("meeting_invite", meeting.pk),
        {"invite_page": "1", "recipients": [actors.moderator.pk]},
    )
    assert set(statuses(meeting)) == {actors.moderator.email}
    assert OutboxMail.objects.filter(to=actors.moderator.email, calendar_method="REQUEST").exists()
