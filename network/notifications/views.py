"""The person's notifications: the list behind the bell, the mail settings, and the
one-click unsubscribe of a mail (RFC 8058). They belong to the person, not to a network:
everyone sees only their own (404 for anybody else's)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from network.models import MailPreference, Notification, User
from network.models.notifications import Channel, Kind, default_channel

from . import mail

PAGE_SIZE = 25


def _own(request):
    return Notification.objects.filter(recipient=request.user)


@login_required
@require_GET
def notification_list(request):
    page = Paginator(
        _own(request).select_related("network").order_by("-created_at", "-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page_obj": page, "unread": _own(request).unread().count()},
    )


@login_required
@require_GET
def notification_open(request, pk):
    """Mark read and go where it points (only places inside the portal)."""
    notification = get_object_or_404(_own(request), pk=pk)
    if notification.read_at is None:
        Notification.objects.filter(pk=pk).update(read_at=timezone.now())
    target = notification.url or "notifications:list"
    if notification.url and not url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}
    ):
        target = "notifications:list"
    return redirect(target)


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(_own(request), pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=pk).update(read_at=notification.read_at)
    if request.htmx:
        return render(request, "notifications/_row.html", {"notification": notification})
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    count = _own(request).unread().update(read_at=timezone.now())
    messages.success(request, _("%(n)s Benachrichtigungen als gelesen markiert.") % {"n": count})
    return redirect("notifications:list")


class SettingsForm(forms.Form):
    """One choice of channel per kind of notification."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        chosen = dict(MailPreference.objects.filter(user=user).values_list("kind", "channel"))
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=chosen.get(kind.value, default_channel(kind)),
                widget=forms.RadioSelect,
            )


@login_required
def notification_settings(request):
    form = SettingsForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        for kind, channel in form.cleaned_data.items():
            MailPreference.objects.update_or_create(
                user=request.user, kind=kind, defaults={"channel": channel}
            )
        messages.success(request, _("Ihre E-Mail-Einstellungen wurden gespeichert."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


UNSUBSCRIBED = gettext_lazy("Sie bekommen keine E-Mails dieser Art mehr: „%(kind)s“.")


@csrf_exempt  # RFC 8058: mail programs POST without a form; the signed token is the key
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: a page with the button (a link scanner must not unsubscribe anybody); POST: the
    one-click unsubscribe of one kind, from the mail program or the button."""
    found = mail.read_unsubscribe_token(token)
    if found is None:
        raise Http404
    user_id, kind = found
    user = get_object_or_404(User, pk=user_id, is_active=True)
    label = Kind(kind).label
    if request.method == "POST":
        MailPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"channel": Channel.OFF}
        )
        return render(
            request,
            "notifications/unsubscribed.html",
            {"message": UNSUBSCRIBED % {"kind": label}, "kind": label},
        )
    return render(
        request, "notifications/unsubscribe.html", {"kind": label, "token": token, "who": user}
    )
