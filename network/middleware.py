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
