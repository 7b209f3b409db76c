"""Issue 10, the catalogue's default: members see the network's agreed criteria in force;
imported EU GPP drafts are the moderation's working set until released (members do not see
drafts at all); moderators and experts have a tab for them."""

import re

import pytest
from django.urls import reverse

from procurement import services
from procurement.models import Criterion
from tests.procurement.factories import AdoptionFactory, CriterionFactory, ProductGroupFactory

pytestmark = pytest.mark.django_db

MEMBERS = ("coordinator", "staff", "other", "observer")


def url(name, *args):
    return reverse(f"procurement:{name}", args=["knn", *args])


def titles(html):
    return re.findall(
        r'<th scope="row"><a href="/n/knn/beschaffung/katalog/\d+/">([^<]+)</a>', html
    )


@pytest.fixture
def catalogue(actors):
    group = ProductGroupFactory(network=actors.network, name="IT-Geräte")
    make = CriterionFactory
    return {
        "agreed": make(network=actors.network, product_group=group, title="Monitore"),
        "own": make(
            network=actors.network, product_group=group, title="Eigene Regel", source="own"
        ),
        "draft": make(
            network=actors.network,
            product_group=group,
            status="draft",
            source="eu_gpp",
            title="Energy efficiency of displays",
        ),
        "retired": make(
            network=actors.network, product_group=group, status="retired", title="Alte Regel"
        ),
    }


def test_members_see_the_agreed_criteria_by_default_and_never_a_draft(actors, catalogue):
    for who in MEMBERS:
        client = actors.client(getattr(actors, who))
        html = client.get(url("criterion_list")).content.decode()
        assert sorted(titles(html)) == ["Eigene Regel", "Monitore"], who
        assert "Entwurf" not in re.search(r'<select name="status".*?</select>', html, re.S).group(0)
        for query in ({"status": "draft"}, {"status": ""}, {"q": "energy"}):
            found = titles(client.get(url("criterion_list"), query).content.decode())
            assert "Energy efficiency of displays" not in found, (who, query)
        retired = client.get(url("criterion_list"), {"status": "retired"}).content.decode()
        assert titles(retired) == ["Alte Regel"]
        assert client.get(url("criterion_detail", catalogue["draft"].pk)).status_code == 404
        assert client.get(url("criterion_detail", catalogue["agreed"].pk)).status_code == 200
        index = client.get(url("index")).content.decode()
        assert "(2 Kriterien)" in index


def test_while_a_new_revision_is_drafted_members_keep_the_agreed_wording(actors, catalogue):
    old = catalogue["agreed"]
    new = services.criterion_revise(criterion=old, changes={"title": "Monitore (neu)"})
    assert new.status == "draft" and new.is_current
    client = actors.client(actors.coordinator)
    html = client.get(url("criterion_list")).content.decode()
    assert "Monitore" in titles(html) and "Monitore (neu)" not in titles(html)
    detail = client.get(url("criterion_detail", old.pk)).content.decode()
    assert "Monitore (neu)" not in detail  # the draft revision is not listed either
    new.status = Criterion.Status.AGREED
    new.save()
    html = client.get(url("criterion_list")).content.decode()
    assert "Monitore (neu)" in titles(html) and "Monitore" not in titles(html)


def test_a_draft_a_member_took_up_stays_reachable_from_its_adoption(actors, catalogue):
    draft = catalogue["draft"]
    AdoptionFactory(membership=actors.luenen, criterion=draft)
    assert (
        actors.client(actors.coordinator).get(url("criterion_detail", draft.pk)).status_code == 200
    )


@pytest.mark.parametrize("who", ["moderator", "expert"])
def test_the_moderation_has_a_tab_for_its_drafts(actors, catalogue, who):
    client = actors.client(getattr(actors, who))
    html = client.get(url("criterion_list")).content.decode()
    assert sorted(titles(html)) == ["Eigene Regel", "Monitore"]
    tabs = re.search(r'<ul class="nav nav-tabs.*?</ul>', html, re.S).group(0)
    assert 'href="?status=agreed" aria-current="page">Abgestimmt (2)' in tabs
    assert ">Entwürfe (1)</a>" in tabs and ">Zurückgezogen (1)</a>" in tabs
    drafts = client.get(url("criterion_list"), {"status": "draft"}).content.decode()
    assert titles(drafts) == ["Energy efficiency of displays"]
    everything = client.get(url("criterion_list"), {"status": ""}).content.decode()
    assert len(titles(everything)) == 4
    assert client.get(url("criterion_detail", catalogue["draft"].pk)).status_code == 200


def test_nobody_outside_sees_the_catalogue(actors, client, catalogue):
    assert client.get(url("criterion_list"))["Location"].startswith(reverse("login"))
    assert actors.client(actors.outsider).get(url("criterion_list")).status_code == 404


@pytest.mark.parametrize("size", [3, 30])
def test_the_catalogue_costs_the_same_queries_at_any_size(
    actors, size, django_assert_max_num_queries
):
    group = ProductGroupFactory(network=actors.network)
    CriterionFactory.create_batch(size, network=actors.network, product_group=group)
    CriterionFactory.create_batch(size, network=actors.network, product_group=group, status="draft")
    for who in ("moderator", "coordinator"):
        client = actors.client(getattr(actors, who))
        with django_assert_max_num_queries(14):
            response = client.get(url("criterion_list"))
        assert len(titles(response.content.decode())) == size
