"""Legal rules at every boundary date: the day before, the day itself and the day after."""

from datetime import date, timedelta

import pytest

from building import legal
from building.legal import NO, UNKNOWN, YES, ProjectFacts

ONE = timedelta(days=1)


def around(day):
    """(date, expected "applies") for the day before, the day itself and the day after,
    for a rule that applies from `day` on."""
    return [(day - ONE, False), (day, True), (day + ONE, True)]


def new_build(**kw):
    base = dict(
        kind=legal.NEW_BUILD,
        use="school",
        population=50_000,
        heating="gas",
        renewable_heat_share=30,
        roof_area=1000,
        solar_area=100,
    )
    base.update(kw)
    return ProjectFacts(**base)


def renovation(**kw):
    base = dict(
        kind=legal.RENOVATION,
        use="school",
        population=50_000,
        heating="gas",
        heating_replaced=True,
        renewable_heat_share=30,
        roof_area=1000,
        solar_area=100,
    )
    base.update(kw)
    return ProjectFacts(**base)


class TestGeg71:
    @pytest.mark.parametrize(("day", "applies"), around(date(2024, 1, 1)))
    def test_new_build_in_new_development_area_from_2024(self, day, applies):
        result = legal.geg_71(new_build(in_new_development_area=True, application_date=day))
        assert result.applies is applies
        assert result.satisfied == (NO if applies else None)
        assert "§ 71" in result.citation

    @pytest.mark.parametrize(
        ("day", "applies"),
        [(date(2026, 6, 29), False), (date(2026, 6, 30), False), (date(2026, 7, 1), True)],
    )
    def test_large_city_after_the_2026_deadline(self, day, applies):
        result = legal.geg_71(renovation(population=100_001, construction_start=day))
        assert result.applies is applies
        if applies:
            assert result.satisfied == NO
            assert "30,06.2026".replace(",", ".") in result.reason
            assert "Nur 30 % erneuerbare Wärme statt 65 %." in result.reason

    @pytest.mark.parametrize(
        ("day", "applies"),
        [(date(2028, 6, 29), False), (date(2028, 6, 30), False), (date(2028, 7, 1), True)],
    )
    def test_smaller_municipality_after_the_2028_deadline(self, day, applies):
        result = legal.geg_71(renovation(population=100_000, construction_start=day))
        assert result.applies is applies

    @pytest.mark.parametrize(
        ("population", "deadline"),
        [(99_999, date(2028, 6, 30)), (100_000, date(2028, 6, 30)), (100_001, date(2026, 6, 30))],
    )
    def test_population_boundary(self, population, deadline):
        assert legal.heat_planning_deadline(population) == deadline

    def test_heat_pump_satisfies_without_share(self):
        result = legal.geg_71(
            new_build(
                in_new_development_area=True,
                application_date=date(2025, 1, 1),
                heating="heat_pump",
                renewable_heat_share=None,
            )
        )
        assert (result.applies, result.satisfied) == (True, YES)

    def test_share_of_65_satisfies(self):
        facts = renovation(construction_start=date(2029, 1, 1), renewable_heat_share=65)
        assert legal.geg_71(facts).satisfied == YES

    def test_unknown_share_names_the_missing_data(self):
        facts = renovation(construction_start=date(2029, 1, 1), renewable_heat_share=None)
        result = legal.geg_71(facts)
        assert (result.applies, result.satisfied) == (True, UNKNOWN)
        assert result.missing == ("Anteil erneuerbarer Wärme",)

    def test_missing_population_and_start(self):
        result = legal.geg_71(renovation(population=None))
        assert result.applies is None
        assert set(result.missing) == {"Einwohnerzahl der Kommune", "Baubeginn"}

    def test_renovation_without_new_heating_does_not_apply(self):
        facts = renovation(heating_replaced=False, construction_start=date(2030, 1, 1))
        assert legal.geg_71(facts).applies is False


class TestSolarNrw:
    @pytest.mark.parametrize(("day", "applies"), around(date(2024, 1, 1)))
    def test_new_non_residential_from_2024(self, day, applies):
        result = legal.solar_nrw(new_build(application_date=day))
        assert result.applies is applies
        if applies:
            assert result.satisfied == NO  # 100 of 1000 m² = 10 %
            assert "10 % der Dachfläche statt 30 %" in result.reason

    @pytest.mark.parametrize(("day", "applies"), around(date(2025, 1, 1)))
    def test_new_residential_from_2025(self, day, applies):
        assert legal.solar_nrw(new_build(use="housing", application_date=day)).applies is applies

    @pytest.mark.parametrize(("day", "applies"), around(date(2026, 1, 1)))
    def test_roof_renewal_from_2026(self, day, applies):
        facts = renovation(roof_renewal=True, publicly_owned=False, construction_start=day)
        assert legal.solar_nrw(facts).applies is applies

    @pytest.mark.parametrize(("day", "applies"), around(date(2024, 7, 1)))
    def test_roof_renewal_of_public_buildings_from_mid_2024(self, day, applies):
        facts = renovation(roof_renewal=True, publicly_owned=True, construction_start=day)
        assert legal.solar_nrw(facts).applies is applies

    @pytest.mark.parametrize(("solar", "satisfied"), [(299, NO), (300, YES), (301, YES)])
    def test_thirty_percent_of_the_roof(self, solar, satisfied):
        facts = new_build(application_date=date(2025, 1, 1), solar_area=solar)
        assert legal.solar_nrw(facts).satisfied == satisfied

    @pytest.mark.parametrize(("roof", "applies"), [(49.9, False), (50, False), (50.1, True)])
    def test_small_roofs_are_exempt(self, roof, applies):
        facts = new_build(application_date=date(2025, 1, 1), roof_area=roof, solar_area=20)
        assert legal.solar_nrw(facts).applies is applies

    def test_renovation_without_roof_renewal(self):
        assert legal.solar_nrw(renovation(construction_start=date(2027, 1, 1))).applies is False

    def test_unknown_solar_area(self):
        result = legal.solar_nrw(new_build(application_date=date(2025, 1, 1), solar_area=None))
        assert result.satisfied == UNKNOWN
        assert result.missing == ("Fläche der Solaranlage",)


class TestEpbd:
    @pytest.mark.parametrize(("day", "applies"), around(date(2028, 1, 1)))
    def test_public_new_builds_from_2028(self, day, applies):
        result = legal.epbd_zero_emission(new_build(application_date=day))
        assert result.applies is applies
        if applies:
            assert result.satisfied == NO  # gas heating
            assert "2024/1275" in result.citation

    def test_private_and_renovation_do_not_apply(self):
        assert (
            legal.epbd_zero_emission(
                new_build(application_date=date(2029, 1, 1), publicly_owned=False)
            ).applies
            is False
        )
        assert (
            legal.epbd_zero_emission(renovation(construction_start=date(2029, 1, 1))).applies
            is False
        )

    def test_heat_pump_satisfies_and_unknown_heating_is_unknown(self):
        day = date(2028, 1, 1)
        assert (
            legal.epbd_zero_emission(new_build(application_date=day, heating="heat_pump")).satisfied
            == YES
        )
        result = legal.epbd_zero_emission(new_build(application_date=day, heating=""))
        assert result.satisfied == UNKNOWN and result.missing == ("Heizung",)


def test_status_summary():
    ok = new_build(application_date=date(2023, 6, 1), construction_start=date(2024, 1, 1))
    assert legal.status(legal.check(ok)) == legal.STATUS_NONE
    problem = new_build(application_date=date(2025, 1, 1))
    assert legal.status(legal.check(problem)) == legal.STATUS_PROBLEM
    assert legal.failures(legal.check(problem))[0].startswith("Solarpflicht NRW (§ 42a BauO NRW")
    fine = new_build(
        application_date=date(2025, 1, 1),
        solar_area=400,
        construction_start=date(2025, 6, 1),
        in_new_development_area=False,
    )
    assert legal.status(legal.check(fine)) == legal.STATUS_OK
    unknown = new_build(application_date=None)
    assert legal.status(legal.check(unknown)) == legal.STATUS_OPEN
