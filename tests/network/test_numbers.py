"""German numbers and dates (network.numbers): worked examples and laws."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from network.forms import fields
from network.numbers import NumberError, format_number, parse_date, parse_datetime, parse_number


@pytest.mark.parametrize(
    ("entry", "meant"),
    [
        ("60,5", "60.5"),
        ("1.250", "1250"),
        ("1.250,5", "1250.5"),
        ("6.200.000", "6200000"),
        ("420.000,00 €", "420000.00"),
        ("420.000,00€", "420000.00"),
        ("12 %", "12"),
        ("0,12", "0.12"),
        (",5", "0.5"),
        ("-3,5", "-3.5"),
        ("−3,5", "-3.5"),  # the typographic minus of a copied table
        ("111.000", "111000"),
        ("  7  ", "7"),
        ("1 250,5", "1250.5"),  # a space groups thousands in some documents
        ("60,5 kWp", "60.5"),
    ],
)
def test_german_entries_are_read_as_people_mean_them(entry, meant):
    assert parse_number(entry) == Decimal(meant)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("1,2,3", "„1,2,3“ ist keine Zahl: Sie enthält mehr als ein Komma."),
        ("60.5", "„60.5“ ist nicht eindeutig"),
        ("60.5", "Meinten Sie 60,5?"),
        ("1.25", "Meinten Sie 1,25?"),
        ("1.2345,5", "Ein Punkt trennt nur Tausender in Dreiergruppen"),
        ("1.250.5", "Ein Punkt trennt nur Tausender"),
        ("12,a", "Nach dem Komma dürfen nur Ziffern stehen."),
        ("viel", "„viel“ ist keine Zahl."),
    ],
)
def test_malformed_entries_say_what_was_read(entry, message):
    with pytest.raises(NumberError) as error:
        parse_number(entry)
    assert message in str(error.value)


def test_empty_is_none():
    assert parse_number("") is None and parse_number("   ") is None


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal("1250.5"), None, "1.250,5"),
        (Decimal("6200000"), None, "6.200.000"),
        (Decimal("420000.00"), 2, "420.000,00"),
        (Decimal("0.1200"), None, "0,12"),
        (Decimal("-3.5"), None, "-3,5"),
        (111000, None, "111.000"),
    ],
)
def test_values_are_shown_the_german_way(value, places, shown):
    assert format_number(value, decimal_places=places) == shown


@given(
    st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4, allow_nan=False)
)
def test_what_is_shown_reads_back_as_the_same_number(value):
    assert parse_number(format_number(value)) == value


@given(st.integers(min_value=0, max_value=10**12))
def test_integers_with_and_without_thousands_points_agree(value):
    assert parse_number(format_number(value)) == parse_number(str(value)) == value


@pytest.mark.parametrize(
    ("entry", "meant"),
    [
        ("24.11.2026", date(2026, 11, 24)),
        ("1.2.2026", date(2026, 2, 1)),
        ("24.11.26", date(2026, 11, 24)),
        ("2026-11-24", date(2026, 11, 24)),
    ],
)
def test_dates(entry, meant):
    assert parse_date(entry) == meant


def test_a_date_that_does_not_exist_is_named():
    with pytest.raises(NumberError, match="Den 31.02.2026 gibt es nicht"):
        parse_date("31.02.2026")


@pytest.mark.parametrize(
    ("entry", "meant"),
    [
        ("24.11.2026 14:30", datetime(2026, 11, 24, 14, 30)),
        ("24.11.2026, 14:30", datetime(2026, 11, 24, 14, 30)),
        ("24.11.2026 14 Uhr", datetime(2026, 11, 24, 14, 0)),
        ("2026-11-24T14:30", datetime(2026, 11, 24, 14, 30)),
    ],
)
def test_date_and_time(entry, meant):
    assert parse_datetime(entry) == meant


def test_a_meeting_needs_its_hour():
    with pytest.raises(NumberError, match="Datum und Uhrzeit"):
        parse_datetime("24.11.2026")


def test_the_widget_shows_money_with_two_decimals_and_years_without_a_point():
    assert fields.DecimalField(money=True).widget.format_value(Decimal("420000")) == "420.000,00"
    assert fields.YearField().widget.format_value(2026) == "2026"
    assert fields.IntegerField().widget.format_value(111000) == "111.000"
    assert fields.DateField().widget.format_value(date(2026, 11, 24)) == "24.11.2026"
