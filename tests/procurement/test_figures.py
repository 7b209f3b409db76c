"""Key figures of the tender register against examples computed by hand."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from procurement.figures import TenderFacts, progress_pct, tender_shares


def fact(member, year, value, required, applied):
    return TenderFacts(member, year, Decimal(value), frozenset(required), frozenset(applied))


def test_worked_example():
    # Member 1 agreed criteria {1, 2} for IT and {5} for paper; member 2 agreed {1} for IT.
    facts = [
        fact(1, 2024, 100_000, {1, 2}, {1, 2}),  # compliant
        fact(1, 2024, 50_000, {1, 2}, {1}),  # only one of two: not compliant
        fact(1, 2024, 10_000, {5}, {5, 9}),  # compliant (extra criteria do not hurt)
        fact(1, 2024, 999_999, set(), set()),  # no agreed criteria: not counted
        fact(1, 2025, 40_000, {1, 2}, set()),  # not compliant
        fact(2, 2025, 60_000, {1}, {1}),  # compliant
    ]
    shares = tender_shares(facts)
    m1_2024 = shares[(1, 2024)]
    assert (m1_2024.tenders, m1_2024.compliant) == (3, 2)
    assert m1_2024.count_pct == 66.7  # 2 / 3
    assert m1_2024.value_pct == 68.8  # 110,000 / 160,000 = 68.75 %
    assert shares[(1, 2025)].count_pct == 0.0
    assert shares[(1, None)].count_pct == 50.0  # 2 / 4
    assert shares[(1, None)].value_pct == 55.0  # 110,000 / 200,000
    assert shares[(None, 2025)].count_pct == 50.0  # 1 / 2
    assert shares[(None, 2025)].value_pct == 60.0  # 60,000 / 100,000
    network = shares[(None, None)]
    assert (network.tenders, network.compliant) == (5, 3)
    assert network.value_pct == 65.4  # 170,000 / 260,000 = 65.38 %


def test_no_relevant_tenders_is_none_not_zero():
    shares = tender_shares([fact(1, 2024, 1000, set(), set())])
    assert shares[(1, 2024)].count_pct is None
    assert shares[(1, 2024)].value_pct is None


def test_progress_pct():
    assert progress_pct(["done", "done", "planned", "dropped"]) == 66.7
    assert progress_pct(["dropped"]) is None
    assert progress_pct([]) is None


@given(
    st.lists(
        st.tuples(
            st.integers(1, 3),
            st.integers(2023, 2026),
            st.integers(0, 10**6),
            st.sets(st.integers(1, 4)),
            st.sets(st.integers(1, 4)),
        ),
        max_size=30,
    )
)
def test_shares_are_bounded_and_consistent(rows):
    shares = tender_shares([fact(*row) for row in rows])
    for share in shares.values():
        assert 0 <= share.compliant <= share.tenders
        for value in (share.count_pct, share.value_pct):
            assert value is None or 0 <= value <= 100
    if rows:
        total = shares[(None, None)]
        assert total.tenders == sum(s.tenders for (m, y), s in shares.items() if m and y is None)
