"""The read-only API: personal access tokens (created and revoked on the profile page,
stored hashed), their 401 answers, the scope of the person's roles (404 outside a network),
fixed query counts per page, the OpenAPI schema and the documentation page."""

import hashlib
import json
import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from rest_framework.throttling import UserRateThrottle

from network.api import services
from network.models import ApiToken, FigureSnapshot
from tests.factories import MeetingFactory, MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def issue(user, *, days=30, name="Ratsinformationssystem"):
    """A token of `user` and its raw key."""
    return services.api_token_create(
        user=user, name=name, expires_on=timezone.localdate() + timedelta(days=days)
    )


def bearer(user_or_key) -> Client:
    """A client that sends a key (a fresh one of the user, or the given raw key)."""
    raw = user_or_key if isinstance(user_or_key, str) else issue(user_or_key)[1]
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def api(name, slug=None):
    return reverse(f"api:{name}", args=[slug] if slug else [])


def counted(user, url):
    """The answer to `url` with a fresh key of `user`, and its number of queries."""
    client = bearer(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json(), len(queries)


def network_resource_names():
    """Every per-network resource: the core's and the topic apps' (api_resources hook)."""
    from network import plugins
    from network.api.views import CORE_RESOURCES

    return [resource.name for resource in [*CORE_RESOURCES, *plugins.objects("api_resources")]]


# --- reading with the person's roles ---------------------------------------------------------


def test_the_coordinator_reads_the_networks_they_are_in(actors):
    response = bearer(actors.coordinator).get(api("networks"))
    assert response.status_code == 200
    data = response.json()
    assert [row["slug"] for row in data["results"]] == ["knn"]
    assert data["results"][0]["name"] == "Kommunales Netzwerk Nachhaltigkeit"
    assert data["count"] == 1


def test_the_coordinator_reads_the_members_and_meetings_of_the_knn(actors):
    MeetingFactory(network=actors.network, title="Zweites Netzwerktreffen")
    MeetingFactory(network=actors.other_network, title="Treffen in Hellweg")
    client = bearer(actors.coordinator)
    members = client.get(api("members", "knn")).json()["results"]
    assert [(m["municipality"], m["ags"]) for m in members] == [
        ("Herten", "05562020"),
        ("Lünen", "05978024"),
    ]
    assert members[1]["id"] == actors.luenen.pk
    assert members[1]["joined_on"] == actors.luenen.joined_on.isoformat()
    meetings = client.get(api("meetings", "knn")).json()["results"]
    assert [m["title"] for m in meetings] == ["Zweites Netzwerktreffen"]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d", meetings[0]["starts_at"])


def test_key_figures_are_the_stored_series_by_membership_id(actors):
    FigureSnapshot.objects.create(
        membership=actors.luenen,
        section="procurement",
        key="criteria_agreed",
        period_end=date(2026, 3, 31),
        value=4.0,
        label="Kriterien zugestimmt",
        unit="",
    )
    FigureSnapshot.objects.create(
        membership=actors.other_membership,
        section="procurement",
        key="criteria_agreed",
        period_end=date(2026, 3, 31),
        value=9.0,
    )
    response = bearer(actors.coordinator).get(api("figures", "knn"))
    assert response.json() == [
        {
            "key": "criteria_agreed",
            "section": "procurement",
            "label": "Kriterien zugestimmt",
            "unit": "",
            "points": [{"period_end": "2026-03-31", "values": {str(actors.luenen.pk): 4.0}}],
        }
    ]


@pytest.mark.parametrize("name", network_resource_names())
def test_an_outsiders_token_gets_404_for_every_resource_of_the_network(actors, name):
    response = bearer(actors.outsider).get(api(name, "knn"))
    assert response.status_code == 404
    assert response.json() == {"detail": "Nicht gefunden."}
    assert "knn" not in response.content.decode().lower()
    # ... and reads their own network.
    assert bearer(actors.outsider).get(api(name, "hellweg")).status_code == 200


def test_an_outsider_does_not_see_the_network_in_their_list(actors):
    data = bearer(actors.outsider).get(api("networks")).json()
    assert [row["slug"] for row in data["results"]] == ["hellweg"]


# --- 401: no key, a wrong, revoked or expired key ---------------------------------------------


@pytest.mark.parametrize("name", ["networks", "members"])
def test_without_a_key_the_answer_is_401_in_german(actors, name):
    response = Client().get(api(name, "knn" if name != "networks" else None))
    assert response.status_code == 401
    assert "Zugangsschlüssel" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_session_is_no_way_into_the_api(actors):
    """Only tokens: the logged-in browser session is ignored (so CSRF does not matter)."""
    response = actors.client(actors.coordinator).get(api("members", "knn"))
    assert response.status_code == 401


@pytest.mark.parametrize(
    "key",
    [
        "falsch",
        "knn_00000000_" + "x" * 43,
        "knn_kurz_abc",
        "knn_",
    ],
)
def test_a_wrong_key_gets_401(actors, key):
    issue(actors.coordinator)
    response = bearer(key).get(api("members", "knn"))
    assert response.status_code == 401
    assert response.json()["detail"] == "Der Zugangsschlüssel ist ungültig."


def test_a_right_prefix_with_a_wrong_secret_gets_401(actors):
    _token, raw = issue(actors.coordinator)
    forged = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    response = bearer(forged).get(api("members", "knn"))
    assert response.status_code == 401
    assert response.json()["detail"] == "Der Zugangsschlüssel ist ungültig."


def test_a_revoked_key_gets_401(actors):
    token, raw = issue(actors.coordinator)
    assert bearer(raw).get(api("members", "knn")).status_code == 200
    token.revoke()
    response = bearer(raw).get(api("members", "knn"))
    assert response.status_code == 401
    assert response.json()["detail"] == "Der Zugangsschlüssel wurde widerrufen."


def test_a_key_holds_through_its_expiry_date_and_then_gets_401(actors):
    token, raw = issue(actors.coordinator)
    ApiToken.objects.filter(pk=token.pk).update(expires_on=timezone.localdate())
    assert bearer(raw).get(api("members", "knn")).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_on=timezone.localdate() - timedelta(days=1))
    response = bearer(raw).get(api("members", "knn"))
    assert response.status_code == 401
    assert response.json()["detail"] == "Der Zugangsschlüssel ist abgelaufen."


def test_a_deactivated_persons_key_gets_401(actors):
    _token, raw = issue(actors.coordinator)
    actors.coordinator.is_active = False
    actors.coordinator.save(update_fields=["is_active"])
    assert bearer(raw).get(api("members", "knn")).status_code == 401


def test_the_key_is_stored_hashed_and_its_use_noted(actors):
    token, raw = issue(actors.coordinator)
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert not any(raw in str(value) for value in stored.values())
    assert stored["key_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(f"knn_{stored['prefix']}_")
    assert stored["last_used_at"] is None
    bearer(raw).get(api("networks"))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_api_sets_no_cookie(actors):
    for response in [
        bearer(actors.coordinator).get(api("members", "knn")),
        Client().get(api("members", "knn")),
        Client().get(api("schema")),
        Client().get(api("docs")),
    ]:
        assert not response.cookies, response.cookies


def test_requests_are_throttled_per_person(actors, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/hour"})
    client = bearer(actors.coordinator)
    assert [client.get(api("networks")).status_code for _ in range(2)] == [200, 200]
    response = client.get(api("networks"))
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Zu viele Anfragen. Bitte versuchen Sie es in ")
    # Another person has their own allowance.
    assert bearer(actors.other).get(api("networks")).status_code == 200


# --- the same number of queries at two data sizes -------------------------------------------


def _grow(actors, members, meetings):
    for number in range(members):
        MembershipFactory(
            network=actors.network,
            municipality=MunicipalityFactory(name=f"Gemeinde {number}"),
        )
    for _ in range(meetings):
        MeetingFactory(network=actors.network)


@pytest.mark.parametrize("name", ["members", "meetings", "figures"])
def test_each_core_list_costs_the_same_queries_at_two_sizes(actors, name):
    _grow(actors, 1, 1)
    small, small_count = counted(actors.coordinator, api(name, "knn"))
    _grow(actors, 12, 12)
    for membership in actors.network.memberships.all():
        FigureSnapshot.objects.create(
            membership=membership, section="s", key="k", period_end=date(2026, 3, 31), value=1
        )
    large, large_count = counted(actors.coordinator, api(name, "knn"))
    assert large_count == small_count <= 6
    if name != "figures":
        assert large["count"] > small["count"]


def test_the_networks_list_costs_the_same_queries_at_two_sizes(actors):
    from tests.factories import NetworkFactory, RoleFactory

    _, small = counted(actors.moderator, api("networks"))
    for _ in range(5):
        RoleFactory(user=actors.moderator, network=NetworkFactory(), kind="moderator")
    data, large = counted(actors.moderator, api("networks"))
    assert data["count"] == 6
    assert large == small


def test_pages_hold_at_most_the_asked_number(actors):
    _grow(actors, 0, 5)
    data = bearer(actors.coordinator).get(api("meetings", "knn"), {"anzahl": 2, "seite": 2}).json()
    assert data["count"] == 5
    assert len(data["results"]) == 2
    assert "seite=3" in data["next"]
    response = bearer(actors.coordinator).get(api("meetings", "knn"), {"seite": 99})
    assert response.status_code == 404
    assert response.json()["detail"] == "Diese Seite gibt es nicht."


# --- the schema and its documentation page --------------------------------------------------


def test_the_schema_is_valid_openapi_3_and_lists_every_resource(db):
    response = Client().get(api("schema"), {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    assert "/api/netzwerke/" in paths
    for segment in [
        "mitglieder",
        "termine",
        "kennzahlen",
        "fahrplaene",
        "kriterien",
        "ausschreibungen",
        "bauvorhaben",
    ]:
        assert f"/api/netzwerke/{{network_slug}}/{segment}/" in paths
    assert not any("docs" in path or "schema" in path for path in paths)
    assert schema["components"]["securitySchemes"]["Zugangsschluessel"] == {
        "type": "http",
        "scheme": "bearer",
    }
    # Read-only: no path offers a write.
    assert {method for item in schema["paths"].values() for method in item} <= {"get"}


def test_the_docs_pages_load_nothing_from_other_hosts(db):
    """The reference (generated from the schema, no script) and Swagger UI beside it."""
    reference = Client().get(api("docs"))
    assert reference.status_code == 200
    html = reference.content.decode()
    assert "<script" not in html
    assert "<code>/api/netzwerke/</code>" in html and api("docs_interactive") in html
    assert not reference.cookies
    response = Client().get(api("docs_interactive"))
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert len(urls) >= 3
    assert all(url.startswith("/static/") for url in urls), urls
    assert "<script>" not in html  # CSP: no inline script
    assert 'data-schema-url="/api/schema/"' in html
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in urls


# --- creating and revoking tokens on the profile page ---------------------------------------


def _in(days):
    return (timezone.localdate() + timedelta(days=days)).strftime("%d.%m.%Y")


def test_a_new_token_is_shown_once_on_the_profile_page(actors):
    client = actors.client(actors.coordinator)
    response = client.post(reverse("api_token_create"), {"name": "Ratsinfo", "expires_on": _in(30)})
    assert response.status_code == 200
    html = response.content.decode()
    key = re.search(r'id="new-api-key"[^>]*>(knn_[^<]+)<', html).group(1)
    assert "nur dieses eine Mal angezeigt" in html
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=actors.coordinator)
    assert token.name == "Ratsinfo"
    assert token.expires_on == timezone.localdate() + timedelta(days=30)
    assert token.matches(key)
    again = client.get(reverse("profile")).content.decode()
    assert key not in again
    assert f"knn_{token.prefix}…" in again
    assert "Widerrufen" in again
    assert bearer(key).get(api("members", "knn")).status_code == 200


@pytest.mark.parametrize(
    "expires_on, message",
    [
        (_in(-1), "Das Datum liegt in der Vergangenheit."),
        (_in(367), "Ein Zugangsschlüssel gilt höchstens ein Jahr, also bis zum"),
        ("31.02.2027", "Den 31.02.2027 gibt es nicht."),
        ("", "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_a_bad_expiry_gets_a_german_message_and_creates_nothing(actors, expires_on, message):
    response = actors.client(actors.coordinator).post(
        reverse("api_token_create"), {"name": "Ratsinfo", "expires_on": expires_on}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_at_most_one_year_ahead_is_accepted(actors):
    today = timezone.localdate()
    latest = ApiToken.latest_expiry(today)
    actors.client(actors.coordinator).post(
        reverse("api_token_create"),
        {"name": "Ratsinfo", "expires_on": latest.strftime("%d.%m.%Y")},
    )
    assert ApiToken.objects.get().expires_on == latest
    assert ApiToken.latest_expiry(date(2028, 2, 29)) == date(2029, 2, 28)
    assert ApiToken.latest_expiry(date(2026, 12, 1)) == date(2027, 12, 1)


def test_a_token_needs_a_name(actors):
    response = actors.client(actors.coordinator).post(
        reverse("api_token_create"), {"name": "", "expires_on": _in(10)}
    )
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_owner_revokes_their_token(actors):
    token, raw = issue(actors.coordinator)
    response = actors.client(actors.coordinator).post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("profile")
    token.refresh_from_db()
    assert token.is_revoked
    assert bearer(raw).get(api("networks")).status_code == 401
    page = actors.client(actors.coordinator).get(reverse("profile")).content.decode()
    assert "widerrufen am" in page


def test_another_person_cannot_revoke_my_token(actors):
    token, raw = issue(actors.coordinator)
    for user in [actors.other, actors.moderator, actors.outsider]:
        response = actors.client(user).post(reverse("api_token_revoke", args=[token.pk]))
        assert response.status_code == 404
    token.refresh_from_db()
    assert not token.is_revoked
    assert bearer(raw).get(api("networks")).status_code == 200


def test_anonymous_visitors_are_sent_to_the_login(actors):
    token, _raw = issue(actors.coordinator)
    for url in [reverse("api_token_create"), reverse("api_token_revoke", args=[token.pk])]:
        response = Client().post(url, {"name": "x", "expires_on": _in(1)})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert ApiToken.objects.count() == 1
    assert not ApiToken.objects.get().is_revoked


def test_the_api_only_reads(actors):
    response = bearer(actors.moderator).post(
        api("members", "knn"), {}, content_type="application/json"
    )
    assert response.status_code == 405
    assert (
        response.json()["detail"]
        == "Die Schnittstelle liest nur; diese Anfrageart ist nicht erlaubt."
    )


def test_installing_the_api_keeps_djangos_german_form_messages():
    """rest_framework's own catalogue (informal German) must not replace Django's."""
    from django.utils.translation import gettext, override

    with override("de"):
        assert gettext("Enter a valid email address.") == "Bitte gültige E-Mail-Adresse eingeben."


def test_token_views_take_only_post(actors):
    client = actors.client(actors.coordinator)
    assert client.get(reverse("api_token_create")).status_code == 405


def test_the_profile_lists_only_my_tokens(actors):
    mine, _ = issue(actors.coordinator, name="Mein Schlüssel")
    issue(actors.other, name="Schlüssel aus Herten")
    html = actors.client(actors.coordinator).get(reverse("profile")).content.decode()
    assert "Mein Schlüssel" in html
    assert "Schlüssel aus Herten" not in html


def test_tokens_move_no_networks_data_stamp(actors, django_capture_on_commit_callbacks):
    """A key is a person's, in no network: creating, using or revoking it must not mark
    every network's figures stale (needs ApiToken in network.freshness._NOT_WATCHED)."""
    from network import freshness

    before = freshness.stamp(actors.network.pk)
    with django_capture_on_commit_callbacks(execute=True):
        token, raw = issue(actors.coordinator)
        bearer(raw).get(api("networks"))
        token.revoke()
    assert freshness.stamp(actors.network.pk) == before
