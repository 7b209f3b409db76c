"""German first: the portal speaks German unless the person chose English themselves.

Django's LocaleMiddleware follows the browser's Accept-Language header; on locked-down
office PCs that header often says English although everybody working there reads German.
So only the explicit choice (the language cookie set by the switch in the footer) counts.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class GermanFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class MailDelayNoticeMiddleware:
    """Tells the person when a mail caused by what they did could not go out at once (mail
    server or broker down): it waits in the outbox and is sent later (network.notifications.
    outbox). Listed after MessageMiddleware, so the notice is stored with the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib import messages
        from django.utils.translation import gettext as _

        from network.notifications import outbox

        token = outbox.delayed.set(False)
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            if outbox.delayed.get() and user is not None and user.is_authenticated:
                messages.warning(
                    request,
                    _(
                        "Gespeichert. Die E-Mail-Benachrichtigungen dazu konnten gerade "
                        "nicht verschickt werden; sie werden automatisch nachgeholt, sobald "
                        "der Mailserver wieder erreichbar ist."
                    ),
                )
        finally:
            outbox.delayed.reset(token)
        return response
