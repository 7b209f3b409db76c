"""The header search (network.search, /suche/): what each person finds in their networks
and nothing else, umlauts and German word forms, highlights, messages and query counts.

Runs on SQLite and on PostgreSQL; the tests of the German full-text search itself are
marked for PostgreSQL, those of the simpler fallback for SQLite."""

from datetime import datetime

import pytest
from django.core import checks
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from building.models import Guideline
from network import plugins
from network.models import Decision, Document, Meeting
from network.search import (
    MAX_QUERY_LENGTH,
    PER_KIND,
    Query,
    excerpt,
    fold,
    highlight,
    sources,
    strip_markdown,
)
from tests.building.factories import GuidelineFactory, ProjectFactory
from tests.factories import MeetingFactory
from tests.procurement.factories import CriterionFactory

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="German full-text search of PostgreSQL"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite fallback")

URL = reverse("network:search")


def meeting(network, *, minutes="", released=True, title=None, **kwargs):
    fields = {"network": network, "minutes": minutes, **kwargs}
    if title:
        fields["title"] = title
    if hasattr(Meeting, "minutes_status"):
        fields["minutes_status"] = "released" if released else "draft"
    return MeetingFactory(**fields)


def document(meeting, title):
    return Document.objects.create(
        network=meeting.network,
        meeting=meeting,
        title=title,
        file="documents/x.pdf",
        original_name="folien.pdf",
        content_type="application/pdf",
        size=10,
    )


@pytest.fixture
def items(actors):
    """One thing of each kind in KNN that mentions the Kämmerei, the drafts among them,
    and the same words in the other network."""
    network = actors.network
    held = meeting(
        network,
        title="Netzwerktreffen Haushalt",
        minutes="Die **Kämmerei** berichtet über die Lebenszykluskosten.",
    )
    draft_minutes = meeting(
        network, title="Workshop Wärme", minutes="Kämmerei: noch nicht abgestimmt", released=False
    )
    decision = Decision.objects.create(
        meeting=held, text="Die Kämmerei prüft die Lebenszykluskosten bis zum Herbst."
    )
    return {
        "minutes": held,
        "draft_minutes": draft_minutes,
        "decision": decision,
        "document": document(held, "Folien der Kämmerei"),
        "criterion": CriterionFactory(
            network=network,
            product_group__network=network,
            title="Lebenszykluskosten in der Wertung",
            description="Die Kämmerei rechnet die Kosten über die Nutzungsdauer.",
        ),
        "draft_criterion": CriterionFactory(
            network=network,
            product_group__network=network,
            title="Kämmerei-Entwurf Recyclingpapier",
            status="draft",
        ),
        "guideline": GuidelineFactory(
            network=network,
            title="Wärmepumpen in Schulen",
            body="# Wärme\n\nDie **Kämmerei** gibt die Mittel frei. [Mehr](https://example.org)",
        ),
        "draft_guideline": GuidelineFactory(
            network=network,
            title="Kämmerei und Sanierung (Entwurf)",
            status=Guideline.Status.DRAFT,
        ),
        "project": ProjectFactory(membership=actors.luenen, name="Rathaus der Kämmerei"),
        "foreign": [
            meeting(actors.other_network, title="Hellweg-Treffen", minutes="Kämmerei Hamm"),
            CriterionFactory(
                network=actors.other_network,
                product_group__network=actors.other_network,
                title="Kämmerei Hamm Kriterium",
            ),
            GuidelineFactory(network=actors.other_network, title="Kämmerei Hamm Leitlinie"),
            ProjectFactory(membership=actors.other_membership, name="Kämmerei Hamm Neubau"),
        ],
    }


def found(client, q, **params):
    response = client.get(URL, {"q": q, **params})
    assert response.status_code == 200
    return {group.key: [hit.url for hit in group.hits] for group in response.context["groups"]}


def urls(*objects):
    """The pages the search links to, by object."""
    result = []
    for obj in objects:
        if isinstance(obj, Meeting):
            args = [obj.network.slug, obj.pk]
            result.append(reverse("network:meeting_detail", args=args) + "#minutes-heading")
        elif isinstance(obj, Decision):
            args = [obj.meeting.network.slug, obj.meeting_id]
            result.append(reverse("network:meeting_detail", args=args) + "#decisions-heading")
        elif isinstance(obj, Document):
            args = [obj.network.slug, obj.meeting_id, obj.pk]
            result.append(reverse("network:document_download", args=args))
        elif obj._meta.model_name == "case":
            result.append(reverse("network:case_detail", args=[obj.network.slug, obj.pk]))
        elif isinstance(obj, Guideline):
            result.append(reverse("building:guideline_detail", args=[obj.network.slug, obj.pk]))
        elif obj._meta.model_name == "criterion":
            result.append(reverse("procurement:criterion_detail", args=[obj.network.slug, obj.pk]))
        else:
            slug = obj.membership.network.slug
            result.append(reverse("building:project_detail", args=[slug, obj.pk]))
    return result


# --- who finds what ---------------------------------------------------------------------------


def test_anonymous_visitors_go_to_the_login(client):
    response = client.get(URL, {"q": "Kämmerei"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_member_finds_every_kind_but_no_drafts(actors, items):
    hits = found(actors.client(actors.staff), "Kämmerei")
    assert hits == {
        "protokolle": urls(items["minutes"]),
        "beschluesse": urls(items["decision"]),
        "dokumente": urls(items["document"]),
        "kriterien": urls(items["criterion"]),
        "leitlinien": urls(items["guideline"]),
        "bauvorhaben": urls(items["project"]),
    }


@pytest.mark.parametrize("who", ["moderator", "expert"])
def test_the_moderation_and_experts_find_the_drafts_too(actors, items, who):
    hits = found(actors.client(getattr(actors, who)), "Kämmerei")
    assert set(hits["kriterien"]) == set(urls(items["criterion"], items["draft_criterion"]))
    assert set(hits["leitlinien"]) == set(urls(items["guideline"], items["draft_guideline"]))
    if hasattr(Meeting, "minutes_status"):
        assert set(hits["protokolle"]) == set(urls(items["minutes"], items["draft_minutes"]))


@pytest.mark.parametrize("who", ["observer", "coordinator", "other"])
def test_members_and_observers_read_what_the_network_released(actors, items, who):
    hits = found(actors.client(getattr(actors, who)), "Kämmerei")
    assert hits["kriterien"] == urls(items["criterion"])
    assert hits["leitlinien"] == urls(items["guideline"])
    # A member of another municipality reads the projects of every member, as on the list.
    assert hits["bauvorhaben"] == urls(items["project"])


@pytest.mark.skipif(not hasattr(Meeting, "minutes_status"), reason="no minutes release yet")
def test_draft_minutes_stay_with_those_who_write_them(actors, items):
    assert found(actors.client(actors.staff), "abgestimmt") == {}
    assert found(actors.client(actors.expert), "abgestimmt") == {
        "protokolle": urls(items["draft_minutes"])
    }


def test_an_outsider_finds_only_their_own_network(actors, items):
    hits = found(actors.client(actors.outsider), "Kämmerei")
    assert hits == {
        "protokolle": urls(items["foreign"][0]),
        "kriterien": urls(items["foreign"][1]),
        "leitlinien": urls(items["foreign"][2]),
        "bauvorhaben": urls(items["foreign"][3]),
    }
    page = actors.client(actors.outsider).get(URL, {"q": "Lebenszykluskosten"})
    assert page.context["groups"] == []
    assert "Keine Treffer." in page.content.decode()


def test_a_member_finds_nothing_of_the_other_network(actors, items):
    hits = found(actors.client(actors.moderator), "Hamm")
    assert hits == {}


def test_narrowing_to_a_network_that_is_not_theirs_is_404(actors, items):
    outsider = actors.client(actors.outsider)
    assert outsider.get(URL, {"q": "Kämmerei", "netz": "knn"}).status_code == 404
    assert outsider.get(URL, {"q": "Kämmerei", "netz": "gibt-es-nicht"}).status_code == 404
    assert outsider.get(URL, {"q": "Kämmerei", "netz": "hellweg"}).status_code == 200


def test_narrowing_to_one_of_two_networks(actors, items):
    from tests.factories import RoleFactory

    RoleFactory(user=actors.moderator, network=actors.other_network, kind="observer")
    client = actors.client(actors.moderator)
    assert set(found(client, "Hamm")) == {"protokolle", "kriterien", "leitlinien", "bauvorhaben"}
    assert found(client, "Hamm", netz="knn") == {}
    page = client.get(URL, {"q": "Hamm"}).content.decode()
    assert "Klimanetzwerk Hellweg" in page  # with several networks each hit names its own


def case(actors, *, confidentiality, owner=None, membership=None, title):
    from network.models import Case

    return Case.objects.create(
        network=actors.network,
        membership=membership or actors.luenen,
        owner=owner or actors.staff,
        title=title,
        description="Die **Kämmerei** lehnt die Lebenszykluskosten ab. Was tun?",
        confidentiality=confidentiality,
    )


def test_cases_are_found_as_confidential_as_they_are(actors):
    open_case = case(actors, confidentiality="network", title="Wertung mit Lebenszykluskosten")
    kept = case(actors, confidentiality="moderation", title="Streit mit der Kämmerei")
    both = {"faelle": urls(kept, open_case)}
    for who in ["moderator", "staff", "coordinator"]:  # the moderation, owner, coordinator
        assert found(actors.client(getattr(actors, who)), "Kämmerei") == both, who
    for who in ["expert", "observer", "other"]:
        assert found(actors.client(getattr(actors, who)), "Kämmerei") == {
            "faelle": urls(open_case)
        }, who
    assert found(actors.client(actors.outsider), "Kämmerei") == {}
    assert found(actors.client(actors.other), "Streit") == {}


# --- umlauts and word forms ---------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Kämmerei", "Kaemmerei", "Kammerei", "KÄMMEREI", "kämmerei"])
def test_umlauts_may_be_typed_any_way(actors, items, typed):
    assert found(actors.client(actors.staff), typed)["bauvorhaben"] == urls(items["project"])


def test_an_umlaut_in_the_text_is_found_by_its_spellings(actors):
    project = ProjectFactory(membership=actors.luenen, name="Grundschule Schönebeck")
    client = actors.client(actors.staff)
    for typed in ["Schönebeck", "Schoenebeck", "Schonebeck"]:
        assert found(client, typed) == {"bauvorhaben": urls(project)}, typed


def test_every_word_must_occur(actors, items):
    client = actors.client(actors.staff)
    assert found(client, "Kämmerei Wärmepumpen") == {"leitlinien": urls(items["guideline"])}
    assert found(client, "Kämmerei Zauberwort") == {}


def test_fold_is_the_same_in_python_and_in_the_database(actors):
    ProjectFactory(membership=actors.luenen, name="Straße ÄÖÜ äöü Maßnahme Quelle")
    from building.models import BuildingProject
    from network.search import fold_expression

    folded = BuildingProject.objects.annotate(f=fold_expression("name")).get().f
    assert folded == fold("Straße ÄÖÜ äöü Maßnahme Quelle") == "strasse aou aou massnahme qulle"


@postgresql_only
def test_german_stemming_finds_other_forms_of_a_word(actors):
    criterion = CriterionFactory(
        network=actors.network,
        product_group__network=actors.network,
        title="Das Kriterium der Lebenszykluskosten",
    )
    client = actors.client(actors.staff)
    assert found(client, "Kriterien") == {"kriterien": urls(criterion)}
    assert found(client, "Lebenszykluskosten") == {"kriterien": urls(criterion)}
    assert found(client, "Lebenszyklus") == {"kriterien": urls(criterion)}  # a prefix
    # Stop words are no words to look for: „der“ alone finds nothing.
    assert found(client, "der") == {}


@postgresql_only
def test_the_title_ranks_above_the_text(actors):
    in_text = CriterionFactory(
        network=actors.network,
        product_group__network=actors.network,
        title="Papier",
        description="Recycling von Papier ist wichtig. Recycling, Recycling.",
    )
    in_title = CriterionFactory(
        network=actors.network,
        product_group__network=actors.network,
        title="Recycling",
        description="Papier",
    )
    assert found(actors.client(actors.staff), "Recycling")["kriterien"] == urls(in_title, in_text)


@sqlite_only
def test_the_fallback_ranks_by_how_often_the_words_occur(actors):
    once = ProjectFactory(membership=actors.luenen, name="Sporthalle Nord")
    thrice = ProjectFactory(
        membership=actors.luenen, name="Sporthalle Süd", description="Sporthalle, Sporthalle"
    )
    assert found(actors.client(actors.staff), "sporthalle")["bauvorhaben"] == urls(thrice, once)


@sqlite_only
def test_the_fallback_finds_parts_of_words(actors):
    project = ProjectFactory(membership=actors.luenen, name="Lebenszykluskosten-Studie")
    assert found(actors.client(actors.staff), "zykluskost") == {"bauvorhaben": urls(project)}


# --- highlights and excerpts ------------------------------------------------------------------


def test_highlights_escape_the_text_and_mark_the_matches():
    marked = highlight('<script>alert("x")</script> Kämmerei & Co', Query.parse("kaemmerei").words)
    assert marked == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>Kämmerei</mark> &amp; Co"
    )


def test_a_match_is_marked_to_the_end_of_its_word():
    assert highlight("Das Kriterium", ("kriterien",)) == "Das <mark>Kriterium</mark>"
    assert highlight("Straße", ("strasse",)) == "<mark>Straße</mark>"


def test_the_excerpt_is_cut_around_the_first_match():
    text = "Vorwort " * 60 + "Hier berichtet die Kämmerei. " + "Nachwort " * 60
    shown = excerpt([text], ("kammerei",))
    assert shown.startswith("… ") and shown.endswith(" …")
    assert "<mark>Kämmerei</mark>" in shown
    plain = shown.replace("<mark>", "").replace("</mark>", "")
    assert 150 <= len(plain) <= 210


def test_an_excerpt_without_a_match_begins_at_the_beginning():
    assert excerpt(["", "Kurzer Text."], ("zauber",)) == "Kurzer Text."


def test_markdown_is_searched_and_shown_as_plain_text(actors, items):
    response = actors.client(actors.staff).get(URL, {"q": "Kämmerei Mittel"})
    (group,) = response.context["groups"]
    shown = str(group.hits[0].excerpt)
    assert shown == "Wärme Die <mark>Kämmerei</mark> gibt die <mark>Mittel</mark> frei. Mehr"
    assert (
        strip_markdown("## Titel\n\n- **fett** und `Code` | Zelle")
        == "Titel\n\nfett und Code   Zelle"
    )


def test_a_hit_shows_escaped_what_people_wrote(actors):
    ProjectFactory(membership=actors.luenen, name="<b>Turnhalle</b>")
    page = actors.client(actors.staff).get(URL, {"q": "Turnhalle"}).content.decode()
    assert "&lt;b&gt;<mark>Turnhalle</mark>&lt;/b&gt;" in page
    assert "<b>Turnhalle" not in page


# --- the page ---------------------------------------------------------------------------------


def test_groups_have_a_heading_with_the_count_and_a_link_to_all(actors):
    for n in range(PER_KIND + 2):
        ProjectFactory(membership=actors.luenen, name=f"Feuerwache {n}")
    client = actors.client(actors.staff)
    response = client.get(URL, {"q": "Feuerwache"})
    page = response.content.decode()
    (group,) = response.context["groups"]
    assert (group.total, len(group.hits)) == (PER_KIND + 2, PER_KIND)
    assert "Alle 7 anzeigen: Bauvorhaben" in page
    assert 'href="?q=Feuerwache&amp;art=bauvorhaben"' in page

    all_of_them = client.get(URL, {"q": "Feuerwache", "art": "bauvorhaben"})
    assert len(all_of_them.context["groups"][0].hits) == PER_KIND + 2
    assert "Suche: Bauvorhaben" in all_of_them.content.decode()


def test_the_page_of_one_kind_is_paginated(actors, monkeypatch):
    monkeypatch.setattr("network.views.search.PAGE_SIZE", 2)
    for n in range(5):
        ProjectFactory(membership=actors.luenen, name=f"Feuerwache {n}")
    client = actors.client(actors.staff)
    seen = []
    for page in (1, 2, 3):
        response = client.get(URL, {"q": "Feuerwache", "art": "bauvorhaben", "page": page})
        (group,) = response.context["groups"]
        assert group.total == 5
        seen.extend(group.hits)
        assert ("Weiter" in response.content.decode()) == (page < 3)
    assert len({hit.url for hit in seen}) == 5
    past = client.get(URL, {"q": "Feuerwache", "art": "bauvorhaben", "page": 9})
    assert past.status_code == 200
    assert past.context["groups"][0].hits == []


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Bitte geben Sie einen Suchbegriff ein."),
        ("   ", "Bitte geben Sie einen Suchbegriff ein."),
        ("ab", "Bitte geben Sie mindestens drei Buchstaben oder Ziffern ein."),
        ("!!! ??? …", "Bitte geben Sie mindestens drei Buchstaben oder Ziffern ein."),
        ("Zauberwort", "Keine Treffer."),
    ],
)
def test_empty_short_and_fruitless_queries_say_what_to_do(actors, items, q, message):
    response = actors.client(actors.staff).get(URL, {"q": q})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["groups"] == []


def test_a_long_query_is_cut(actors, items):
    response = actors.client(actors.staff).get(URL, {"q": "Kämmerei " + "x" * 5000})
    assert response.status_code == 200
    assert len(response.context["query"].text) == MAX_QUERY_LENGTH


def test_unknown_kinds_and_page_numbers_are_ignored(actors, items):
    client = actors.client(actors.staff)
    for params in [{"art": "gibt-es-nicht"}, {"page": "-3"}, {"page": "zwei"}, {"page": "9" * 40}]:
        assert client.get(URL, {"q": "Kämmerei", **params}).status_code == 200


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=st.text(max_size=300), netz=st.sampled_from(["", "knn"]), art=st.text(max_size=20))
def test_no_input_gives_a_server_error(actors, q, netz, art):
    client = actors.client(actors.staff)
    response = client.get(URL, {"q": q, "netz": netz, "art": art})
    assert response.status_code == 200


def test_the_header_has_a_search_landmark_for_people_logged_in(actors, client):
    page = actors.client(actors.staff).get(reverse("network:home")).content.decode()
    assert '<form role="search" method="get" action="/suche/"' in page
    assert '<label for="header-search-q" class="visually-hidden">' in page
    assert 'role="search"' not in client.get(reverse("login")).content.decode()


# --- a fixed number of queries --------------------------------------------------------------


def _fill(actors, n):
    network = actors.network
    for i in range(n):
        held = meeting(network, minutes=f"Feuerwache {i} besprochen")
        Decision.objects.create(meeting=held, text=f"Feuerwache {i} wird gebaut")
        document(held, f"Plan Feuerwache {i}")
        CriterionFactory(network=network, product_group__network=network, title=f"Feuerwache {i}")
        GuidelineFactory(network=network, title=f"Feuerwache {i}")
        ProjectFactory(membership=actors.luenen, name=f"Feuerwache {i}")
        case(actors, confidentiality="moderation", title=f"Feuerwache {i}")


@pytest.mark.parametrize("who", ["staff", "moderator"])
@pytest.mark.parametrize("params", [{}, {"art": "bauvorhaben"}, {"netz": "knn"}])
def test_the_number_of_queries_is_fixed(actors, who, params):
    client = actors.client(getattr(actors, who))
    counts = []
    for rows, more in [(2, 2), (6, 4)]:
        _fill(actors, more)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"q": "Feuerwache", **params})
        assert response.status_code == 200
        assert sum(group.total for group in response.context["groups"]) == rows * (
            1 if "art" in params else len(sources())
        )
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Session and user, the person's roles, one query per kind, the header's own.
    assert counts[0] <= len(sources()) + 8, counts


# --- the hook -----------------------------------------------------------------------------


def test_the_topic_apps_offer_their_sources_through_the_hook():
    assert "search_sources" in plugins.HOOKS
    assert [source.__module__ for source in plugins.objects("search_sources")] == [
        "procurement.search",
        "building.search",
        "building.search",
    ]
    assert [e for e in checks.run_checks() if e.id.startswith("network.E01")] == []
    keys = [source.key for source in sources()]
    assert len(keys) == len(set(keys))


def test_meeting_dates_are_german(actors):
    meeting(
        actors.network,
        minutes="Feuerwache",
        starts_at=timezone.make_aware(datetime(2026, 11, 24, 10)),
    )
    page = actors.client(actors.staff).get(URL, {"q": "Feuerwache"}).content.decode()
    assert "24.11.2026" in page


def test_more_networks_cost_no_more_queries(actors):
    from tests.factories import NetworkFactory, RoleFactory

    client = actors.client(actors.coordinator)
    _fill(actors, 2)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"q": "Feuerwache"}).status_code == 200
        counts.append(len(queries))
        for _ in range(3):
            network = NetworkFactory()
            RoleFactory(user=actors.coordinator, network=network, kind="observer")
            GuidelineFactory(network=network, title="Feuerwache anderswo")
    assert counts[0] == counts[1], counts
