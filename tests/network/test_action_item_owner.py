"""The owner of an action item changes its status, nothing else (README, Termine:
"den Status einer Aufgabe darf außerdem die verantwortliche Person ändern"). Moderation and
experts edit the whole item.

Actors: the item belongs to Lünen and is owned by Lünen's coordinator; the moderator and the
expert edit everything; Lünen's staff (same municipality, not the owner) and Herten's
coordinator (another municipality) may not touch it; the outsider gets 404; anonymous
visitors go to the login.
"""

from datetime import date

import pytest
from django.urls import reverse

from network.models import ActionItem
from tests.factories import ActionItemFactory

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"network:{name}", args=["knn", *args])


@pytest.fixture
def item(actors):
    return ActionItemFactory(
        network=actors.network,
        title="Kriterien IT abstimmen",
        owner=actors.coordinator,
        membership=actors.luenen,
        due_on=date(2030, 6, 30),
    )


def snapshot(item):
    return ActionItem.objects.filter(pk=item.pk).values(
        "title", "owner", "membership", "due_on", "status", "version"
    )[0]


def everything(actors, item, **changes):
    """A POST with every field of the full form, as a hand-made request would send it."""
    return {
        "title": "Umgeschrieben",
        "owner": actors.other.pk,  # Herten's coordinator for a task of Herten
        "membership": actors.herten.pk,
        "due_on": "2031-01-31",
        "status": "done",
        "loaded_version": item.version,
        **changes,
    }


class TestOwner:
    def test_sees_the_status_alone(self, actors, item):
        page = actors.client(actors.coordinator).get(url("action_item_edit", item.pk))
        text = page.content.decode()
        assert page.status_code == 200
        assert 'name="status"' in text
        for field in ("title", "owner", "membership", "due_on"):
            assert f'name="{field}"' not in text, field
        # what the item asks, by when, shown as text
        assert "Status der Aufgabe ändern" in text
        assert "Kriterien IT abstimmen" in text and "Lünen" in text and "30.06.2030" in text

    def test_a_post_with_other_fields_changes_only_the_status(self, actors, item):
        response = actors.client(actors.coordinator).post(
            url("action_item_edit", item.pk), everything(actors, item)
        )
        assert response.status_code == 302
        after = snapshot(item)
        assert (after["title"], after["owner"], after["membership"], after["due_on"]) == (
            "Kriterien IT abstimmen",
            actors.coordinator.pk,
            actors.luenen.pk,
            date(2030, 6, 30),
        )
        assert after["status"] == "done" and after["version"] == item.version + 1

    def test_owner_cannot_hand_the_item_to_someone_else(self, actors, item):
        actors.client(actors.coordinator).post(
            url("action_item_edit", item.pk),
            {"owner": actors.other.pk, "status": "open", "loaded_version": item.version},
        )
        assert snapshot(item)["owner"] == actors.coordinator.pk

    def test_list_offers_the_owner_a_status_change(self, actors, item):
        text = actors.client(actors.coordinator).get(url("action_item_list")).content.decode()
        assert url("action_item_edit", item.pk) in text and "Status ändern" in text


class TestWhoEditsEverything:
    @pytest.mark.parametrize("who", ["moderator", "expert"])
    def test_moderation_and_experts_change_every_field(self, actors, item, who):
        client = actors.client(getattr(actors, who))
        page = client.get(url("action_item_edit", item.pk)).content.decode()
        for field in ("title", "owner", "membership", "due_on", "status"):
            assert f'name="{field}"' in page, field
        response = client.post(url("action_item_edit", item.pk), everything(actors, item))
        assert response.status_code == 302
        after = snapshot(item)
        assert (
            after["title"],
            after["owner"],
            after["membership"],
            after["due_on"],
            after["status"],
        ) == ("Umgeschrieben", actors.other.pk, actors.herten.pk, date(2031, 1, 31), "done")


class TestRefused:
    @pytest.mark.parametrize("who", ["staff", "other", "observer"])
    def test_members_who_do_not_own_it(self, actors, item, who):
        """Staff of the same municipality, Herten's coordinator, an observer: 403."""
        before = snapshot(item)
        client = actors.client(getattr(actors, who))
        assert client.get(url("action_item_edit", item.pk)).status_code == 403
        response = client.post(url("action_item_edit", item.pk), everything(actors, item))
        assert response.status_code == 403
        assert snapshot(item) == before
        text = client.get(url("action_item_list")).content.decode()
        assert "Kriterien IT abstimmen" in text and url("action_item_edit", item.pk) not in text

    def test_outsider_gets_404(self, actors, item):
        before = snapshot(item)
        client = actors.client(actors.outsider)
        assert client.get(url("action_item_edit", item.pk)).status_code == 404
        response = client.post(url("action_item_edit", item.pk), everything(actors, item))
        assert response.status_code == 404
        assert snapshot(item) == before

    def test_anonymous_is_sent_to_login(self, client, actors, item):
        before = snapshot(item)
        response = client.post(url("action_item_edit", item.pk), everything(actors, item))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert snapshot(item) == before

    def test_item_of_another_network_is_404_for_the_moderator(self, actors):
        foreign = ActionItemFactory(network=actors.other_network, title="Fremd")
        client = actors.client(actors.moderator)
        assert client.get(url("action_item_edit", foreign.pk)).status_code == 404
