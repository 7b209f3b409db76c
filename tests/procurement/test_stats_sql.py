"""`stats.shares_for` (aggregated by the database) against `figures.tender_shares` (the pure
function, checked by hand in test_figures.py) on randomly generated registers."""

import random
from datetime import date
from decimal import Decimal

import pytest

from procurement import stats
from procurement.figures import TenderFacts, tender_shares
from procurement.models import Adoption
from tests.factories import MembershipFactory
from tests.procurement.factories import (
    AdoptionFactory,
    CriterionFactory,
    ProductGroupFactory,
    TenderFactory,
)

pytestmark = pytest.mark.django_db

AGREED = set(Adoption.AGREED_OR_LATER)


def random_register(network, rng, members=4):
    """Members, product groups (one without criteria), adoptions in every state and tenders
    that apply all, some, none or other criteria; returns the members and, as the generator
    knows them, (publication date, facts) of every tender."""
    groups = ProductGroupFactory.create_batch(4, network=network)
    criteria = {
        group.pk: CriterionFactory.create_batch(
            rng.randint(1, 4), network=network, product_group=group
        )
        for group in groups[:3]
    }
    criteria[groups[3].pk] = []
    members = [MembershipFactory(network=network) for _ in range(members)]
    facts = []
    for member in members:
        required = {group.pk: set() for group in groups}
        for group_id, items in criteria.items():
            for criterion in items:
                status = rng.choice([*Adoption.Status, None])
                if status is None:
                    continue
                AdoptionFactory(
                    membership=member,
                    criterion=criterion,
                    status=status,
                    decline_reason="zu teuer" if status == Adoption.Status.DECLINED else "",
                )
                if status in AGREED:
                    required[group_id].add(criterion.pk)
        for _ in range(rng.randint(0, 12)):
            group = rng.choice(groups)
            own = [c.pk for c in criteria[group.pk]]
            other = [c.pk for items in criteria.values() for c in items if c.pk not in own]
            how = rng.choice(["all", "some", "none", "all+other"])
            if how == "all":
                applied = set(own)
            elif how == "some":
                applied = set(rng.sample(own, rng.randint(0, len(own))))
            elif how == "none":
                applied = set()
            else:
                applied = set(own) | set(rng.sample(other, min(2, len(other))))
            value = Decimal(rng.randint(0, 500_000)) + Decimal(rng.randint(0, 99)) / 100
            published = date(rng.randint(2023, 2026), rng.randint(1, 12), rng.randint(1, 28))
            tender = TenderFactory(
                membership=member,
                product_group=group,
                estimated_value=value,
                published_on=published,
            )
            tender.applied_criteria.set(applied)
            facts.append(
                (
                    published,
                    TenderFacts(
                        membership_id=member.pk,
                        year=published.year,
                        value=value,
                        required=frozenset(required[group.pk]),
                        applied=frozenset(applied),
                    ),
                )
            )
    return members, facts


def pure(dated_facts, start=date.min, end=date.max, members=None):
    return tender_shares(
        [
            fact
            for published, fact in dated_facts
            if start <= published <= end and (members is None or fact.membership_id in members)
        ]
    )


@pytest.mark.parametrize("seed", range(6))
def test_sql_shares_equal_the_pure_function(actors, seed):
    rng = random.Random(seed)
    members, facts = random_register(actors.network, rng)
    ids = [m.pk for m in members]
    assert stats.shares_for(ids) == pure(facts)
    assert stats.shares_for(ids) == tender_shares(stats.tender_facts(ids))
    # One member alone, and a period that cuts tenders off at both ends.
    assert stats.shares_for(ids[:1]) == pure(facts, members={ids[0]})
    start, end = date(2024, 3, 1), date(2025, 10, 31)
    assert stats.shares_for(ids, start, end) == pure(facts, start, end)
    assert stats.shares_for(ids, start, end) == tender_shares(stats.tender_facts(ids, start, end))


def test_sql_shares_keep_years_without_relevant_tenders(actors):
    group = ProductGroupFactory(network=actors.network)  # no agreed criteria
    TenderFactory(membership=actors.luenen, product_group=group, published_on=date(2024, 5, 1))
    shares = stats.shares_for([actors.luenen.pk, actors.herten.pk])
    assert set(shares) == {
        (actors.luenen.pk, 2024),
        (actors.luenen.pk, None),
        (None, 2024),
        (None, None),
    }
    share = shares[(actors.luenen.pk, 2024)]
    assert (share.tenders, share.compliant, share.count_pct, share.value_pct) == (0, 0, None, None)
    assert stats.shares_for([actors.herten.pk]) == {}


@pytest.mark.parametrize("members", [2, 10])
def test_sql_shares_fixed_queries(actors, members, django_assert_num_queries):
    memberships, _facts = random_register(actors.network, random.Random(members), members)
    with django_assert_num_queries(3):
        stats.shares_for([m.pk for m in memberships], date(2023, 1, 1), date(2026, 12, 31))
