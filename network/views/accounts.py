"""Profile, e-mail and password change and the invitation link (the person's own account)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from network import access
from network.api import services as api_services
from network.api.forms import ApiTokenForm
from network.forms.accounts import InvitationAcceptForm, ProfileForm
from network.models import ApiToken, EmailChange, Role
from network.services import accounts as account_services
from network.services import people as services
from network.views.common import posted


def _calendar_links(roles):
    """(network, url) of the calendar subscription page of each of the person's networks."""
    networks = {role.network_id: role.network for role in roles}
    return [
        (network, reverse("network:calendar_subscribe", args=[network.slug]))
        for network in networks.values()
    ]


@sensitive_post_parameters("current_password")
@login_required
def profile(request):
    """Name and address; open requests to answer for the municipalities one coordinates.

    A new address is only requested here (see `account_services.email_change_request`); the
    answer is the same whether or not it belongs to another account.
    """
    roles = _roles(request.user)
    form = ProfileForm(posted(request), instance=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        old_email = request.user.email
        try:
            change = account_services.profile_update(
                user=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
            )
        except OSError:
            request.user.refresh_from_db()  # nothing was stored
            form.add_error(
                None,
                _(
                    "Die E-Mail konnte nicht verschickt werden; es wurde nichts gespeichert. "
                    "Bitte versuchen Sie es später erneut."
                ),
            )
        else:
            messages.success(request, _("Ihre Angaben wurden gespeichert."))
            if change is not None:
                messages.info(
                    request,
                    _(
                        "Wir haben einen Bestätigungslink an %(new)s geschickt. Die neue "
                        "Adresse gilt, sobald Sie ihn geöffnet haben; bis dahin melden Sie "
                        "sich weiter mit %(old)s an."
                    )
                    % {"new": change.new_email, "old": old_email},
                )
            return redirect("profile")
    return _profile_page(request, roles=roles, form=form)


def _roles(user):
    return list(
        Role.objects.filter(user=user)
        .select_related("network", "membership__municipality", "department")
        .order_by("network__name", "kind")
    )


def _profile_page(request, *, roles=None, form=None, token_form=None, new_key=None):
    """The profile page; also the answer to a token form (its errors, or the new key)."""
    roles = _roles(request.user) if roles is None else roles
    response = render(
        request,
        "network/profile.html",
        {
            "roles": roles,
            "form": form if form is not None else ProfileForm(instance=request.user),
            "calendar_links": _calendar_links(roles),
            "email_change": EmailChange.objects.filter(user=request.user).open().first(),
            "membership_requests": _membership_requests(request.user, roles),
            "api_tokens": ApiToken.objects.of(request.user),
            "token_form": token_form if token_form is not None else ApiTokenForm(),
            "new_key": new_key,
        },
    )
    if new_key:
        add_never_cache_headers(response)  # the key is shown once: no copy in any cache
    return response


def _membership_requests(user, roles):
    if not any(role.kind == Role.Kind.COORDINATOR for role in roles):
        return []  # only coordinators answer them: spare everyone else the query
    return (
        access.membership_requests_to_answer(user)
        .select_related("network", "municipality", "requested_by")
        .order_by("requested_at", "pk")
    )


@never_cache
@login_required
def email_change_confirm(request, token):
    """The link from the mail to a new address. Opened by the person who asked, logged in
    (with the old address, which is the login until now): GET shows what will change, POST
    changes it. Unknown, used, replaced or expired links get a German page."""
    try:
        change = account_services.email_change_for_token(user=request.user, raw_token=token)
        if request.method == "POST":
            account_services.email_change_confirm(change=change)
            messages.success(
                request,
                _("Ihre E-Mail-Adresse ist jetzt %(email)s. Damit melden Sie sich künftig an.")
                % {"email": change.new_email},
            )
            return redirect("profile")
    except account_services.EmailChangeInvalid as invalid:
        return render(
            request,
            "registration/email_change_invalid.html",
            {"reason": invalid.reason},
            status=404,
        )
    return render(request, "registration/email_change_confirm.html", {"change": change})


@sensitive_post_parameters()
@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, posted(request))
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)  # stay logged in with the new password
        messages.success(request, _("Ihr Passwort wurde geändert."))
        return redirect("profile")
    return render(request, "registration/password_change_form.html", {"form": form})


@sensitive_post_parameters()
@never_cache
def invitation_accept(request, token):
    """The one-time link from the invitation e-mail.

    A new person sets name and password; someone who already has an account with the
    invited address confirms, logged in as that account (anyone else is asked to log in as
    it, and nothing happens). Unknown, used or expired links get a German page.
    """
    try:
        invitation = services.invitation_for_token(token)
    except services.InvitationInvalid as invalid:
        return render(
            request,
            "registration/invitation_invalid.html",
            {"reason": invalid.reason},
            status=404,
        )
    account = services.invitation_account(invitation)
    user = request.user if request.user.is_authenticated else None
    if not services.invitation_may_accept(account=account, user=user):
        return _invitation_for_another_account(request, invitation)
    form = None
    if account is None:
        form = InvitationAcceptForm(
            posted(request),
            email=invitation.email,
            initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
        )
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {}
        try:
            services.invitation_accept(
                invitation=invitation,
                user=user,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                password=data.get("password1", ""),
            )
        except services.InvitationInvalid as invalid:
            return render(
                request,
                "registration/invitation_invalid.html",
                {"reason": invalid.reason},
                status=404,
            )
        except services.InvitationForAnotherAccount:  # the account was created meanwhile
            return _invitation_for_another_account(request, invitation)
        except ValidationError as error:
            if form is None:
                return render(
                    request,
                    "registration/invitation_invalid.html",
                    {"reason": " ".join(error.messages)},
                    status=400,
                )
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Willkommen im Netzwerk %(network)s! Bitte melden Sie sich jetzt an.")
                % {"network": invitation.network.name},
            )
            if account is not None:  # accepted by that account, logged in
                return redirect("network:network", network_slug=invitation.network.slug)
            return redirect("login")
    return render(
        request,
        "registration/invitation_accept.html",
        {"invitation": invitation, "form": form, "existing": account},
    )


def _invitation_for_another_account(request, invitation):
    """The address has an account, and this is not it (or nobody is logged in): ask to log
    in as that account, with a way back to the invitation. A POST changes nothing (403)."""
    back = request.path
    return render(
        request,
        "registration/invitation_login.html",
        {"invitation": invitation, "login_url": f"{reverse('login')}?{urlencode({'next': back})}"},
        status=403 if request.method == "POST" else 200,
    )


# --- access tokens for the API (network.api) -------------------------------------------------


@sensitive_post_parameters()
@login_required
@require_POST
def api_token_create(request):
    """A new token; the page shows its key this once (it is stored hashed), so the answer
    is the profile page itself, not a redirect."""
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, token_form=form)
    token, raw = api_services.api_token_create(
        user=request.user,
        name=form.cleaned_data["name"],
        expires_on=form.cleaned_data["expires_on"],
    )
    messages.success(
        request, _("Der Zugangsschlüssel „%(name)s“ wurde angelegt.") % {"name": token.name}
    )
    return _profile_page(request, new_key=raw)


@login_required
@require_POST
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.of(request.user), pk=pk)
    token.revoke()
    messages.success(
        request, _("Der Zugangsschlüssel „%(name)s“ wurde widerrufen.") % {"name": token.name}
    )
    return redirect("profile")


# --- requests that a municipality join a network, answered by its coordinators -------------


@login_required
@require_POST
def membership_request_accept(request, pk):
    join_request = access.membership_request_to_answer(request.user, pk)
    services.membership_request_accept(join_request=join_request, user=request.user)
    messages.success(
        request,
        _("%(name)s ist jetzt Mitglied im Netzwerk %(network)s.")
        % {"name": join_request.municipality.name, "network": join_request.network.name},
    )
    return redirect("profile")


@login_required
@require_POST
def membership_request_decline(request, pk):
    join_request = access.membership_request_to_answer(request.user, pk)
    services.membership_request_decline(join_request=join_request, user=request.user)
    messages.success(
        request,
        _("Sie haben die Anfrage abgelehnt; %(name)s wird nicht Mitglied im Netzwerk %(network)s.")
        % {"name": join_request.municipality.name, "network": join_request.network.name},
    )
    return redirect("profile")


@require_POST
def choose_language(request):
    """The language switch: Django's set_language (the cookie for this browser), and for a
    logged-in person also the language of their mails."""
    response = set_language(request)
    code = request.POST.get("language")
    user = request.user
    if user.is_authenticated and code in dict(settings.LANGUAGES) and user.language != code:
        user.language = code
        user.save(update_fields=["language"])
    return response
