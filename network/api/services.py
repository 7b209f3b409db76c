"""Creating the person's access tokens (revoking is `ApiToken.revoke`)."""

from network.models import ApiToken
from network.models.api import hash_key


def api_token_create(*, user, name, expires_on) -> tuple[ApiToken, str]:
    """A new token of `user` and its raw key, which is nowhere stored: the caller shows
    it once. Only its SHA-256 and its prefix are kept."""
    prefix, raw = ApiToken.new_key()
    while ApiToken.objects.filter(prefix=prefix).exists():  # 32 random bits: rare
        prefix, raw = ApiToken.new_key()
    token = ApiToken(user=user, name=name, expires_on=expires_on, prefix=prefix)
    token.key_hash = hash_key(raw)
    token.full_clean()
    token.save()
    return token, raw
