"""Invitations, registration, attendance, minutes, decisions and action items."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from network.models import ActionItem, Attendance, Decision, Meeting, Role
from network.services.meetings import meeting_invite
from tests.factories import ActionItemFactory, MeetingFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(name, *args, slug="knn"):
    return reverse(f"network:{name}", args=[slug, *args])


@pytest.fixture
def meeting(actors):
    return MeetingFactory(network=actors.network, title="Netzwerktreffen Bauen")


@pytest.fixture
def held(actors):
    start = timezone.now() - timedelta(days=2)
    return MeetingFactory(
        network=actors.network,
        title="Workshop Vergabe",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
    )


def statuses(meeting):
    return dict(meeting.attendances.values_list("user__email", "status"))


class TestInvite:
    def test_invites_the_people_of_the_participating_members(self, actors, meeting):
        meeting.participants.set([actors.luenen])
        RoleFactory(
            user=actors.coordinator, network=actors.network, kind="staff", membership=actors.herten
        )  # a second role: invited once
        count = meeting_invite(meeting=meeting)
        invited = {a.user: a.membership for a in meeting.attendances.all()}
        assert invited == {
            actors.moderator: None,
            actors.expert: None,
            actors.coordinator: actors.luenen,
            actors.staff: actors.luenen,
        }
        assert count == 4
        assert set(statuses(meeting).values()) == {Attendance.Status.INVITED}
        # Running it again invites only people who are new since.
        newcomer = UserFactory()
        RoleFactory(user=newcomer, network=actors.network, kind="staff", membership=actors.luenen)
        assert meeting_invite(meeting=meeting) == 1
        assert meeting.attendances.count() == 5

    def test_invited_people_get_a_german_mail_with_the_meeting_attached(
        self, actors, meeting, mailoutbox, django_capture_on_commit_callbacks, deliver_mail
    ):
        from icalendar import Calendar

        meeting.participants.set([actors.luenen])
        with django_capture_on_commit_callbacks(execute=True):
            meeting_invite(meeting=meeting)
        deliver_mail()
        recipients = sorted(address for mail in mailoutbox for address in mail.to)
        assert recipients == sorted(
            u.email for u in (actors.moderator, actors.expert, actors.coordinator, actors.staff)
        )
        mail = mailoutbox[0]
        assert mail.subject.startswith(f"[{meeting.network.name}] Einladung: {meeting.title} am ")
        assert f"/termine/{meeting.pk}/" in mail.body
        when = timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y, %H:%M")
        assert f"Wann: {when}" in mail.body and "Wo: Rathaus" in mail.body
        assert "&" not in mail.body  # plain text, nothing HTML-escaped
        assert mail.alternatives[0][1] == "text/html"
        [part] = mail.attachments
        assert part.get_content_type() == "text/calendar"
        assert part.get_param("method") == "REQUEST" and part.get_content_charset() == "utf-8"
        assert part.get_filename() == "termin.ics"
        calendar = Calendar.from_ical(part.get_payload(decode=True))
        assert str(calendar["METHOD"]) == "REQUEST"
        event = calendar.walk("VEVENT")[0]
        assert str(event["UID"]) == str(meeting.uid)
        # A second run mails only the newcomers.
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            meeting_invite(meeting=meeting)
        deliver_mail()
        assert mailoutbox == []

    def test_network_meeting_invites_every_active_member(self, actors, meeting):
        meeting_invite(meeting=meeting)
        assert actors.other in {a.user for a in meeting.attendances.all()}
        assert actors.observer not in {a.user for a in meeting.attendances.all()}
        assert actors.outsider not in {a.user for a in meeting.attendances.all()}

    def test_view_permissions(self, client, actors, meeting):
        assert client.post(url("meeting_invite", meeting.pk)).status_code == 302
        assert (
            actors.client(actors.outsider).post(url("meeting_invite", meeting.pk)).status_code
            == 404
        )
        for who in (actors.coordinator, actors.expert, actors.observer):
            assert actors.client(who).post(url("meeting_invite", meeting.pk)).status_code == 403
        assert not Attendance.objects.exists()
        response = actors.client(actors.moderator).post(
            url("meeting_invite", meeting.pk), follow=True
        )
        text = response.content.decode()
        assert "5 Personen wurden eingeladen." in text
        assert str(actors.other) in text and "Herten" in text

    def test_cancelled_meeting_invites_nobody(self, actors, meeting):
        meeting.status = Meeting.Status.CANCELLED
        meeting.save()
        response = actors.client(actors.moderator).post(
            url("meeting_invite", meeting.pk), follow=True
        )
        assert "abgesagten Termin" in response.content.decode()
        assert not Attendance.objects.exists()


class TestRespond:
    def test_member_registers_and_excuses(self, actors, meeting):
        client = actors.client(actors.coordinator)
        assert "Zusagen" in client.get(url("meeting_detail", meeting.pk)).content.decode()
        response = client.post(
            url("attendance_respond", meeting.pk), {"status": "registered"}, follow=True
        )
        assert "Sie haben zugesagt." in response.content.decode()
        attendance = Attendance.objects.get(user=actors.coordinator)
        assert (attendance.status, attendance.membership) == ("registered", actors.luenen)
        client.post(url("attendance_respond", meeting.pk), {"status": "excused"})
        attendance.refresh_from_db()
        assert attendance.status == "excused"

    def test_observer_and_non_participants_may_not(self, actors, meeting):
        meeting.participants.set([actors.luenen])  # a workshop without Herten
        for who in (actors.observer, actors.other):
            response = actors.client(who).post(
                url("attendance_respond", meeting.pk), {"status": "registered"}
            )
            assert response.status_code == 403
        assert (
            actors.client(actors.outsider)
            .post(url("attendance_respond", meeting.pk), {"status": "registered"})
            .status_code
            == 404
        )
        assert not Attendance.objects.exists()

    def test_member_that_left_may_no_longer_register(self, actors, meeting):
        from datetime import date

        actors.luenen.left_on = date(2024, 12, 31)
        actors.luenen.save()
        client = actors.client(actors.coordinator)
        page = client.get(url("meeting_detail", meeting.pk)).content.decode()
        assert meeting.title in page
        assert url("attendance_respond", meeting.pk) not in page
        response = client.post(url("attendance_respond", meeting.pk), {"status": "registered"})
        assert response.status_code == 403
        assert not Attendance.objects.exists()

    def test_bad_status_and_past_meetings_are_refused(self, actors, meeting, held):
        client = actors.client(actors.coordinator)
        response = client.post(
            url("attendance_respond", meeting.pk), {"status": "attended"}, follow=True
        )
        assert "Bitte wählen Sie „Zusagen“ oder „Entschuldigen“." in response.content.decode()
        response = client.post(
            url("attendance_respond", held.pk), {"status": "registered"}, follow=True
        )
        assert "keine Zusagen oder Absagen mehr möglich" in response.content.decode()
        assert not Attendance.objects.exists()


class TestRecordAttendance:
    def test_moderator_records_everybody_at_once(self, actors, held):
        meeting_invite(meeting=held)
        client = actors.client(actors.moderator)
        page = client.get(url("attendance_record", held.pk)).content.decode()
        assert str(actors.coordinator) in page and "Teilnahme speichern" in page
        rows = {a.user: a for a in held.attendances.all()}
        data = {f"attendance_{a.pk}": "attended" for a in rows.values()}
        data[f"attendance_{rows[actors.other].pk}"] = "excused"
        response = client.post(url("attendance_record", held.pk), data)
        assert response.status_code == 302
        assert statuses(held)[actors.other.email] == "excused"
        assert statuses(held)[actors.coordinator.email] == "attended"
        held.refresh_from_db()
        assert held.status == Meeting.Status.HELD
        text = client.get(url("meeting_detail", held.pk)).content.decode()
        assert "teilgenommen: 4" in text and "entschuldigt: 1" in text

    @pytest.mark.parametrize("people", [2, 20])
    def test_query_count_is_fixed(self, actors, held, people, django_assert_max_num_queries):
        for _ in range(people):
            RoleFactory(
                user=UserFactory(), network=actors.network, kind="staff", membership=actors.herten
            )
        meeting_invite(meeting=held)
        client = actors.client(actors.moderator)
        # 13: guests, and the members for the per-municipality table (prep)
        with django_assert_max_num_queries(13):
            response = client.get(url("attendance_record", held.pk))
        assert response.content.decode().count('type="hidden" name="loaded_') == people + 5

    def test_attended_is_refused_before_the_start(self, actors, meeting):
        meeting_invite(meeting=meeting)
        attendance = meeting.attendances.first()
        response = actors.client(actors.moderator).post(
            url("attendance_record", meeting.pk), {f"attendance_{attendance.pk}": "attended"}
        )
        assert "Teilnahme kann erst ab Beginn des Termins erfasst werden." in (
            response.content.decode()
        )
        assert set(statuses(meeting).values()) == {"invited"}

    def test_bad_values_and_other_roles(self, actors, held):
        meeting_invite(meeting=held)
        attendance = held.attendances.first()
        data = {f"attendance_{attendance.pk}": "attended"}
        for who in (actors.expert, actors.coordinator, actors.observer):
            assert (
                actors.client(who).post(url("attendance_record", held.pk), data).status_code == 403
            )
        assert (
            actors.client(actors.outsider).post(url("attendance_record", held.pk), data).status_code
            == 404
        )
        response = actors.client(actors.moderator).post(
            url("attendance_record", held.pk), {f"attendance_{attendance.pk}": "vielleicht"}
        )
        assert "vielleicht ist keine gültige Auswahl." in response.content.decode()
        assert set(statuses(held).values()) == {"invited"}


class TestAttendanceAtTheSameTime:
    """The moderator's attendance form and people's own answers never overwrite each other."""

    def loaded_form(self, client, meeting):
        """The form as the browser got it: each field's name and its selected/hidden value."""
        import re

        html = client.get(url("attendance_record", meeting.pk)).content.decode()
        hidden = dict(re.findall(r'type="hidden" name="(loaded_\d+)" value="(\w+)"', html))
        assert hidden, "the form remembers each row's status as shown"
        return hidden

    def test_an_answer_given_meanwhile_is_kept(self, actors, meeting):
        meeting_invite(meeting=meeting)
        rows = {a.user: a for a in meeting.attendances.all()}
        moderator = actors.client(actors.moderator)
        data = self.loaded_form(moderator, meeting)
        for name, status in list(data.items()):
            data[name.replace("loaded_", "attendance_")] = status
        data[f"attendance_{rows[actors.other].pk}"] = "excused"  # phoned in

        # Meanwhile the coordinator registers on the meeting page.
        actors.client(actors.coordinator).post(
            url("attendance_respond", meeting.pk), {"status": "registered"}
        )
        response = moderator.post(url("attendance_record", meeting.pk), data)
        assert response.status_code == 302
        assert statuses(meeting)[actors.coordinator.email] == "registered"
        assert statuses(meeting)[actors.other.email] == "excused"

    def test_a_row_both_changed_is_refused_then_saved_deliberately(self, actors, meeting):
        meeting_invite(meeting=meeting)
        row = meeting.attendances.get(user=actors.coordinator)
        moderator = actors.client(actors.moderator)
        data = self.loaded_form(moderator, meeting)
        for name, status in list(data.items()):
            data[name.replace("loaded_", "attendance_")] = status
        data[f"attendance_{row.pk}"] = "excused"
        actors.client(actors.coordinator).post(
            url("attendance_respond", meeting.pk), {"status": "registered"}
        )
        response = moderator.post(url("attendance_record", meeting.pk), data)
        text = response.content.decode()
        assert response.status_code == 200
        assert "Inzwischen geändert auf „zugesagt“." in text
        assert statuses(meeting)[actors.coordinator.email] == "registered"
        # The re-shown form carries the current status: saving again is a deliberate choice.
        assert f'name="loaded_{row.pk}" value="registered"' in text
        data[f"loaded_{row.pk}"] = "registered"
        response = moderator.post(url("attendance_record", meeting.pk), data)
        assert response.status_code == 302
        assert statuses(meeting)[actors.coordinator.email] == "excused"


class TestStatusChanges:
    def test_cancel_keeps_an_edit_made_meanwhile(self, actors, meeting):
        from network.services.meetings import meeting_cancel

        stale = Meeting.objects.get(pk=meeting.pk)
        meeting.title = "Neues Thema"
        meeting.version += 1
        meeting.save()
        meeting_cancel(meeting=stale)
        meeting.refresh_from_db()
        assert (meeting.status, meeting.title, meeting.version) == ("cancelled", "Neues Thema", 3)
        latest = meeting.history.first()
        assert (latest.title, latest.status) == ("Neues Thema", "cancelled")

    def test_taking_attendance_marks_a_started_meeting_held_but_not_a_cancelled_one(
        self, actors, held
    ):
        from network.services.meetings import attendance_record

        attendance_record(meeting=held, statuses={}, loaded={})
        held.refresh_from_db()
        assert (held.status, held.version) == ("held", 2)
        held.cancel()
        attendance_record(meeting=held, statuses={}, loaded={})
        held.refresh_from_db()
        assert held.status == "cancelled"


class TestMinutesAndDecisions:
    def test_expert_writes_minutes(self, actors, held):
        client = actors.client(actors.expert)
        assert (
            "Protokoll: Workshop Vergabe"
            in client.get(url("minutes_edit", held.pk)).content.decode()
        )
        response = client.post(
            url("minutes_edit", held.pk),
            {"minutes": "Alle Kommunen berichten.", "loaded_version": 1},
        )
        assert response.status_code == 302
        held.refresh_from_db()
        assert held.minutes == "Alle Kommunen berichten."
        assert (
            "Alle Kommunen berichten."
            in client.get(url("meeting_detail", held.pk)).content.decode()
        )

    def test_minutes_permissions(self, client, actors, held):
        data = {"minutes": "Gekapert", "loaded_version": 1}
        assert client.post(url("minutes_edit", held.pk), data).status_code == 302
        assert (
            actors.client(actors.outsider).post(url("minutes_edit", held.pk), data).status_code
            == 404
        )
        for who in (actors.coordinator, actors.staff, actors.observer):
            assert actors.client(who).post(url("minutes_edit", held.pk), data).status_code == 403
        held.refresh_from_db()
        assert held.minutes == ""

    def test_decision_becomes_an_action_item(self, actors, held):
        client = actors.client(actors.expert)
        response = client.post(url("decision_create", held.pk), {"text": "Mindestkriterien IT"})
        assert response.status_code == 302
        decision = Decision.objects.get()
        page = client.get(url("action_item_create", held.pk, decision.pk)).content.decode()
        assert "Mindestkriterien IT" in page and str(actors.coordinator) in page
        assert str(actors.outsider) not in page
        # Observers only read: they are not offered as owners (they could not update it).
        assert str(actors.observer) not in page
        due = timezone.localdate() + timedelta(days=30)
        response = client.post(
            url("action_item_create", held.pk, decision.pk),
            {
                "title": "Kriterien mit der Vergabestelle abstimmen",
                "owner": actors.coordinator.pk,
                "membership": actors.luenen.pk,
                "due_on": due.isoformat(),
                "status": "open",
            },
        )
        assert response.status_code == 302
        item = ActionItem.objects.get()
        assert (item.network, item.decision, item.owner) == (
            actors.network,
            decision,
            actors.coordinator,
        )
        text = client.get(url("meeting_detail", held.pk)).content.decode()
        assert "Kriterien mit der Vergabestelle abstimmen" in text
        assert due.strftime("%d.%m.%Y") in text

    def test_action_item_input_is_checked(self, actors, held):
        decision = Decision.objects.create(meeting=held, text="Beschluss")
        response = actors.client(actors.moderator).post(
            url("action_item_create", held.pk, decision.pk),
            {
                "title": "",
                "owner": actors.outsider.pk,
                "membership": actors.other_membership.pk,
                "due_on": "31.02.2026",
                "status": "open",
            },
        )
        text = response.content.decode()
        assert "Dieses Feld ist zwingend erforderlich." in text
        assert "ist keine gültige Auswahl" in text
        assert "Den 31.02.2026 gibt es nicht." in text
        assert not ActionItem.objects.exists()

    def test_action_item_permissions(self, client, actors, held, meeting):
        decision = Decision.objects.create(meeting=held, text="Beschluss")
        data = {"title": "Aufgabe", "owner": actors.coordinator.pk, "status": "open"}
        target = url("action_item_create", held.pk, decision.pk)
        response = client.post(target, data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert actors.client(actors.outsider).post(target, data).status_code == 404
        for who in (actors.coordinator, actors.staff, actors.observer):
            assert actors.client(who).post(target, data).status_code == 403
        # A decision reached through another meeting's URL is not found.
        wrong = url("action_item_create", meeting.pk, decision.pk)
        assert actors.client(actors.moderator).post(wrong, data).status_code == 404
        malformed = f"/n/knn/termine/{held.pk}/beschluesse/abc/aufgabe/"
        assert actors.client(actors.moderator).get(malformed).status_code == 404
        assert not ActionItem.objects.exists()

    def test_owners_offered_are_those_who_may_update_the_item(self, actors, held):
        from datetime import date

        actors.herten.left_on = date(2024, 12, 31)
        actors.herten.save()
        decision = Decision.objects.create(meeting=held, text="Beschluss")
        client = actors.client(actors.moderator)
        page = client.get(url("action_item_create", held.pk, decision.pk)).content.decode()
        owners = page[page.index('<select name="owner"') :]
        owners = owners[: owners.index("</select>")]
        for offered in (actors.moderator, actors.expert, actors.coordinator, actors.staff):
            assert f'value="{offered.pk}"' in owners
        for refused in (actors.observer, actors.other, actors.outsider):
            assert f'value="{refused.pk}"' not in owners
        data = {"title": "Aufgabe", "owner": actors.observer.pk, "status": "open"}
        response = client.post(url("action_item_create", held.pk, decision.pk), data)
        assert "Diese Person kann die Aufgabe nicht übernehmen" in response.content.decode()
        assert not ActionItem.objects.exists()
        # An item that already has such an owner still saves unchanged otherwise.
        item = ActionItemFactory(network=actors.network, owner=actors.other, title="Alt")
        response = client.post(
            url("action_item_edit", item.pk),
            {"title": "Alt, erledigt", "owner": actors.other.pk, "status": "done"},
        )
        assert response.status_code == 302
        item.refresh_from_db()
        assert (item.title, item.owner, item.status) == ("Alt, erledigt", actors.other, "done")

    def test_decision_permissions(self, actors, held):
        for who in (actors.coordinator, actors.observer):
            client = actors.client(who)
            assert client.post(url("decision_create", held.pk), {"text": "x"}).status_code == 403
        assert (
            actors.client(actors.outsider)
            .post(url("decision_create", held.pk), {"text": "x"})
            .status_code
            == 404
        )
        assert not Decision.objects.exists()


class TestActionItemList:
    def test_anonymous_and_outsider(self, client, actors):
        assert client.get(url("action_item_list")).status_code == 302
        assert actors.client(actors.outsider).get(url("action_item_list")).status_code == 404

    def test_overdue_items_are_highlighted(self, actors):
        today = timezone.localdate()
        ActionItemFactory(
            network=actors.network,
            title="Längst fällig",
            due_on=today - timedelta(days=3),
            owner=actors.coordinator,
        )
        ActionItemFactory(
            network=actors.network, title="Noch Zeit", due_on=today + timedelta(days=3)
        )
        ActionItemFactory(
            network=actors.network,
            title="Schon erledigt",
            status="done",
            due_on=today - timedelta(days=30),
        )
        ActionItemFactory(network=actors.other_network, title="Fremde Aufgabe")
        text = actors.client(actors.observer).get(url("action_item_list")).content.decode()
        assert "1 Aufgabe ist überfällig." in text
        assert "Längst fällig" in text and "Noch Zeit" in text
        assert "Schon erledigt" not in text and "Fremde Aufgabe" not in text
        assert text.count("(überfällig)") == 1
        done = actors.client(actors.observer).get(url("action_item_list"), {"status": "done"})
        assert "Schon erledigt" in done.content.decode()
        everything = actors.client(actors.observer).get(url("action_item_list"), {"status": "xx"})
        assert "Längst fällig" in everything.content.decode()

    def test_owner_updates_their_own_item_others_may_not(self, actors):
        item = ActionItemFactory(network=actors.network, title="Eigene", owner=actors.coordinator)
        data = {
            "title": "Eigene",
            "owner": actors.coordinator.pk,
            "status": "done",
            "loaded_version": 1,
        }
        for who in (actors.other, actors.observer):
            assert (
                actors.client(who).post(url("action_item_edit", item.pk), data).status_code == 403
            )
        assert (
            actors.client(actors.outsider).post(url("action_item_edit", item.pk), data).status_code
            == 404
        )
        item.refresh_from_db()
        assert item.status == "open"
        response = actors.client(actors.coordinator).post(url("action_item_edit", item.pk), data)
        assert response.status_code == 302
        item.refresh_from_db()
        assert item.status == "done"
        history = actors.client(actors.observer).get(url("action_item_history", item.pk))
        text = history.content.decode()
        assert "Verlauf: Eigene" in text and "erledigt" in text and "offen" in text

    @pytest.mark.parametrize("who", ["observer", "coordinator"])
    def test_owners_who_may_not_write_cannot_edit(self, actors, who):
        """An observer writes nothing; a member that left is no longer editable."""
        from datetime import date

        if who == "coordinator":
            actors.luenen.left_on = date(2024, 12, 31)
            actors.luenen.save()
        owner = getattr(actors, who)
        item = ActionItemFactory(network=actors.network, title="Eigene", owner=owner)
        client = actors.client(owner)
        text = client.get(url("action_item_list")).content.decode()
        assert "Eigene" in text
        assert url("action_item_edit", item.pk) not in text
        data = {"title": "Geändert", "owner": owner.pk, "status": "done", "loaded_version": 1}
        assert client.post(url("action_item_edit", item.pk), data).status_code == 403
        item.refresh_from_db()
        assert (item.title, item.status) == ("Eigene", "open")

    @pytest.mark.parametrize("count", [2, 30])
    def test_query_count_is_fixed(self, actors, count, django_assert_max_num_queries):
        meeting = MeetingFactory(network=actors.network)
        for n in range(count):
            decision = Decision.objects.create(meeting=meeting, text=f"B{n}")
            ActionItemFactory(
                network=actors.network,
                decision=decision,
                owner=actors.staff,
                membership=actors.luenen,
                title=f"Aufgabe Nr. {n}",
            )
        client = actors.client(actors.moderator)
        with django_assert_max_num_queries(8):
            response = client.get(url("action_item_list"))
        assert response.content.decode().count("<td>Aufgabe Nr. ") == count


def test_roles_fixture_sanity(actors):
    assert Role.objects.filter(network=actors.network).count() == 6
