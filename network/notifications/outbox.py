"""The outbox: mails are rows written in the transaction of their cause and sent after it.

- After commit each new row is handed to the `send_outbox_mail` task (in-process without a
  broker). A broker that is down only delays it: the sweeper (beat, every minute, and
  `manage.py send_notifications`) sends every row that is due.
- A row is claimed with a conditional UPDATE (pending → sending) before its mail goes
  out, so two workers never send the same row; once the server has it, it is marked sent
  and never sent again. A server that refuses or is down puts the row back with a growing
  delay (1, 2, 4 … minutes, at most 6 hours); after MAX_ATTEMPTS it is given up, with the
  error kept for the operator.
- A worker that dies between handing the mail to the server and marking the row sent
  leaves it "sending"; the sweeper puts it back after CLAIM_MINUTES. That one case can
  send a mail twice (at least once, not exactly once: the server cannot be asked), with the
  same Message-ID, so mail programs show it once.
"""

import contextvars
import logging
import smtplib
from datetime import timedelta
from email.mime.text import MIMEText
from functools import partial

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from network.models.notifications import OutboxMail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12  # about two days with the delays below
CLAIM_MINUTES = 10
SEND_ERRORS = (OSError, smtplib.SMTPException)

# Set while a request runs when one of its mails could not go out at once: the person
# then gets a notice that mails are delayed (network.middleware).
delayed = contextvars.ContextVar("knn_mail_delayed", default=False)


def enqueue(mails) -> None:
    """Store unsent mails (in the caller's transaction) and send them after commit."""
    created = OutboxMail.objects.bulk_create(mails)
    ids = [mail.pk for mail in created]
    transaction.on_commit(partial(_hand_over, ids), robust=True)


def _hand_over(ids) -> None:
    from network.tasks import send_outbox_mail

    for mail_id in ids:
        try:
            send_outbox_mail.apply_async((mail_id,))
        except Exception:  # noqa: BLE001 - broker down: the sweeper sends it later
            logger.warning("mail %s not handed to the broker", mail_id, exc_info=True)
            delayed.set(True)
            return


def _message(mail: OutboxMail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.text,
        to=[mail.to],
        headers={**mail.headers, "Message-ID": mail.message_id},
    )
    if mail.html:
        message.attach_alternative(mail.html, "text/html")
    if mail.calendar:
        method = mail.calendar_method or "PUBLISH"
        # Outlook and Thunderbird treat an attachment with the method as an invitation
        # (REQUEST) or a cancellation (CANCEL) of the entry with the same UID.
        # A part of our own: Django's attach() would add a second charset parameter.
        part = MIMEText(mail.calendar, "calendar", "utf-8")
        part.set_param("method", method)
        part.add_header("Content-Disposition", "attachment", filename="termin.ics")
        message.attach(part)
    return message


def outbox_send(*, mail_id: int, now=None) -> str:
    """Send one row if it is due and nobody else has it; "sent", "retry", "failed",
    "skipped". Never raises for a mail server that is down."""
    now = now or timezone.now()
    claimed = OutboxMail.objects.filter(
        pk=mail_id, status=OutboxMail.Status.PENDING, next_attempt_at__lte=now
    ).update(status=OutboxMail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    mail = OutboxMail.objects.get(pk=mail_id)
    try:
        get_connection(fail_silently=False).send_messages([_message(mail)])
    except SEND_ERRORS as error:
        delayed.set(True)
        return _back_off(mail, error, now)
    OutboxMail.objects.filter(pk=mail_id, status=OutboxMail.Status.SENDING).update(
        status=OutboxMail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _back_off(mail, error, now) -> str:
    text = f"{type(error).__name__}: {error}"[:2000]
    if mail.attempts >= MAX_ATTEMPTS:
        OutboxMail.objects.filter(pk=mail.pk).update(
            status=OutboxMail.Status.FAILED, last_error=text
        )
        logger.error("mail %s given up after %s attempts: %s", mail.pk, mail.attempts, text)
        return "failed"
    wait = timedelta(minutes=min(2 ** (mail.attempts - 1), 360))
    OutboxMail.objects.filter(pk=mail.pk).update(
        status=OutboxMail.Status.PENDING, next_attempt_at=now + wait, last_error=text
    )
    logger.warning("mail %s not sent (%s); next try in %s", mail.pk, text, wait)
    return "retry"


def outbox_sweep(*, now=None, limit: int = 500) -> dict[str, int]:
    """Send what is due: rows the broker never got, rows waiting after a refusal, and
    rows whose sender died (claimed longer than CLAIM_MINUTES ago)."""
    now = now or timezone.now()
    released = OutboxMail.objects.filter(
        status=OutboxMail.Status.SENDING, claimed_at__lt=now - timedelta(minutes=CLAIM_MINUTES)
    ).update(status=OutboxMail.Status.PENDING)
    counts = {"released": released, "sent": 0, "retry": 0, "failed": 0, "skipped": 0}
    due = OutboxMail.objects.filter(
        Q(status=OutboxMail.Status.PENDING) & Q(next_attempt_at__lte=now)
    ).values_list("pk", flat=True)[:limit]
    for mail_id in list(due):
        counts[outbox_send(mail_id=mail_id, now=now)] += 1
    return counts
