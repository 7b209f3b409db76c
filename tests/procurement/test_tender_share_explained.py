"""The tender share says why: the tender list marks which tenders count and which agreed
criterion each one misses, saving a tender tells the person, and the rule is on the page.

The example of issue 12: Lünen agreed 4 criteria of „Reinigung“; a tender applying all 4
counts „mit Kriterien“, one applying 3 of 4 counts „ohne Kriterien“ (50 % by count), and a
tender of a product group without agreed criteria is left out of both."""

from datetime import date

import pytest
from django.urls import reverse

from procurement import explain
from procurement.models import Adoption, Tender
from tests.procurement.factories import (
    AdoptionFactory,
    CriterionFactory,
    ProductGroupFactory,
    TenderFactory,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"procurement:{name}", args=["knn", *args])


@pytest.fixture
def cleaning(actors):
    group = ProductGroupFactory(network=actors.network, name="Reinigung")
    titles = ["Ecolabel-Reinigungsmittel", "Dosiersysteme", "Mikrofasertücher", "Schulung"]
    criteria = [
        CriterionFactory(network=actors.network, product_group=group, title=title)
        for title in titles
    ]
    for criterion in criteria:
        AdoptionFactory(
            membership=actors.luenen,
            criterion=criterion,
            status=Adoption.Status.AGREED,
            agreed_on=date(2026, 1, 15),
        )
    full = TenderFactory(
        membership=actors.luenen,
        product_group=group,
        title="Unterhaltsreinigung Rathaus",
        estimated_value=90000,
        published_on=date(2026, 3, 1),
    )
    full.applied_criteria.set(criteria)
    short = TenderFactory(
        membership=actors.luenen,
        product_group=group,
        title="Glasreinigung Schulen",
        estimated_value=810000,
        published_on=date(2026, 6, 1),
    )
    short.applied_criteria.set(criteria[:3])  # „Schulung“ is missing
    paper = TenderFactory(
        membership=actors.luenen,
        product_group=ProductGroupFactory(network=actors.network, name="Papier"),
        title="Kopierpapier",
        published_on=date(2026, 4, 1),
    )
    return group, criteria, full, short, paper


def test_verdicts_follow_the_rule_of_the_figure(cleaning, django_assert_num_queries):
    _group, _criteria, full, short, paper = cleaning
    with django_assert_num_queries(1):
        verdicts = explain.tender_verdicts([full, short, paper])
    assert verdicts[full.pk].compliant and verdicts[full.pk].applied == 4
    assert not verdicts[short.pk].compliant and verdicts[short.pk].relevant
    assert verdicts[short.pk].missing == ("Schulung",)
    assert (verdicts[short.pk].applied, verdicts[short.pk].required) == (3, 4)
    assert not verdicts[paper.pk].relevant
    assert verdicts[short.pk].message() == (
        "Diese Vergabe zählt als ohne Kriterien, weil 1 von 4 vereinbarten Kriterien ihrer "
        "Warengruppe fehlt: Schulung."
    )


def test_a_criterion_agreed_after_publication_is_named(actors, cleaning):
    _group, criteria, _full, short, _paper = cleaning
    Adoption.objects.filter(criterion=criteria[3]).update(agreed_on=date(2026, 9, 1))
    verdict = explain.tender_verdicts([short])[short.pk]
    assert not verdict.compliant  # the rule stays: the agreement counts as it is now
    assert "Erst nach der Veröffentlichung zugestimmt: Schulung." in verdict.reason


def test_tender_list_marks_each_tender_and_states_the_rule(actors, cleaning):
    _group, _criteria, full, short, paper = cleaning
    page = actors.client(actors.other).get(url("tender_list", "luenen")).content.decode()
    assert "So zählt der Anteil der Ausschreibungen mit Kriterien" in page
    assert "fehlt auch nur eines, zählt sie als „ohne Kriterien“" in page

    def row(tender):
        start = page.index(f'id="ausschreibung-{tender.pk}"')
        return page[start : page.index("</tr>", start)]

    assert 'class="tender-compliant"' in row(full) and "4 von 4" in row(full)
    assert "mit Kriterien" in row(full)
    assert 'class="tender-incomplete"' in row(short) and "3 von 4" in row(short)
    assert "ohne Kriterien" in row(short) and "Es fehlt: Schulung." in row(short)
    assert 'class="tender-left-out"' in row(paper) and "zählt nicht mit" in row(paper)
    # The figures the marking explains: 1 of 2 counting tenders, 10 % by value.
    assert "<td>1 / 2</td><td>50\xa0%</td><td>10\xa0%</td>" in page


def form(group, criteria, **changes):
    return {
        "title": "Grundreinigung Sporthallen",
        "reference": "VG-2026-44",
        "product_group": group.pk,
        "estimated_value": "120000,00",
        "procedure": "open_national",
        "published_on": "2026-10-01",
        "applied_criteria": [c.pk for c in criteria],
        **changes,
    }


def test_saving_a_tender_with_three_of_four_criteria_tells_what_is_missing(actors, cleaning):
    group, criteria, *_ = cleaning
    client = actors.client(actors.staff)
    response = client.post(url("tender_create", "luenen"), form(group, criteria[:3]), follow=True)
    text = response.content.decode()
    assert "Ausschreibung gespeichert." in text
    assert (
        "Diese Vergabe zählt als ohne Kriterien, weil 1 von 4 vereinbarten Kriterien ihrer "
        "Warengruppe fehlt: Schulung." in text
    )
    assert Tender.objects.get(reference="VG-2026-44").applied_criteria.count() == 3


def test_saving_a_complete_tender_says_it_counts_with_criteria(actors, cleaning):
    group, criteria, *_ = cleaning
    client = actors.client(actors.coordinator)
    text = client.post(
        url("tender_create", "luenen"), form(group, criteria), follow=True
    ).content.decode()
    assert "Diese Vergabe zählt als mit allen vereinbarten Kriterien (4 von 4 angewendet)." in text


def test_saving_a_tender_of_a_group_without_agreed_criteria(actors, cleaning):
    *_, paper = cleaning
    client = actors.client(actors.staff)
    text = client.post(
        url("tender_create", "luenen"), form(paper.product_group, []), follow=True
    ).content.decode()
    assert "zählt im Anteil der Ausschreibungen mit Kriterien nicht mit" in text


def test_another_municipality_cannot_save_and_gets_no_message(actors, cleaning):
    group, criteria, *_ = cleaning
    client = actors.client(actors.other)
    response = client.post(url("tender_create", "luenen"), form(group, criteria[:3]))
    assert response.status_code in (403, 404)
    assert not Tender.objects.filter(reference="VG-2026-44").exists()


@pytest.mark.parametrize("size", [3, 30])
def test_tender_list_queries_do_not_grow(actors, size, django_assert_max_num_queries):
    group = ProductGroupFactory(network=actors.network)
    criteria = CriterionFactory.create_batch(4, network=actors.network, product_group=group)
    for criterion in criteria:
        AdoptionFactory(membership=actors.luenen, criterion=criterion, status="agreed")
    for n in range(size):
        tender = TenderFactory(membership=actors.luenen, product_group=group)
        tender.applied_criteria.set(criteria[: n % 5])
    client = actors.client(actors.moderator)
    client.get(reverse("profile"))
    with django_assert_max_num_queries(14):
        page = client.get(url("tender_list", "luenen")).content.decode()
    assert page.count('class="tender-compliant"') == sum(1 for n in range(size) if n % 5 == 4)
