"""Issue 10, criteria pickers: the milestone and the tender offer what fits (agreed
criteria, grouped by product group), keep the links they have unless someone unticks
them — also links to criteria no longer offered — and the pages keep their permissions."""

import re
from datetime import date

import pytest
from django.urls import reverse

from procurement import services
from procurement.models import Adoption, Criterion, Milestone, Tender
from tests.forms_html import form_with
from tests.procurement.factories import (
    AdoptionFactory,
    CriterionFactory,
    MilestoneFactory,
    ProductGroupFactory,
    RoadmapFactory,
    TenderFactory,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"procurement:{name}", args=["knn", *args])


def offered(html, name):
    """{value: group legend} of the picker's checkboxes named `name`."""
    result = {}
    for fieldset in re.findall(r"<fieldset class=\"picker-group\".*?</fieldset>", html, re.S):
        legend = re.search(r"<legend[^>]*>(.*?)</legend>", fieldset, re.S).group(1).strip()
        for value in re.findall(rf'name="{name}" value="(\d+)"', fieldset):
            result[int(value)] = legend
    return result


@pytest.fixture
def catalogue(actors):
    paper = ProductGroupFactory(network=actors.network, name="Papier", position=1)
    it = ProductGroupFactory(network=actors.network, name="IT-Geräte", position=2)
    make = CriterionFactory
    return {
        "paper": paper,
        "it": it,
        "recycled": make(network=actors.network, product_group=paper, title="Recyclingpapier"),
        "monitors": make(network=actors.network, product_group=it, title="Monitore"),
        "draft": make(
            network=actors.network, product_group=it, title="EU GPP draft", status="draft"
        ),
        "retired": make(
            network=actors.network, product_group=paper, title="Altpapier", status="retired"
        ),
    }


class TestMilestone:
    def test_offers_the_networks_agreed_criteria_grouped_by_product_group(self, actors, catalogue):
        page = actors.client(actors.coordinator).get(url("milestone_create", "luenen"))
        choices = offered(page.content.decode(), "criteria")
        assert choices == {
            catalogue["recycled"].pk: "Papier",
            catalogue["monitors"].pk: "IT-Geräte",
        }  # no draft (the moderation's working set), nothing retired
        assert "<select" not in page.content.decode().split('id="div_id_criteria"')[1][:2000]

    def test_posting_the_page_untouched_keeps_every_link(self, actors, catalogue):
        milestone = MilestoneFactory(roadmap=RoadmapFactory(membership=actors.luenen))
        # linked to one offered criterion and one no longer offered (retired since)
        milestone.criteria.set([catalogue["monitors"], catalogue["retired"]])
        client = actors.client(actors.coordinator)
        address = url("milestone_edit", "luenen", milestone.pk)
        html = client.get(address).content.decode()
        assert offered(html, "criteria")[catalogue["retired"].pk] == "Papier"
        assert "Altpapier (Technische Spezifikation, Kernkriterium) – zurückgezogen" in html
        form = form_with(html, "title")
        response = client.post(address, {**form.data, "title": "Neu benannt"})
        assert response.status_code == 302
        milestone.refresh_from_db()
        assert milestone.title == "Neu benannt"
        assert set(milestone.criteria.all()) == {catalogue["monitors"], catalogue["retired"]}

    def test_a_link_to_an_older_revision_is_kept_and_unticking_removes_it(self, actors, catalogue):
        milestone = MilestoneFactory(roadmap=RoadmapFactory(membership=actors.luenen))
        old = catalogue["recycled"]
        milestone.criteria.set([old])
        new = services.criterion_revise(criterion=old, changes={"title": "Recyclingpapier 2"})
        client = actors.client(actors.coordinator)
        address = url("milestone_edit", "luenen", milestone.pk)
        html = client.get(address).content.decode()
        label = "Recyclingpapier (Technische Spezifikation, Kernkriterium)"
        assert f"{label} – Fassung 1, nicht mehr aktuell" in html
        assert new.pk not in offered(html, "criteria")  # a draft: not yet offered
        client.post(address, form_with(html, "title").data)
        assert list(Milestone.objects.get(pk=milestone.pk).criteria.all()) == [old]
        data = dict(form_with(client.get(address).content.decode(), "title").data)
        data["criteria"] = [c for c in data["criteria"] if c != str(old.pk)]
        client.post(address, data)
        assert not Milestone.objects.get(pk=milestone.pk).criteria.exists()

    def test_action_items_are_grouped_by_meeting(self, actors, catalogue):
        from network.models import Decision
        from tests.factories import ActionItemFactory, MeetingFactory

        meeting = MeetingFactory(network=actors.network, title="2. Netzwerktreffen")
        decision = Decision.objects.create(meeting=meeting, text="Kriterien beschließen")
        item = ActionItemFactory(network=actors.network, decision=decision, title="Entwurf")
        loose = ActionItemFactory(network=actors.network, title="Ohne Beschluss")
        html = actors.client(actors.coordinator).get(url("milestone_create", "luenen"))
        groups = offered(html.content.decode(), "action_items")
        assert groups[item.pk].startswith("2. Netzwerktreffen (")
        assert groups[loose.pk] == "Aufgaben ohne Treffen"


class TestTender:
    def test_offers_what_the_member_agreed_grouped_and_following_the_product_group(
        self, actors, catalogue
    ):
        for key in ("recycled", "monitors"):
            AdoptionFactory(
                membership=actors.luenen, criterion=catalogue[key], status=Adoption.Status.AGREED
            )
        # What Herten agreed is not Lünen's to apply.
        AdoptionFactory(membership=actors.herten, criterion=catalogue["retired"], status="agreed")
        html = (
            actors.client(actors.coordinator).get(url("tender_create", "luenen")).content.decode()
        )
        assert offered(html, "applied_criteria") == {
            catalogue["recycled"].pk: "Papier",
            catalogue["monitors"].pk: "IT-Geräte",
        }
        # picker.js shows only the group picked as product group
        assert 'data-picker-follows="id_product_group"' in html
        assert f'data-group-key="{catalogue["paper"].pk}"' in html
        assert '<select name="product_group"' in html and 'id="id_product_group"' in html

    def test_keeps_what_it_applied_and_refuses_another_groups_criteria(self, actors, catalogue):
        tender = TenderFactory(
            membership=actors.luenen,
            product_group=catalogue["paper"],
            published_on=date(2025, 5, 2),
        )
        tender.applied_criteria.add(catalogue["recycled"])  # agreement withdrawn since
        AdoptionFactory(membership=actors.luenen, criterion=catalogue["monitors"], status="agreed")
        client = actors.client(actors.coordinator)
        address = url("tender_edit", "luenen", tender.pk)
        html = client.get(address).content.decode()
        assert catalogue["recycled"].pk in offered(html, "applied_criteria")
        form = form_with(html, "title")
        assert client.post(address, {**form.data, "title": "Kopierpapier"}).status_code == 302
        assert list(Tender.objects.get().applied_criteria.all()) == [catalogue["recycled"]]
        data = {**form.data, "applied_criteria": [str(catalogue["monitors"].pk)]}
        page = client.post(address, data).content.decode()
        assert "Diese Kriterien gehören nicht zur Warengruppe: Monitore" in page


class TestPermissions:
    """The pages that changed: who gets the form, who 403, who 404."""

    @pytest.fixture
    def pages(self, actors, catalogue):
        milestone = MilestoneFactory(roadmap=RoadmapFactory(membership=actors.luenen))
        tender = TenderFactory(membership=actors.luenen, product_group=catalogue["paper"])
        return [
            url("milestone_create", "luenen"),
            url("milestone_edit", "luenen", milestone.pk),
            url("tender_create", "luenen"),
            url("tender_edit", "luenen", tender.pk),
        ]

    def test_who_gets_the_pickers(self, actors, client, pages):
        for address in pages:
            response = client.get(address)
            assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
            assert actors.client(actors.outsider).get(address).status_code == 404, address
            for who in (actors.other, actors.observer, actors.expert):
                assert actors.client(who).get(address).status_code == 403, address
            for who in (actors.moderator, actors.coordinator, actors.staff):
                page = actors.client(who).get(address)
                assert page.status_code == 200, address
                assert 'id="div_id_title"' in page.content.decode(), address

    def test_template_milestones_are_the_moderators(self, actors, catalogue):
        address = url("template_milestone_create")
        assert actors.client(actors.moderator).get(address).status_code == 200
        for who in (actors.coordinator, actors.staff, actors.other, actors.expert):
            assert actors.client(who).get(address).status_code == 403
        assert actors.client(actors.outsider).get(address).status_code == 404


def test_the_offer_costs_the_same_queries_for_many_criteria(actors, django_assert_max_num_queries):
    group = ProductGroupFactory(network=actors.network)
    client = actors.client(actors.coordinator)
    for size in (3, 60):
        CriterionFactory.create_batch(size, network=actors.network, product_group=group)
        with django_assert_max_num_queries(14):
            response = client.get(url("milestone_create", "luenen"))
        assert response.content.decode().count('name="criteria"') == Criterion.objects.count()
