"""Writes about people that span several models: invitations, roles, memberships."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network.models import Invitation, Membership, Municipality, Role, User
from network.models.people import hash_token, new_secret_token


class InvitationInvalid(Exception):
    """The link is unknown, used, revoked or expired; `reason` says which (German text)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def invitation_link(raw_token: str) -> str:
    path = reverse("invitation_accept", args=[raw_token])
    return f"{settings.PORTAL_BASE_URL}{path}"


def invitation_create(
    *,
    network,
    email: str,
    kind: str,
    invited_by,
    membership=None,
    department=None,
    first_name: str = "",
    last_name: str = "",
) -> tuple[Invitation, str]:
    """Store an invitation (only the hash of its token) and mail the one-time link.

    Returns the invitation and the raw token, which exists nowhere else afterwards. Raises
    OSError (smtplib's errors included) when the mail cannot be sent; nothing is stored then.
    """
    raw_token = new_secret_token()
    invitation = Invitation(
        network=network,
        email=email.strip().lower(),
        first_name=first_name,
        last_name=last_name,
        kind=kind,
        membership=membership,
        department=department,
        token_hash=hash_token(raw_token),
        invited_by=invited_by,
        expires_at=timezone.now() + Invitation.VALID_FOR,
    )
    # The same rules a role has: a member role needs a member of this network, etc.
    Role(
        user=invited_by, network=network, kind=kind, membership=membership, department=department
    ).clean()
    invitation.full_clean()
    with transaction.atomic():
        invitation.save()
        context = {
            "invitation": invitation,
            "link": invitation_link(raw_token),
            "valid_until": invitation.expires_at,
            "existing_account": User.objects.filter(email__iexact=invitation.email).exists(),
        }
        # Sent inside the transaction on purpose: if the mail server refuses (OSError), the
        # invitation is rolled back, as nobody could ever hold its link.
        send_mail(
            subject=_("Einladung in das Netzwerk %(network)s") % {"network": network.name},
            message=render_to_string("registration/invitation_email.txt", context),
            from_email=None,
            recipient_list=[invitation.email],
        )
    return invitation, raw_token


def invitation_for_token(raw_token: str) -> Invitation:
    """The open invitation behind a link, or InvitationInvalid with a reason for people."""
    invitation = (
        Invitation.objects.select_related(
            "network", "membership__municipality", "department", "invited_by"
        )
        .filter(token_hash=hash_token(raw_token))
        .first()
    )
    _check_open(invitation)
    return invitation


def _check_open(invitation):
    if invitation is None:
        raise InvitationInvalid(_("Dieser Einladungslink ist unbekannt oder wurde zurückgezogen."))
    if invitation.accepted_at is not None:
        raise InvitationInvalid(_("Diese Einladung wurde bereits angenommen."))
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid(_("Diese Einladung ist abgelaufen."))
    if invitation.membership_id and not invitation.membership.is_active:
        raise InvitationInvalid(_("Die Kommune ist nicht mehr Mitglied im Netzwerk."))


def invitation_accept(
    *, invitation: Invitation, first_name: str = "", last_name: str = "", password: str = ""
) -> tuple[User, Role]:
    """Take the invited role: for the account with the invited e-mail address, or a new
    account with this name and password. A link works exactly once."""
    with transaction.atomic():
        locked = (
            # Only the invitation row is locked; its membership is joined for reading.
            Invitation.objects.select_for_update(of=("self",))
            .select_related("membership")
            .filter(pk=invitation.pk)
            .first()
        )
        _check_open(locked)
        user = User.objects.filter(email__iexact=locked.email).first()
        if user is None:
            if not password:
                raise ValidationError({"password1": _("Bitte ein Passwort festlegen.")})
            user = User(email=locked.email, first_name=first_name, last_name=last_name)
            user.set_password(password)
            user.full_clean()
            user.save()
        role = Role.objects.filter(
            user=user, network_id=locked.network_id, kind=locked.kind, membership=locked.membership
        ).first()
        if role is None:
            role = Role(
                user=user,
                network_id=locked.network_id,
                kind=locked.kind,
                membership=locked.membership,
                department=locked.department if locked.kind == Role.Kind.STAFF else None,
            )
            role.full_clean()
            role.save()
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
    return user, role


def invitation_revoke(*, invitation: Invitation) -> None:
    """Revoking deletes the invitation: its link then answers "unknown or revoked"; the
    history keeps who was invited when."""
    invitation.delete()


def role_remove(*, role: Role) -> None:
    """Take a role away; a network keeps at least one moderator."""
    with transaction.atomic():
        if role.kind == Role.Kind.MODERATOR:
            moderators = Role.objects.select_for_update().filter(
                network_id=role.network_id, kind=Role.Kind.MODERATOR
            )
            if len(moderators) <= 1:
                raise ValidationError(_("Ein Netzwerk braucht mindestens eine Moderation."))
        role.delete()


def membership_add(
    *, network, joined_on, municipality: Municipality | None = None, new_municipality=None
) -> Membership:
    """Make a municipality a member: an existing one, or `new_municipality` (unsaved)."""
    with transaction.atomic():
        if municipality is None:
            new_municipality.full_clean()
            new_municipality.save()
            municipality = new_municipality
        membership = Membership(network=network, municipality=municipality, joined_on=joined_on)
        membership.full_clean()
        membership.save()
    return membership


def department_delete(*, department) -> None:
    """Delete a department unless anything would be deleted with it.

    Topic apps hang their records on departments (approvals, milestones) with CASCADE or
    PROTECT; a department that carries any of them is refused with a German message naming
    what depends on it, instead of silently taking approvals with it. Links that are only
    cleared (a staff member's department, an invitation's) do not block.
    """
    collector = Collector(using=router.db_for_write(type(department)))
    try:
        collector.collect([department])
    except (ProtectedError, RestrictedError) as error:
        dependants = {type(obj)._meta.verbose_name_plural for obj in error.protected_objects}
        raise ValidationError(_dependants_message(department, dependants)) from None
    dependants = {
        model._meta.verbose_name_plural
        for model, objects in collector.data.items()
        if model is not type(department) and objects
    }
    # Related rows without signals are collected as querysets for a bulk delete.
    dependants |= {
        queryset.model._meta.verbose_name_plural
        for queryset in collector.fast_deletes
        if queryset.model is not type(department) and queryset.exists()
    }
    if dependants:
        raise ValidationError(_dependants_message(department, dependants))
    with transaction.atomic():
        department.delete()


def _dependants_message(department, dependants) -> str:
    return _(
        "Der Fachbereich „%(name)s“ kann nicht gelöscht werden, weil noch Daten an ihm "
        "hängen: %(what)s."
    ) % {"name": department.name, "what": ", ".join(sorted(str(d) for d in dependants))}
