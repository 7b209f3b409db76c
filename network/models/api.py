"""Personal access tokens for the read-only API (network.api).

A person creates a token on the profile page for a system of their own (a council
information system, a spreadsheet that fetches figures). The token acts with exactly that
person's roles, as the person would on the site. Only the SHA-256 of the key is stored; the
key itself is shown once, after creation. The prefix, part of the key, is stored in clear:
it finds the row and lets the person tell their tokens apart.
"""

import hashlib
import hmac
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .people import User

KEY_START = "knn_"  # every key starts so: secret scanners and people recognise it


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def split_key(raw: str) -> str | None:
    """The prefix of a key of the form knn_<prefix>_<secret>, else None."""
    if not raw.startswith(KEY_START):
        return None
    prefix, _sep, secret = raw[len(KEY_START) :].partition("_")
    if len(prefix) != ApiToken.PREFIX_LENGTH or not secret:
        return None
    return prefix


class ApiTokenQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(user=user)


class ApiToken(models.Model):
    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("Person")
    )
    name = models.CharField(_("Bezeichnung"), max_length=100)
    prefix = models.CharField(max_length=PREFIX_LENGTH, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("Angelegt am"), default=timezone.now, editable=False)
    expires_on = models.DateField(_("Gültig bis"))
    last_used_at = models.DateTimeField(_("Zuletzt benutzt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("Widerrufen am"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("Zugangsschlüssel für die Schnittstelle")
        verbose_name_plural = _("Zugangsschlüssel für die Schnittstelle")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({KEY_START}{self.prefix}…)"

    @staticmethod
    def new_key() -> tuple[str, str]:
        """(prefix, raw key) of a fresh key: 256 random bits after the prefix."""
        prefix = secrets.token_hex(ApiToken.PREFIX_LENGTH // 2)
        return prefix, f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"

    @staticmethod
    def latest_expiry(today):
        """The last expiry date a token created `today` may have: one year ahead (from
        29 February: 28 February). A long-lived key is a key that leaks unnoticed."""
        try:
            return today.replace(year=today.year + 1)
        except ValueError:
            return today.replace(year=today.year + 1, day=28)

    def matches(self, raw: str) -> bool:
        return hmac.compare_digest(self.key_hash, hash_key(raw))

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, today=None) -> bool:
        return self.expires_on < (today or timezone.localdate())

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])

    def touch(self):
        """Note the use; one UPDATE, at most once a minute per token."""
        now = timezone.now()
        if self.last_used_at is None or (now - self.last_used_at).total_seconds() >= 60:
            ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now
