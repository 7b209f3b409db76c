"""A grant (Förderung) of a variant: paid at year 0, it lowers the NPV by exactly its
amount; replacements and the residual value stay on the full investment."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from building.economics import Assumptions, EnergyUse, Variant, life_cycle
from building.models import Variant as VariantModel

pytestmark = pytest.mark.django_db

MONEY = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)


def u(name, *args):
    return reverse(f"building:{name}", args=["knn", *args])


def text_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_worked_example():
    # r = 0, T = 30, lifetime 20: bought at 0 (1.000 €, 300 € of it granted), again at 20
    # (1.000 €, no grant); half of the second one is left at 30: 500 € credited.
    v = Variant("Pumpe", 1000, 20, grant=300)
    result = life_cycle(v, Assumptions(0.0, 30))
    assert result.replacements == 1000
    assert result.residual_value == 500
    assert result.grant == 300
    assert result.npv == 1000 - 300 + 1000 - 500


@given(
    investment=MONEY,
    grant=MONEY,
    lifetime=st.integers(1, 60),
    years=st.integers(1, 60),
    rate=st.floats(0, 0.1),
    kwh=st.floats(0, 1e6),
    price=st.floats(0, 1),
    co2=st.floats(0, 500),
)
def test_the_grant_lowers_the_npv_by_exactly_its_amount(
    investment, grant, lifetime, years, rate, kwh, price, co2
):
    v = Variant(
        "v",
        investment,
        lifetime,
        maintenance_per_year=investment * 0.01,
        energy=(EnergyUse("gas", kwh, price, 0.03, 0.24),),
    )
    a = Assumptions(rate, years, co2_price_per_t=co2, co2_price_escalation=0.02)
    without, with_grant = life_cycle(v, a), life_cycle(replace(v, grant=grant), a)
    assert with_grant.npv == without.npv - grant
    assert with_grant.replacements == without.replacements
    assert with_grant.residual_value == without.residual_value
    assert with_grant.investment == without.investment == investment
    assert (with_grant.energy, with_grant.maintenance, with_grant.co2_cost) == (
        without.energy,
        without.maintenance,
        without.co2_cost,
    )
    assert with_grant.tonnes_co2 == without.tonnes_co2


def payload(**changes):
    return {
        "name": "Wärmepumpe gefördert",
        "investment_eur": "20.000",
        "lifetime_years": "20",
        "maintenance_eur_per_year": "0",
        "maintenance_escalation_pct": "0",
        "energy-TOTAL_FORMS": "0",
        "energy-INITIAL_FORMS": "0",
        "energy-MIN_NUM_FORMS": "0",
        "energy-MAX_NUM_FORMS": "10",
        **changes,
    }


class TestForm:
    def test_grant_typed_the_german_way(self, actors, data):
        client = actors.client(actors.coordinator)
        response = client.post(
            u("variant_create", data.project.pk),
            payload(grant_eur="6.000,50", grant_programme="BEG EM"),
        )
        assert response.status_code == 302
        v = VariantModel.objects.get(name="Wärmepumpe gefördert")
        assert (v.grant_eur, v.grant_programme) == (Decimal("6000.50"), "BEG EM")

    def test_no_grant_is_zero(self, actors, data):
        client = actors.client(actors.coordinator)
        response = client.post(u("variant_create", data.project.pk), payload(grant_eur=""))
        assert response.status_code == 302
        assert VariantModel.objects.get(name="Wärmepumpe gefördert").grant_eur == 0

    def test_a_negative_grant_is_refused(self, actors, data):
        client = actors.client(actors.coordinator)
        text = text_of(client.post(u("variant_create", data.project.pk), payload(grant_eur="-5")))
        assert "größer oder gleich 0" in text
        assert not VariantModel.objects.filter(name="Wärmepumpe gefördert").exists()

    def test_another_municipality_cannot_set_a_grant(self, actors, data):
        _gas, pump = data.variants
        client = actors.client(actors.other)
        response = client.post(
            u("variant_edit", data.project.pk, pump.pk), payload(grant_eur="99.999")
        )
        assert response.status_code in (403, 404)
        pump.refresh_from_db()
        assert pump.grant_eur == 0

    def test_the_form_says_how_a_grant_counts(self, actors, data):
        text = text_of(actors.client(actors.coordinator).get(u("variant_create", data.project.pk)))
        assert "Förderung (€)" in text
        assert "senkt den Kapitalwert um genau seinen Betrag" in text


class TestPage:
    def test_the_page_shows_the_grant_and_its_effect(self, actors, data):
        _gas, pump = data.variants
        VariantModel.objects.filter(pk=pump.pk).update(
            grant_eur=Decimal("6000"), grant_programme="BEG EM"
        )
        text = text_of(
            actors.client(actors.coordinator).get(u("project_economics", data.project.pk))
        )
        # r = 0, T = 20: heat pump 38.000 € without the grant, 32.000 € with it
        assert "32.000\u00a0€" in text and "38.000\u00a0€" not in text
        assert "Förderung 6.000\u00a0€ (BEG EM)" in text
        assert "Eine Förderung wird im Jahr 0 mit der Investition gezahlt" in text
        # 16 t avoided: (32.000 − 30.000) / 16 = 125 € per tonne
        assert "sie kostet 125\u00a0€ je vermiedener Tonne." in text
