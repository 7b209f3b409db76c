"""The mails of notifications: one per notification (immediately) or one digest per person,
in the person's language, with a text and an HTML part, a personal salutation, a link to
the settings and a one-click unsubscribe of the kind (RFC 8058)."""

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from network.models.notifications import Kind, OutboxMail

UNSUBSCRIBE_SALT = "knn-portal.unsubscribe"


def one_line(text: str) -> str:
    """A subject is one header line: a title with a line break (old or imported data)
    would make the mail library refuse the whole message."""
    return " ".join(str(text).split())


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL + path if path.startswith("/") else path


def unsubscribe_token(user, kind) -> str:
    return signing.dumps([user.pk, str(kind)], salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str):
    """(user id, kind) of a token, or None for a forged, broken or unknown one."""
    try:
        user_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind not in Kind.values or not isinstance(user_id, int):
        return None
    return user_id, kind


def salutation(user) -> str:
    name = user.get_full_name().strip()
    return _("Guten Tag %(name)s,") % {"name": name} if name else _("Guten Tag,")


def _headers(user, kinds) -> dict:
    """List-Unsubscribe for the kind of a single mail (one-click POST, RFC 8058)."""
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    if len(kinds) == 1:
        path = reverse("notifications:unsubscribe", args=[unsubscribe_token(user, kinds[0])])
        headers["List-Unsubscribe"] = f"<{absolute(path)}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def _render(user, template, context, kinds):
    context = {
        **context,
        "salutation": salutation(user),
        "settings_url": absolute(reverse("notifications:settings")),
        "unsubscribe_url": absolute(
            reverse("notifications:unsubscribe", args=[unsubscribe_token(user, kinds[0])])
        )
        if len(kinds) == 1
        else "",
        "portal_url": settings.PORTAL_BASE_URL,
    }
    return (
        render_to_string(f"notifications/{template}.txt", context),
        render_to_string(f"notifications/{template}.html", context),
    )


def single(user, notification, *, calendar=None) -> OutboxMail:
    """The mail of one notification, in the active (the recipient's) language; unsaved."""
    context = {
        "notification": notification,
        "network": notification.network,
        "link": absolute(notification.url) if notification.url else "",
    }
    text, html = _render(user, "single", context, [notification.kind])
    ics, method = calendar if calendar else ("", "")
    return OutboxMail(
        recipient=user,
        to=user.email,
        subject=one_line(f"[{notification.network.name}] {notification.title}")[:300],
        text=text,
        html=html,
        headers=_headers(user, [notification.kind]),
        calendar=ics.decode() if isinstance(ics, bytes) else ics,
        calendar_method=method,
    )


def digest(user, groups, *, period) -> OutboxMail:
    """One digest of `groups` [(network, [(membership or None, [notifications])])]."""
    with translation.override(user.language):
        count = sum(len(items) for _network, members in groups for _m, items in members)
        subject = (
            ngettext(
                "Ihre tägliche Zusammenfassung: %(n)s Neuigkeit",
                "Ihre tägliche Zusammenfassung: %(n)s Neuigkeiten",
                count,
            )
            if period == "daily"
            else ngettext(
                "Ihre wöchentliche Zusammenfassung: %(n)s Neuigkeit",
                "Ihre wöchentliche Zusammenfassung: %(n)s Neuigkeiten",
                count,
            )
        ) % {"n": count}
        kinds = sorted({n.kind for _net, members in groups for _m, items in members for n in items})
        for _network, members in groups:
            for _membership, items in members:
                for notification in items:
                    notification.link = absolute(notification.url) if notification.url else ""
        text, html = _render(
            user, "digest", {"groups": groups, "period": period, "count": count}, kinds
        )
        return OutboxMail(
            recipient=user,
            to=user.email,
            subject=one_line(subject),
            text=text,
            html=html,
            headers=_headers(user, kinds),
        )
