"""`Authorization: Bearer <key>`: the API's only way in (no session, so no CSRF, no cookie)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from network.models import ApiToken
from network.models.api import split_key

INVALID = _("Der Zugangsschlüssel ist ungültig.")
REVOKED = _("Der Zugangsschlüssel wurde widerrufen.")
EXPIRED = _("Der Zugangsschlüssel ist abgelaufen.")
MISSING = _(
    "Bitte senden Sie einen Zugangsschlüssel mit: „Authorization: Bearer <Schlüssel>“. "
    "Schlüssel legen Sie in Ihrem Profil an."
)


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None  # no key: the permission check answers 401 with MISSING
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(INVALID)
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(INVALID) from None
        prefix = split_key(raw)
        token = (
            ApiToken.objects.select_related("user").filter(prefix=prefix).first()
            if prefix
            else None
        )
        if token is None or not token.matches(raw) or not token.user.is_active:
            raise exceptions.AuthenticationFailed(INVALID)
        if token.is_revoked:
            raise exceptions.AuthenticationFailed(REVOKED)
        if token.is_expired():
            raise exceptions.AuthenticationFailed(EXPIRED)
        token.touch()
        return token.user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a request without a valid key.
        return f'{self.keyword} realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes the key (drf-spectacular finds it by target_class)."""

    target_class = "network.api.auth.TokenAuthentication"
    name = "Zugangsschluessel"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}
