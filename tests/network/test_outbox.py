"""The outbox against a real SMTP server (aiosmtpd on 127.0.0.1): a mail server that is
down delays mails, loses none and never sends one twice; the approval-style request that
causes the mail succeeds meanwhile. Also digests and reminders."""

import contextlib
import socket
from datetime import date, timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from network.models import Notification, OutboxMail
from network.models.notifications import Channel, Kind, MailPreference
from network.notifications import digest, notify, outbox
from network.services.meetings import meeting_invite
from tests.factories import ActionItemFactory, MeetingFactory
from tests.network import test_tasks

pytestmark = pytest.mark.django_db

eager = test_tasks.eager


class Inbox:
    """What the SMTP server received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server process-local on a free port; start() and stop() it at will."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    inbox.start, inbox.stop = controller.start, controller.stop
    yield inbox
    with contextlib.suppress(AssertionError, RuntimeError):  # already stopped
        controller.stop()


def later(minutes):
    return timezone.now() + timedelta(minutes=minutes)


def test_smtp_down_then_up_every_mail_arrives_exactly_once(actors, smtp):
    meeting = MeetingFactory(network=actors.network, title="Netzwerktreffen Vergabe")
    meeting.participants.set([actors.luenen])
    # The server is down: the invitation is stored, the mails wait (the old code lost them).
    meeting_invite(meeting=meeting)
    outbox.outbox_sweep()
    assert smtp.messages == []
    waiting = OutboxMail.objects.filter(status="pending")
    assert waiting.count() == 4 and all(m.attempts == 1 and m.last_error for m in waiting)
    assert meeting.attendances.count() == 4
    # Back: the next sweep after the delay sends each once; later sweeps send nothing.
    smtp.start()
    assert outbox.outbox_sweep(now=later(1))["sent"] == 4
    assert outbox.outbox_sweep(now=later(5))["sent"] == 0
    assert sorted(m["To"] for m in smtp.messages) == sorted(
        u.email for u in (actors.moderator, actors.expert, actors.coordinator, actors.staff)
    )
    assert len({m["Message-ID"] for m in smtp.messages}) == 4
    message = smtp.messages[0]
    parts = {part.get_content_type(): part for part in message.walk()}
    assert {"text/plain", "text/html", "text/calendar"} <= parts.keys()
    calendar_part = parts["text/calendar"]
    assert [k for k, _v in calendar_part.get_params()].count("charset") == 1
    assert calendar_part.get_param("method") in {"REQUEST", "CANCEL"}
    assert calendar_part.get_filename() == "termin.ics"
    calendar = Calendar.from_ical(parts["text/calendar"].get_payload(decode=True))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar.walk("VEVENT")[0]["UID"]) == str(meeting.uid)
    assert "Netzwerktreffen Vergabe" in parts["text/plain"].get_payload(decode=True).decode()


@pytest.mark.django_db(transaction=True)  # the mails are handed over at a real commit
def test_the_request_that_causes_mail_succeeds_with_a_notice_while_smtp_is_down(
    actors, smtp, eager
):
    meeting = MeetingFactory(network=actors.network, starts_at=timezone.now() + timedelta(days=3))
    client = actors.client(actors.moderator)
    response = client.post(reverse("network:meeting_invite", args=["knn", meeting.pk]), follow=True)
    assert response.status_code == 200  # the old approval request answered 500 here
    assert "werden automatisch nachgeholt" in response.content.decode()
    assert meeting.attendances.exists()
    assert OutboxMail.objects.filter(status="pending").exists()


def test_a_claimed_row_is_sent_by_one_worker_only(actors, smtp):
    smtp.start()
    notify(
        Kind.APPROVAL_REQUESTED,
        network=actors.network,
        recipients=[actors.staff],
        title="Bitte zustimmen",
    )
    row = OutboxMail.objects.get()
    assert outbox.outbox_send(mail_id=row.pk) == "sent"
    assert outbox.outbox_send(mail_id=row.pk) == "skipped"  # a second delivery of the task
    assert len(smtp.messages) == 1


def test_a_sender_that_died_is_released_after_the_claim_time(actors, smtp):
    smtp.start()
    notify(Kind.APPROVAL_REQUESTED, network=actors.network, recipients=[actors.staff], title="X")
    row = OutboxMail.objects.get()
    OutboxMail.objects.filter(pk=row.pk).update(status="sending", claimed_at=later(-30))
    counts = outbox.outbox_sweep()
    assert counts["released"] == 1 and counts["sent"] == 1
    assert len(smtp.messages) == 1


def test_after_many_refusals_a_mail_is_given_up_with_its_error(actors, smtp):
    notify(Kind.APPROVAL_REQUESTED, network=actors.network, recipients=[actors.staff], title="X")
    row = OutboxMail.objects.get()
    OutboxMail.objects.filter(pk=row.pk).update(attempts=outbox.MAX_ATTEMPTS - 1)
    assert outbox.outbox_send(mail_id=row.pk) == "failed"
    row.refresh_from_db()
    assert row.status == "failed" and "Connection" in row.last_error


class TestDigests:
    def test_one_mail_per_person_grouped_by_network_and_municipality(
        self, actors, deliver_mail, mailoutbox
    ):
        for title in ("Bericht A", "Bericht B"):
            notify(
                Kind.REPORT,
                network=actors.network,
                recipients=[actors.coordinator],
                title=title,
                membership=actors.luenen,
            )
        notify(
            Kind.ACTION_ITEM,
            network=actors.network,
            recipients=[actors.coordinator],
            title="Aufgabe C",
        )
        assert digest.digests_send(period=Channel.DAILY) == 1
        deliver_mail()
        [message] = mailoutbox
        assert "3 Neuigkeiten" in message.subject
        body = message.body
        assert body.index("Kommunales Netzwerk Nachhaltigkeit") < body.index("Lünen")
        assert body.index("Lünen") < body.index("Bericht A") < body.index("Bericht B")
        assert "Aufgabe C" in body
        assert "List-Unsubscribe" not in message.extra_headers  # several kinds: settings link
        assert digest.digests_send(period=Channel.DAILY) == 0  # each item once

    def test_a_digest_of_one_says_one_news_item(self, actors, deliver_mail, mailoutbox):
        notify(Kind.REPORT, network=actors.network, recipients=[actors.coordinator], title="A")
        assert digest.digests_send(period=Channel.DAILY) == 1
        deliver_mail()
        [message] = mailoutbox
        assert message.subject.endswith("Zusammenfassung: 1 Neuigkeit")

    def test_weekly_choices_wait_for_the_weekly_digest(self, actors):
        MailPreference.objects.create(
            user=actors.coordinator, kind=Kind.REPORT, channel=Channel.WEEKLY
        )
        notify(Kind.REPORT, network=actors.network, recipients=[actors.coordinator], title="A")
        assert digest.digests_send(period=Channel.DAILY) == 0
        assert digest.digests_send(period=Channel.WEEKLY) == 1

    @pytest.mark.parametrize("people", [3, 30])
    def test_fixed_queries_however_many_people(self, actors, people, django_assert_max_num_queries):
        from tests.factories import RoleFactory, UserFactory

        users = [UserFactory() for _ in range(people)]
        for user in users:
            RoleFactory(user=user, network=actors.network, kind="observer")
        for membership in (actors.luenen, actors.herten, None):
            notify(
                Kind.REPORT,
                network=actors.network,
                recipients=users,
                title="Neu",
                membership=membership,
            )
        with django_assert_max_num_queries(8):
            assert digest.digests_send(period=Channel.DAILY) == people


class TestReminders:
    def test_action_items_due_tell_their_owner_once(self, actors):
        ActionItemFactory(
            network=actors.network,
            owner=actors.staff,
            title="Vorlage schreiben",
            due_on=date(2026, 12, 2),
        )
        today = date(2026, 12, 1)
        assert digest.reminders_send(today=today) == 1
        assert digest.reminders_send(today=today) == 0
        [made] = Notification.objects.filter(kind=Kind.ACTION_ITEM)
        assert made.recipient == actors.staff and "bald fällig" in made.title
        # Overdue is a reminder of its own.
        assert digest.reminders_send(today=date(2026, 12, 5)) == 1

    def test_management_command_runs_reminders_digests_and_outbox(self, actors, capsys):
        from django.core.management import call_command

        call_command("send_notifications", "--reminders", "--digest", "weekly")
        out = capsys.readouterr().out
        assert "Erinnerungen:" in out and "Zusammenfassungen (weekly):" in out
        assert "Postausgang:" in out
