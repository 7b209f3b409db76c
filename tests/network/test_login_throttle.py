"""Login throttling counts per account and per real client (issue 9: F1, F4).

F1: however the address is spelt, failures count against the one account, for the lockout
and for its reset on success. F4: behind DJANGO_PROXY_COUNT trusted proxies the client is
the address the proxy appended to X-Forwarded-For; what a client writes into the header
itself changes nothing, and without proxies the header is ignored.
"""

import pytest
from django.test import Client

from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/konto/anmelden/"
WRONG = "falsch-falsch-falsch"
PROXY = "10.0.0.2"  # the TLS proxy of docker-compose, as the portal sees it


@pytest.fixture
def welver(db):
    return UserFactory(email="welver@example.org")


def attempt(client, username, password, **meta):
    meta.setdefault("REMOTE_ADDR", "192.0.2.10")
    return client.post(LOGIN, {"username": username, "password": password}, **meta)


def logged_in(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


class TestOneCounterPerAccount:
    SPELLINGS = [
        "welver@example.org",
        "Welver@example.org",
        "WELVER@example.org",
        "welver@EXAMPLE.org",
        " welver@example.org",
    ]

    def test_every_spelling_counts_against_the_same_account(self, welver, settings):
        assert len(self.SPELLINGS) == settings.AXES_FAILURE_LIMIT
        client = Client()
        for spelling in self.SPELLINGS:
            attempt(client, spelling, WRONG)
        # Yet another spelling with the right password: still locked.
        response = attempt(client, "WeLvEr@ExAmPlE.OrG ", TEST_PASSWORD)
        assert response.status_code == 429
        assert "Anmeldung vorübergehend gesperrt" in response.content.decode()
        assert not logged_in(client, welver)

    def test_a_success_resets_the_counter_of_every_spelling(self, welver):
        client = Client()
        for _ in range(4):
            attempt(client, "WELVER@EXAMPLE.ORG", WRONG)
        assert attempt(client, "welver@example.org", TEST_PASSWORD).status_code == 302
        client.post("/konto/abmelden/")
        attempt(client, "WELVER@EXAMPLE.ORG", WRONG)  # one failure after the reset
        response = attempt(client, "WELVER@EXAMPLE.ORG", TEST_PASSWORD)
        assert response.status_code == 302 and logged_in(client, welver)

    def test_the_normalised_name_is_what_axes_sees(self, rf):
        from network.throttle import login_username

        request = rf.post(LOGIN, {"username": "  Welver@Example.ORG "})
        assert login_username(request) == "welver@example.org"
        assert login_username(request, {"username": "WELVER@example.org"}) == ("welver@example.org")


class TestClientAddressBehindTheProxy:
    def test_two_clients_behind_the_proxy_are_counted_apart(self, welver, settings):
        settings.PROXY_COUNT = 1
        attacker, colleague = Client(), Client()
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(
                attacker,
                welver.email,
                WRONG,
                REMOTE_ADDR=PROXY,
                HTTP_X_FORWARDED_FOR="203.0.113.66",
            )
        locked = attempt(
            attacker,
            welver.email,
            TEST_PASSWORD,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.66",
        )
        assert locked.status_code == 429
        # The real owner at another office is not locked out by the attacker.
        response = attempt(
            colleague,
            welver.email,
            TEST_PASSWORD,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )
        assert response.status_code == 302 and logged_in(colleague, welver)

    def test_a_forged_header_behind_the_proxy_changes_nothing(self, welver, settings):
        settings.PROXY_COUNT = 1
        client = Client()
        for n in range(settings.AXES_FAILURE_LIMIT):
            # The client writes a new address each time; the proxy appends the real one.
            forged = f"198.51.100.{n + 1}, 203.0.113.66"
            attempt(client, welver.email, WRONG, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forged)
        response = attempt(
            client,
            welver.email,
            TEST_PASSWORD,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.66",
        )
        assert response.status_code == 429 and not logged_in(client, welver)

    def test_without_a_proxy_the_header_is_ignored(self, welver, settings):
        settings.PROXY_COUNT = 0
        client = Client()
        for n in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, welver.email, WRONG, HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}")
        response = attempt(
            client, welver.email, TEST_PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99"
        )
        assert response.status_code == 429

    @pytest.mark.parametrize(
        ("proxies", "forwarded", "expected"),
        [
            (0, "203.0.113.66", "10.0.0.2"),
            (1, "203.0.113.66", "203.0.113.66"),
            (1, "1.2.3.4, 203.0.113.66", "203.0.113.66"),
            (2, "1.2.3.4, 203.0.113.66, 10.0.0.9", "203.0.113.66"),
            (1, None, "10.0.0.2"),  # the proxy was bypassed: the direct peer is the client
        ],
    )
    def test_address_from_the_trusted_hop(self, rf, settings, proxies, forwarded, expected):
        from network.throttle import client_address

        settings.PROXY_COUNT = proxies
        meta = {"REMOTE_ADDR": PROXY}
        if forwarded is not None:
            meta["HTTP_X_FORWARDED_FOR"] = forwarded
        assert client_address(rf.get("/", **meta)) == expected
