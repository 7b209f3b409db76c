"""Profile, password change and the invitation link (the person's own account)."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from network.forms.accounts import InvitationAcceptForm, ProfileForm
from network.models import Role, User
from network.services import people as services
from network.views.common import posted


def _calendar_links(roles):
    """(network, url) of the calendar subscription page of each of the person's networks."""
    networks = {role.network_id: role.network for role in roles}
    return [
        (network, reverse("network:calendar_subscribe", args=[network.slug]))
        for network in networks.values()
    ]


@login_required
def profile(request):
    roles = list(
        Role.objects.filter(user=request.user)
        .select_related("network", "membership__municipality", "department")
        .order_by("network__name", "kind")
    )
    form = ProfileForm(posted(request), instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Ihre Angaben wurden gespeichert."))
        return redirect("profile")
    return render(
        request,
        "network/profile.html",
        {"roles": roles, "form": form, "calendar_links": _calendar_links(roles)},
    )


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
    invited address only confirms. Unknown, used or expired links get a German page.
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
    existing = User.objects.filter(email__iexact=invitation.email).first()
    form = None
    if existing is None:
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
            if request.user.is_authenticated and request.user.email == invitation.email:
                return redirect("network:network", network_slug=invitation.network.slug)
            return redirect("login")
    return render(
        request,
        "registration/invitation_accept.html",
        {"invitation": invitation, "form": form, "existing": existing},
    )
