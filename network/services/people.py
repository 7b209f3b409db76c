"""Writes about people that span several models: invitations, roles, memberships."""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network import access
from network.models import Invitation, Membership, MembershipRequest, Municipality, Role, User
from network.models.people import hash_token, new_secret_token
from network.notifications import Kind, notify

logger = logging.getLogger(__name__)


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
            "existing_account": invitation_account(invitation) is not None,
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


class InvitationForAnotherAccount(Exception):
    """An account with the invited address exists, and the person accepting is not logged
    in as it."""


def invitation_account(invitation: Invitation) -> User | None:
    """The existing account the invitation is meant for, if any (its e-mail address)."""
    return User.objects.filter(email__iexact=invitation.email).first()


def invitation_may_accept(*, account: User | None, user) -> bool:
    """Whether `user` (the logged-in person, or an anonymous one) may accept an invitation
    whose address belongs to `account`: a new address may be taken by whoever holds the
    link (it sets the new account's password); an existing account's only by that account,
    logged in. Otherwise an address changed to an invited one, or a link opened in someone
    else's session, would hand the role to the wrong person."""
    if account is None:
        return True
    return user is not None and user.is_authenticated and user.pk == account.pk


def invitation_accept(
    *,
    invitation: Invitation,
    user=None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
) -> tuple[User, Role]:
    """Take the invited role: for the account with the invited e-mail address, when `user`
    (the logged-in person) is that account, or for a new account with this name and
    password. A link works exactly once. Raises InvitationForAnotherAccount when an account
    with the address exists and `user` is not it; nothing changes then."""
    with transaction.atomic():
        locked = (
            # Only the invitation row is locked; its membership is joined for reading.
            Invitation.objects.select_for_update(of=("self",))
            .select_related("membership")
            .filter(pk=invitation.pk)
            .first()
        )
        _check_open(locked)
        account = invitation_account(locked)
        if not invitation_may_accept(account=account, user=user):
            raise InvitationForAnotherAccount
        user = account
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
        if locked.invited_by_id:
            notify(
                Kind.INVITATION,
                network=locked.network,
                recipients=[locked.invited_by_id],
                title=lambda: (
                    _("%(who)s hat Ihre Einladung angenommen (%(role)s).")
                    % {"who": user, "role": role.get_kind_display()}
                ),
                url=reverse("network:people", args=[locked.network.slug]),
                membership=locked.membership,
                actor=user,
            )
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
    *,
    network,
    joined_on,
    added_by,
    municipality: Municipality | None = None,
    new_municipality=None,
) -> Membership:
    """Make a municipality a member: an existing one, or `new_municipality` (unsaved).

    An existing municipality only if `added_by` may attach it directly
    (`access.joins_directly`), else PermissionDenied: one that is a member of networks
    they do not moderate joins through `membership_request_create` and its coordinators'
    consent.
    """
    with transaction.atomic():
        if municipality is None:
            new_municipality.full_clean()
            new_municipality.save()
            municipality = new_municipality
        elif not access.joins_directly(added_by, municipality):
            raise PermissionDenied
        membership = _membership_create(
            network=network, municipality=municipality, joined_on=joined_on
        )
    return membership


def _membership_create(*, network, municipality, joined_on) -> Membership:
    membership = Membership(network=network, municipality=municipality, joined_on=joined_on)
    membership.full_clean()
    membership.save()
    _tell_moderators(
        membership,
        lambda: (
            _("%(name)s ist dem Netzwerk beigetreten (ab %(day)s).")
            % {"name": municipality.name, "day": f"{joined_on:%d.%m.%Y}"}
        ),
    )
    return membership


def _tell_moderators(membership, title, actor=None) -> None:
    moderators = Role.objects.filter(
        network_id=membership.network_id, kind=Role.Kind.MODERATOR
    ).values_list("user_id", flat=True)
    notify(
        Kind.MEMBERSHIP,
        network=membership.network,
        recipients=list(moderators),
        title=title,
        url=reverse(
            "network:membership", args=[membership.network.slug, membership.municipality.slug]
        ),
        membership=membership,
        actor=actor,
    )


@transaction.atomic
def membership_save(*, form, actor=None):
    """Save a membership's dates; when a leaving date is set, the moderation hears of it.
    None on an edit conflict."""
    before = Membership.objects.get(pk=form.instance.pk)
    membership = form.save_checked()
    if membership is not None and membership.left_on and membership.left_on != before.left_on:
        _tell_moderators(
            membership,
            lambda: (
                _("%(name)s tritt aus dem Netzwerk aus (zum %(day)s).")
                % {"name": membership.municipality.name, "day": f"{membership.left_on:%d.%m.%Y}"}
            ),
            actor=actor,
        )
    return membership


def membership_request_create(
    *, network, municipality: Municipality, joined_on, requested_by
) -> MembershipRequest:
    """Ask the coordinators of `municipality` (in every network where it is a member) to
    agree that it joins `network`; they get an e-mail after commit.

    A second open request for the same network and municipality is refused with a German
    ValidationError.
    """
    join_request = MembershipRequest(
        network=network, municipality=municipality, joined_on=joined_on, requested_by=requested_by
    )
    if Membership.objects.filter(network=network, municipality=municipality).exists():
        raise ValidationError(_("Diese Kommune ist schon Mitglied im Netzwerk."))
    join_request.full_clean()  # includes the one-open-request constraint
    with transaction.atomic():
        join_request.save()
        _mail_after_commit(
            subject=_("Anfrage: %(municipality)s im Netzwerk %(network)s")
            % {"municipality": municipality.name, "network": network.name},
            template="network/people/membership_request_email.txt",
            context={
                "join_request": join_request,
                "link": f"{settings.PORTAL_BASE_URL}{reverse('profile')}",
            },
            recipients=access.membership_request_answerers(municipality).values_list(
                "email", flat=True
            ),
        )
    return join_request


def membership_request_accept(*, join_request: MembershipRequest, user) -> Membership:
    """A coordinator of the municipality agrees: the membership is created now. Only for
    those `access.can_answer_membership_request` allows (else PermissionDenied)."""
    with transaction.atomic():
        locked = _locked_open_request(join_request, user)
        membership = Membership.objects.filter(
            network_id=locked.network_id, municipality_id=locked.municipality_id
        ).first()
        if membership is None:  # not added meanwhile by another way
            membership = _membership_create(
                network=locked.network, municipality=locked.municipality, joined_on=locked.joined_on
            )
        _answer(locked, MembershipRequest.Status.ACCEPTED, user)
    return membership


def membership_request_decline(*, join_request: MembershipRequest, user) -> None:
    """A coordinator of the municipality declines: nothing but the request changes."""
    with transaction.atomic():
        locked = _locked_open_request(join_request, user)
        _answer(locked, MembershipRequest.Status.DECLINED, user)


def _locked_open_request(join_request, user) -> MembershipRequest:
    locked = (
        MembershipRequest.objects.select_for_update(of=("self",))
        .select_related("network", "municipality", "requested_by")
        .filter(pk=join_request.pk)
        .first()
    )
    if locked is None or not access.can_answer_membership_request(user, locked):
        raise PermissionDenied  # answered meanwhile, or not theirs to answer
    return locked


def _answer(join_request, status, user) -> None:
    join_request.status = status
    join_request.answered_by = user
    join_request.answered_at = timezone.now()
    join_request.full_clean()
    join_request.save(update_fields=["status", "answered_by", "answered_at"])
    if join_request.requested_by is None:
        return
    _mail_after_commit(
        subject=_("Antwort: %(municipality)s im Netzwerk %(network)s")
        % {"municipality": join_request.municipality.name, "network": join_request.network.name},
        template="network/people/membership_request_answered_email.txt",
        context={"join_request": join_request, "answered_by": user},
        recipients=[join_request.requested_by.email],
    )


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


def _mail_after_commit(*, subject, template, context, recipients) -> None:
    """Send a mail per recipient (they need not know each other) once the transaction is
    committed. A mail server that fails is logged, never an error of the request whose
    change is already stored."""
    message = render_to_string(template, context)
    recipients = list(recipients)

    def send():
        for recipient in recipients:
            try:
                send_mail(
                    subject=subject, message=message, from_email=None, recipient_list=[recipient]
                )
            except OSError:  # smtplib's errors are OSErrors
                logger.exception("Mail %r to %s could not be sent", subject, recipient)

    transaction.on_commit(send)
