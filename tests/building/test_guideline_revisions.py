"""Revisions of a guideline saved as drafts stay with the moderation and the experts, also
after a later revision is published: `?fassung=N` of a draft revision is 404 for members,
and the version list does not offer it.

Actors: the expert writes; the moderator reads every revision; Lünen's coordinator and
Herten's coordinator read what was published; the outsider gets 404; anonymous visitors
go to the login.
"""

import pytest
from django.urls import reverse

from building.models import Guideline

pytestmark = pytest.mark.django_db


def u(name, *args):
    return reverse(f"building:{name}", args=["knn", *args])


def save(client, guideline, body, status):
    response = client.post(
        u("guideline_edit", guideline.pk),
        {
            "title": "Leitlinie Holzbau",
            "body": body,
            "status": status,
            "loaded_version": guideline.version,
        },
    )
    assert response.status_code == 302
    guideline.refresh_from_db()


@pytest.fixture
def guideline(actors, data):
    """Fassung 1 published, Fassung 2 a draft nobody outside the moderation saw, Fassung 3
    published again."""
    expert = actors.client(actors.expert)
    response = expert.post(
        u("guideline_create"),
        {"title": "Leitlinie Holzbau", "body": "Erste Fassung öffentlich", "status": "published"},
    )
    assert response.status_code == 302
    g = Guideline.objects.get(title="Leitlinie Holzbau")
    save(expert, g, "Geheimer Entwurf mit Kostenschätzung", "draft")
    save(expert, g, "Dritte Fassung öffentlich", "published")
    assert (g.revision, g.status) == (3, "published")
    return g


def detail(client, guideline, revision=None):
    query = {} if revision is None else {"fassung": revision}
    return client.get(u("guideline_detail", guideline.pk), query)


@pytest.mark.parametrize("who", ["coordinator", "other", "staff", "observer"])
def test_members_never_see_a_draft_revision(actors, guideline, who):
    client = actors.client(getattr(actors, who))
    page = detail(client, guideline).content.decode()
    assert "Dritte Fassung öffentlich" in page
    assert "?fassung=1" in page and "?fassung=3" in page
    assert "?fassung=2" not in page  # the version list does not offer the draft
    assert "Geheimer Entwurf" not in page
    assert detail(client, guideline, 2).status_code == 404
    old = detail(client, guideline, 1)
    assert old.status_code == 200 and "Erste Fassung öffentlich" in old.content.decode()


@pytest.mark.parametrize("who", ["moderator", "expert"])
def test_moderation_and_experts_see_every_revision(actors, guideline, who):
    client = actors.client(getattr(actors, who))
    page = detail(client, guideline).content.decode()
    assert "?fassung=1" in page and "?fassung=2" in page and "?fassung=3" in page
    draft = detail(client, guideline, 2)
    assert draft.status_code == 200
    text = draft.content.decode()
    assert "Geheimer Entwurf mit Kostenschätzung" in text and "ältere Fassung 2" in text


def test_a_draft_published_later_hides_its_draft_revisions(actors, data):
    """The case of the audit: written as a draft, then published — the draft text of
    Fassung 1 stays hidden from members."""
    expert = actors.client(actors.expert)
    expert.post(
        u("guideline_create"),
        {"title": "Leitlinie Holzbau", "body": "Unfertiger Entwurf", "status": "draft"},
    )
    g = Guideline.objects.get(title="Leitlinie Holzbau")
    save(expert, g, "Beschlossene Fassung", "published")
    coordinator = actors.client(actors.coordinator)
    page = detail(coordinator, g).content.decode()
    assert "Beschlossene Fassung" in page and "?fassung=1" not in page
    assert detail(coordinator, g, 1).status_code == 404
    moderator = actors.client(actors.moderator)
    assert "Unfertiger Entwurf" in detail(moderator, g, 1).content.decode()


def test_outsider_and_anonymous(client, actors, guideline):
    assert detail(actors.client(actors.outsider), guideline, 1).status_code == 404
    assert detail(actors.client(actors.outsider), guideline, 2).status_code == 404
    response = detail(client, guideline, 2)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
