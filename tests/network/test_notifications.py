"""Notifications (issue 11): who hears of what, in the portal and by mail; choices,
unsubscribe, the pages behind the bell; meetings with calendar updates."""

from datetime import timedelta
from email import message_from_bytes

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from network.models import MailPreference, Meeting, Notification, OutboxMail
from network.notifications import Channel, Kind, mail, notify
from network.services import meetings as meeting_services
from tests.factories import AttendanceFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db


def tell(actors, recipients, **kwargs):
    kind = kwargs.pop("kind", Kind.REPORT)
    defaults = {
        "network": actors.network,
        "recipients": recipients,
        "title": lambda: "Test",
        "url": "/n/knn/",
    }
    defaults.update(kwargs)
    return notify(kind, **defaults)


class TestWhoHears:
    def test_only_people_of_the_network_and_never_the_actor(self, actors):
        made = tell(
            actors,
            [actors.coordinator, actors.outsider, actors.moderator, UserFactory()],
            actor=actors.moderator,
        )
        assert [n.recipient for n in made] == [actors.coordinator]

    def test_a_reminder_key_tells_each_person_once(self, actors):
        assert len(tell(actors, [actors.coordinator], key="milestone:1:due")) == 1
        assert tell(actors, [actors.coordinator, actors.staff], key="milestone:1:due") != []
        assert Notification.objects.filter(key="milestone:1:due").count() == 2

    def test_texts_are_in_each_recipients_language(self, actors):
        from django.utils.translation import gettext as _

        actors.staff.language = "en"
        actors.staff.save()
        made = tell(
            actors,
            [actors.coordinator, actors.staff],
            title=lambda: _("Berichte"),
        )
        titles = {n.recipient_id: n.title for n in made}
        assert titles == {actors.coordinator.pk: "Berichte", actors.staff.pk: "Reports"}


class TestChannels:
    def test_immediately_daily_and_off(self, actors, deliver_mail, mailoutbox):
        MailPreference.objects.create(user=actors.staff, kind=Kind.REPORT, channel=Channel.OFF)
        MailPreference.objects.create(
            user=actors.coordinator, kind=Kind.REPORT, channel=Channel.IMMEDIATELY
        )
        made = tell(actors, [actors.coordinator, actors.staff, actors.other])
        deliver_mail()
        assert [m.to for m in mailoutbox] == [[actors.coordinator.email]]
        mailed = {n.recipient_id: n.mailed_at is not None for n in made}
        # The default for reports is the daily digest: not mailed yet.
        assert mailed == {
            actors.coordinator.pk: True,
            actors.staff.pk: True,
            actors.other.pk: False,
        }

    def test_approvals_and_meetings_come_at_once_by_default(self):
        from network.models.notifications import default_channel

        assert default_channel(Kind.APPROVAL_REQUESTED) == Channel.IMMEDIATELY
        assert default_channel(Kind.MEETING) == Channel.IMMEDIATELY
        assert default_channel(Kind.OVERDUE) == Channel.WEEKLY
        assert default_channel(Kind.ACTION_ITEM) == Channel.DAILY


class TestTheMail:
    def test_headers_parts_salutation_and_unsubscribe(self, actors, deliver_mail, mailoutbox):
        actors.coordinator.first_name, actors.coordinator.last_name = "Clara", "Koch"
        actors.coordinator.save()
        tell(actors, [actors.coordinator], kind=Kind.APPROVAL_REQUESTED, title="Bitte zustimmen")
        deliver_mail()
        [message] = mailoutbox
        parsed = message_from_bytes(message.message().as_bytes())
        assert parsed["Subject"] == "[Kommunales Netzwerk Nachhaltigkeit] Bitte zustimmen"
        assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        unsubscribe = "".join(parsed["List-Unsubscribe"].split()).strip("<>")  # unfolded
        assert "/benachrichtigungen/abbestellen/" in unsubscribe
        assert parsed["Message-ID"].startswith("<outbox-")
        assert message.body.startswith("Guten Tag Clara Koch,")
        assert "/benachrichtigungen/einstellungen/" in message.body
        html, kind = message.alternatives[0]
        assert kind == "text/html" and "Clara Koch" in html and unsubscribe in html

    def test_a_title_with_a_line_break_still_makes_one_subject_line(self, actors, mailoutbox):
        made = tell(actors, [actors.coordinator], kind=Kind.MEETING, title="Zeile 1\r\nBcc: x@y")
        row = OutboxMail.objects.get()
        assert "\n" not in row.subject and "Zeile 1 Bcc: x@y" in row.subject
        assert made[0].title == "Zeile 1\r\nBcc: x@y"


class TestUnsubscribe:
    def test_one_click_post_turns_the_kind_off(self, actors, client):
        token = mail.unsubscribe_token(actors.staff, Kind.MEETING)
        url = reverse("notifications:unsubscribe", args=[token])
        page = client.get(url)  # a link scanner only sees the question
        assert page.status_code == 200 and "Abbestellen" in page.content.decode()
        assert not MailPreference.objects.exists()
        # RFC 8058: the mail program posts this body, without a CSRF token or session.
        response = client.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 200
        pref = MailPreference.objects.get(user=actors.staff, kind=Kind.MEETING)
        assert pref.channel == Channel.OFF

    def test_a_forged_or_altered_token_is_404(self, actors, client):
        token = mail.unsubscribe_token(actors.staff, Kind.MEETING)
        for bad in ("gefaelscht", token[:-3] + "abc"):
            assert client.post(reverse("notifications:unsubscribe", args=[bad])).status_code == 404
        assert not MailPreference.objects.exists()


class TestPages:
    def test_anonymous_goes_to_login(self, client):
        for name in ("notifications:list", "notifications:settings"):
            response = client.get(reverse(name))
            assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]

    def test_the_list_shows_own_notifications_newest_first(self, actors):
        older = tell(actors, [actors.staff], title="Älter")[0]
        Notification.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(1))
        tell(actors, [actors.staff], title="Neuer")
        tell(actors, [actors.coordinator], title="Nicht für dich")
        text = actors.client(actors.staff).get(reverse("notifications:list")).content.decode()
        assert text.index("Neuer") < text.index("Älter")
        assert "Nicht für dich" not in text

    def test_opening_marks_read_and_goes_to_the_object(self, actors):
        made = tell(actors, [actors.staff], url="/n/knn/termine/")[0]
        client = actors.client(actors.staff)
        response = client.get(reverse("notifications:open", args=[made.pk]))
        assert response.status_code == 302 and response["Location"] == "/n/knn/termine/"
        made.refresh_from_db()
        assert made.read_at is not None

    def test_somebody_elses_notification_is_404_and_stays_unread(self, actors):
        made = tell(actors, [actors.staff])[0]
        other = actors.client(actors.other)
        assert other.get(reverse("notifications:open", args=[made.pk])).status_code == 404
        assert other.post(reverse("notifications:read", args=[made.pk])).status_code == 404
        made.refresh_from_db()
        assert made.read_at is None

    def test_mark_read_with_htmx_returns_the_row(self, actors):
        made = tell(actors, [actors.staff], title="Eine Nachricht")[0]
        response = actors.client(actors.staff).post(
            reverse("notifications:read", args=[made.pk]), HTTP_HX_REQUEST="true"
        )
        text = response.content.decode()
        assert "Eine Nachricht" in text and "<html" not in text and "Als gelesen" not in text

    def test_mark_all_read(self, actors):
        tell(actors, [actors.staff])
        tell(actors, [actors.staff])
        actors.client(actors.staff).post(reverse("notifications:read_all"))
        assert not Notification.objects.filter(recipient=actors.staff, read_at=None).exists()

    @pytest.mark.parametrize("count", [2, 40])
    def test_the_list_and_the_bell_cost_fixed_queries(
        self, actors, count, django_assert_max_num_queries
    ):
        for n in range(count):
            tell(actors, [actors.staff], title=f"Nachricht {n}")
        client = actors.client(actors.staff)
        client.get(reverse("notifications:list"))
        with django_assert_max_num_queries(9):
            response = client.get(reverse("notifications:list"))
        text = response.content.decode()
        assert f'{count}<span class="visually-hidden"> ungelesen' in text  # the bell
        assert text.count("notification-unread") == min(count, 25)

    def test_settings_save_the_choices(self, actors):
        client = actors.client(actors.staff)
        page = client.get(reverse("notifications:settings")).content.decode()
        assert "Zustimmung eines Fachbereichs angefragt" in page
        data = {kind.value: Channel.WEEKLY for kind in Kind}
        data[Kind.MEETING] = Channel.OFF
        assert client.post(reverse("notifications:settings"), data).status_code == 302
        chosen = dict(
            MailPreference.objects.filter(user=actors.staff).values_list("kind", "channel")
        )
        assert chosen[Kind.MEETING] == Channel.OFF and chosen[Kind.REPORT] == Channel.WEEKLY


class TestMeetings:
    @pytest.fixture
    def meeting(self, actors):
        start = (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
        meeting = MeetingFactory(
            network=actors.network,
            title="Netzwerktreffen Wärme",
            location="Rathaus Lünen",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
        )
        for user in (actors.coordinator, actors.staff):
            AttendanceFactory(meeting=meeting, user=user)
        return meeting

    def save(self, actors, meeting, *, shift=timedelta(0), title=None):
        """Save the meeting form as the moderator would, moved by `shift`."""
        from network.forms.meetings import MeetingForm

        def local(moment):
            return (timezone.localtime(moment) + shift).strftime("%d.%m.%Y %H:%M")

        form = MeetingForm(
            {
                "kind": meeting.kind,
                "title": title or meeting.title,
                "starts_at": local(meeting.starts_at),
                "ends_at": local(meeting.ends_at),
                "location": meeting.location,
                "status": meeting.status,
                "loaded_version": meeting.version,
            },
            instance=meeting,
            network=actors.network,
        )
        assert form.is_valid(), form.errors
        return meeting_services.meeting_save(form=form, actor=actors.moderator)

    def calendars(self, outbox):
        # The calendar is attached as a MIME part of its own (one charset parameter).
        return [
            Calendar.from_ical(part.get_payload(decode=True))
            for message in outbox
            for part in message.attachments
            if part.get_content_type() == "text/calendar"
        ]

    def test_a_changed_time_sends_a_request_with_a_higher_sequence(
        self, actors, meeting, deliver_mail, mailoutbox
    ):
        old_sequence = meeting.version
        self.save(actors, meeting, shift=timedelta(hours=1))
        deliver_mail()
        assert sorted(m.to[0] for m in mailoutbox) == sorted(
            [actors.coordinator.email, actors.staff.email]
        )
        assert "Geändert: Netzwerktreffen Wärme" in mailoutbox[0].subject
        [event] = self.calendars(mailoutbox[:1])[0].walk("VEVENT")
        assert str(self.calendars(mailoutbox[:1])[0]["METHOD"]) == "REQUEST"
        assert str(event["UID"]) == str(meeting.uid)
        assert int(event["SEQUENCE"]) > old_sequence
        assert str(event["ATTENDEE"]).lower() == f"mailto:{mailoutbox[0].to[0]}".lower()

    def test_a_title_change_alone_tells_nobody(self, actors, meeting, deliver_mail, mailoutbox):
        self.save(actors, meeting, title="Neuer Titel")
        deliver_mail()
        assert mailoutbox == []

    def test_cancelling_sends_a_cancel(self, actors, meeting, deliver_mail, mailoutbox):
        actors.client(actors.moderator).post(
            reverse("network:meeting_cancel", args=["knn", meeting.pk])
        )
        deliver_mail()
        assert len(mailoutbox) == 2
        calendar = self.calendars(mailoutbox)[0]
        assert str(calendar["METHOD"]) == "CANCEL"
        assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
        assert Meeting.objects.get(pk=meeting.pk).status == "cancelled"
        assert (
            Notification.objects.filter(kind=Kind.MEETING, title__startswith="Abgesagt").count()
            == 2
        )
