"""German answers for the API's errors.

`rest_framework` is deliberately not in INSTALLED_APPS: its German catalogue would override
Django's own for the whole portal (informal „Gib eine gültige E-Mail Adresse an.“ instead
of „Bitte gültige E-Mail-Adresse eingeben.“ in every form). The API needs no app of it
(no models, no templates: JSON only), so its few standard messages are given here.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler


def _german(exc) -> str | None:
    if isinstance(exc, exceptions.NotFound):
        return _("Nicht gefunden.")
    if isinstance(exc, exceptions.Throttled):
        if exc.wait is None:
            return _("Zu viele Anfragen. Bitte versuchen Sie es später erneut.")
        return _("Zu viele Anfragen. Bitte versuchen Sie es in %(seconds)s Sekunden erneut.") % {
            "seconds": int(exc.wait + 0.999)
        }
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _("Die Schnittstelle liest nur; diese Anfrageart ist nicht erlaubt.")
    if isinstance(exc, exceptions.NotAcceptable):
        return _("Die Schnittstelle antwortet nur mit JSON.")
    if isinstance(exc, exceptions.PermissionDenied):
        return _("Dafür fehlen Ihnen die Rechte.")
    return None


def german_exception_handler(exc, context):
    """DRF's handler; where the message is DRF's English default, the German one."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    formatted = (exceptions.Throttled, exceptions.MethodNotAllowed, exceptions.NotAcceptable)
    if isinstance(exc, formatted) or str(exc.detail) == str(exc.default_detail):
        message = _german(exc)
        if message is not None:
            response.data["detail"] = message
    return response
