"""Who a login attempt counts against: the account, and the address it came from.

django-axes locks a (user name, client address) pair after AXES_FAILURE_LIMIT failures.
Both halves are decided here, so the lock means what the README promises:

- The user name is the account: login ignores case and surrounding spaces, so axes must
  too, or `Welver@example.org` would get five fresh tries after `welver@example.org` was
  locked. The same normalisation serves the lockout, its reset on success and the
  `axes_reset_username` command.
- The address is the client's. Behind the TLS proxy of docker-compose every request comes
  from the proxy, so the client is read from X-Forwarded-For — but only the entry the
  trusted proxies appended (DJANGO_PROXY_COUNT of them, counted from the right): whatever
  a client writes into the header itself stands further left and is never used. Without
  proxies (the default) the header is ignored altogether.
"""

from django.conf import settings
from python_ipware import IpWare


def normalise_username(value) -> str:
    return str(value or "").strip().lower()


def login_username(request, credentials=None) -> str:
    """AXES_USERNAME_CALLABLE: the account an attempt is for, as login finds it."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials and credentials.get(field) is not None:
        return normalise_username(credentials[field])
    data = getattr(request, "data", None) or getattr(request, "POST", {})
    return normalise_username(data.get(field))


def client_address(request) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the client's address, from the trusted hop."""
    remote = request.META.get("REMOTE_ADDR")
    hops = settings.PROXY_COUNT
    if hops <= 0:
        return remote
    # python-ipware counts the proxies listed in the header besides the client; the last
    # proxy (the one talking to us) appends the client, so one proxy means 0 there.
    ip, _trusted = IpWare(precedence=("HTTP_X_FORWARDED_FOR",), proxy_count=hops - 1).get_client_ip(
        request.META
    )
    # No usable header: the request did not pass the proxy; its own address is the client.
    return str(ip) if ip is not None else remote
