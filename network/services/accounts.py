"""Writes about a person's own account: name, and a new e-mail address that takes effect
only once the link sent to it is opened."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import EmailChange, User
from network.models.people import hash_token, new_secret_token


class EmailChangeInvalid(Exception):
    """The link is unknown, used, replaced or expired; `reason` says which (German text)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def email_change_link(raw_token: str) -> str:
    path = reverse("email_change_confirm", args=[raw_token])
    return f"{settings.PORTAL_BASE_URL}{path}"


def profile_update(*, user: User, first_name: str, last_name: str, email: str):
    """Save the name; a different address becomes a pending EmailChange (see
    `email_change_request`), never the login at once.

    Returns the EmailChange, or None when the address stayed. Raises OSError when a mail
    cannot be sent; nothing is stored then, not even the name.
    """
    with transaction.atomic():
        user.first_name, user.last_name = first_name, last_name
        user.full_clean()
        user.save(update_fields=["first_name", "last_name"])
        if email.strip().lower() == user.email.lower():
            return None
        return email_change_request(user=user, new_email=email)


def email_change_request(*, user: User, new_email: str) -> EmailChange:
    """Ask for `new_email` as the login of `user`: mail a one-time link to the new address
    and a notice to the current one. An earlier open request is replaced.

    If the address already belongs to another account, no link that could change anything
    exists: the request is stored with a token that is thrown away, and that account's
    owner gets a short notice instead. The person asking gets the same answer and the same
    notice at their current address either way, so the profile form cannot be used to find
    out who has an account. Raises OSError when a mail cannot be sent (rolled back).
    """
    new_email = new_email.strip().lower()
    now = timezone.now()
    raw_token = new_secret_token()
    change = EmailChange(
        user=user,
        old_email=user.email,
        new_email=new_email,
        token_hash=hash_token(raw_token),
        expires_at=now + EmailChange.VALID_FOR,
    )
    change.full_clean()
    owner = User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).first()
    context = {"user": user, "change": change, "valid_until": change.expires_at}
    with transaction.atomic():
        for earlier in EmailChange.objects.select_for_update().filter(user=user).open():
            earlier.expires_at = now  # replaced: its link now answers "expired or replaced"
            earlier.save(update_fields=["expires_at"])
        change.save()
        # Sent inside the transaction on purpose, as invitations are: if the mail server
        # refuses, nothing is stored, and the form says so (for a free and a taken address).
        send_mail(
            subject=_("Änderung Ihrer E-Mail-Adresse im KNN-Portal"),
            message=render_to_string("registration/email_change_notice_email.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
        if owner is None:
            send_mail(
                subject=_("Bitte bestätigen Sie Ihre neue E-Mail-Adresse"),
                message=render_to_string(
                    "registration/email_change_confirm_email.txt",
                    {**context, "link": email_change_link(raw_token)},
                ),
                from_email=None,
                recipient_list=[new_email],
            )
        else:
            send_mail(
                subject=_("Ihre E-Mail-Adresse im KNN-Portal"),
                message=render_to_string("registration/email_change_taken_email.txt", context),
                from_email=None,
                recipient_list=[owner.email],
            )
    return change


def email_change_for_token(*, user: User, raw_token: str) -> EmailChange:
    """The open change of `user` behind a link, or EmailChangeInvalid with a reason.

    Looked up among the changes of the logged-in person only: the link alone (someone
    who can read the new mailbox) is not enough, and the link of another account is
    "unknown" (nothing about it is revealed).
    """
    change = (
        EmailChange.objects.select_related("user")
        .filter(user=user, token_hash=hash_token(raw_token))
        .first()
    )
    _check_open(change)
    return change


def _check_open(change):
    if change is None:
        raise EmailChangeInvalid(
            _("Dieser Bestätigungslink ist unbekannt oder gehört zu einem anderen Konto.")
        )
    if change.confirmed_at is not None:
        raise EmailChangeInvalid(_("Diese neue E-Mail-Adresse wurde bereits bestätigt."))
    if change.expires_at <= timezone.now():
        raise EmailChangeInvalid(
            _(
                "Dieser Bestätigungslink ist abgelaufen oder wurde durch eine neuere "
                "Änderung ersetzt."
            )
        )
    if change.user.email.lower() != change.old_email.lower():
        raise EmailChangeInvalid(_("Ihre E-Mail-Adresse wurde inzwischen schon geändert."))


def email_change_confirm(*, change: EmailChange) -> User:
    """Make the new address the login. Works once; a link of an address that meanwhile
    became another account's is refused."""
    with transaction.atomic():
        locked = (
            EmailChange.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=change.pk)
            .first()
        )
        _check_open(locked)
        if User.objects.filter(email__iexact=locked.new_email).exclude(pk=locked.user_id).exists():
            raise EmailChangeInvalid(
                _("Diese E-Mail-Adresse gehört inzwischen zu einem anderen Konto.")
            )
        user = locked.user
        user.email = locked.new_email
        user.full_clean()
        user.save(update_fields=["email"])
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["confirmed_at"])
    return user
