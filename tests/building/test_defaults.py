"""The network's defaults per energy carrier (price, escalation, emission factor, each with
its source and date), how a variant's energy use takes them, and the cost per tonne in
words."""

from decimal import Decimal

import pytest
from django.urls import reverse

from building import presentation
from building.models import (
    CARRIER_DEFAULTS,
    BuildingSettings,
    CarrierDefault,
    EnergyUse,
    Variant,
)

pytestmark = pytest.mark.django_db


def u(name, *args):
    return reverse(f"building:{name}", args=["knn", *args])


def text_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def carrier_payload(settings_obj, **changes):
    """What the settings page sends for every carrier: its current values, German."""
    payload = {}
    for carrier, d in settings_obj.defaults_by_carrier().items():
        for name in CarrierDefault.VALUE_FIELDS:
            payload[f"{carrier}-{name}"] = str(getattr(d, name)).replace(".", ",")
        for name in ("price_source", "emission_source"):
            payload[f"{carrier}-{name}"] = getattr(d, name)
        for name in ("price_as_of", "emission_as_of"):
            payload[f"{carrier}-{name}"] = getattr(d, name).strftime("%d.%m.%Y")
    return {**payload, **changes}


def settings_payload(settings_obj, **changes):
    return {
        "discount_rate_pct": "0",
        "period_years": "20",
        "co2_price_eur_per_t": "0",
        "co2_price_escalation_pct": "0",
        "co2_price_source": "UBA",
        "co2_price_as_of": "01.12.2020",
        "loaded_version": settings_obj.version,
        **carrier_payload(settings_obj, **changes),
    }


def variant_payload(**energy):
    return {
        "name": "Pellets",
        "investment_eur": "15.000",
        "lifetime_years": "20",
        "maintenance_eur_per_year": "0",
        "maintenance_escalation_pct": "0",
        "energy-TOTAL_FORMS": "2",
        "energy-INITIAL_FORMS": "0",
        "energy-MIN_NUM_FORMS": "0",
        "energy-MAX_NUM_FORMS": "10",
        "energy-0-carrier": "wood",
        "energy-0-kwh_per_year": "10.000",
        "energy-0-price_eur_per_kwh": "",
        "energy-0-escalation_pct": "",
        "energy-0-emission_kg_per_kwh": "",
        **{f"energy-0-{k}": v for k, v in energy.items()},
        "energy-1-carrier": "",
        "energy-1-kwh_per_year": "",
        "energy-1-price_eur_per_kwh": "",
        "energy-1-escalation_pct": "",
        "energy-1-emission_kg_per_kwh": "",
    }


class TestBuiltIn:
    def test_every_carrier_has_a_default_with_source_and_date(self, actors):
        defaults = BuildingSettings.for_network(actors.network).defaults_by_carrier()
        assert set(defaults) == set(EnergyUse.Carrier.values)
        for d in defaults.values():
            assert d.pk is None and d.price_source and d.emission_source
            assert d.price_as_of and d.emission_as_of

    def test_emission_factors_are_those_of_geg_anlage_9(self, actors):
        defaults = BuildingSettings.for_network(actors.network).defaults_by_carrier()
        factors = {c: d.emission_kg_per_kwh for c, d in defaults.items()}
        assert factors == {
            "electricity": Decimal("0.56"),
            "gas": Decimal("0.24"),
            "oil": Decimal("0.31"),
            "district_heat": Decimal("0.18"),
            "wood": Decimal("0.02"),
            "pv_own": Decimal("0"),
        }
        assert all("GEG Anlage 9" in d.emission_source for d in defaults.values())

    def test_a_stored_default_replaces_the_built_in_one(self, actors, data):
        s = BuildingSettings.objects.get(network=actors.network)
        mine = CarrierDefault.built_in(s, "district_heat")
        mine.emission_kg_per_kwh = Decimal("0.095")
        mine.save()
        defaults = s.defaults_by_carrier()
        assert defaults["district_heat"].pk == mine.pk
        assert defaults["district_heat"].emission_kg_per_kwh == Decimal("0.095")
        assert defaults["gas"].pk is None

    def test_value_for_prefers_the_own_value_even_zero(self, actors):
        d = CarrierDefault.built_in(BuildingSettings(), "gas")
        assert d.value_for("price_eur_per_kwh", None) == Decimal(CARRIER_DEFAULTS["gas"][0])
        assert d.value_for("price_eur_per_kwh", Decimal("0")) == Decimal("0")


class TestVariantForm:
    def test_empty_fields_take_the_networks_default(self, actors, data):
        s = BuildingSettings.objects.get(network=actors.network)
        wood = CarrierDefault.built_in(s, "wood")
        wood.price_eur_per_kwh = Decimal("0.0650")
        wood.save()
        client = actors.client(actors.coordinator)
        response = client.post(u("variant_create", data.project.pk), variant_payload())
        assert response.status_code == 302
        use = Variant.objects.get(name="Pellets").energy_uses.get()
        assert use.price_eur_per_kwh == Decimal("0.0650")
        assert use.escalation_pct == Decimal(CARRIER_DEFAULTS["wood"][1])
        assert use.emission_kg_per_kwh == Decimal("0.0200")

    def test_own_values_override_the_default(self, actors, data):
        client = actors.client(actors.coordinator)
        payload = variant_payload(
            price_eur_per_kwh="0,08", escalation_pct="0", emission_kg_per_kwh="0,027"
        )
        assert client.post(u("variant_create", data.project.pk), payload).status_code == 302
        use = Variant.objects.get(name="Pellets").energy_uses.get()
        assert (use.price_eur_per_kwh, use.escalation_pct, use.emission_kg_per_kwh) == (
            Decimal("0.08"),
            Decimal("0"),
            Decimal("0.027"),
        )

    def test_a_later_change_of_the_default_leaves_the_variant_alone(self, actors, data):
        client = actors.client(actors.coordinator)
        client.post(u("variant_create", data.project.pk), variant_payload())
        s = BuildingSettings.objects.get(network=actors.network)
        wood = CarrierDefault.built_in(s, "wood")
        wood.emission_kg_per_kwh = Decimal("0.1")
        wood.save()
        use = Variant.objects.get(name="Pellets").energy_uses.get()
        assert use.emission_kg_per_kwh == Decimal("0.0200")

    def test_bad_input_is_refused_in_german(self, actors, data):
        client = actors.client(actors.coordinator)
        payload = variant_payload(emission_kg_per_kwh="viel")
        text = text_of(client.post(u("variant_create", data.project.pk), payload))
        assert "„viel“ ist keine Zahl." in text
        assert not Variant.objects.filter(name="Pellets").exists()

    def test_the_form_shows_the_defaults_with_source_and_date(self, actors, data):
        text = text_of(actors.client(actors.coordinator).get(u("variant_create", data.project.pk)))
        assert "Vorgaben des Netzwerks je Energieträger" in text
        assert "GEG Anlage 9 (Fassung vom 16.10.2023, gültig ab 01.01.2024): Holz" in text
        assert "Stand 01.01.2024" in text and "Stand 01.07.2025" in text
        assert "Beispielwert zum Prüfen" in text
        assert "Leer lassen: die Vorgabe des Netzwerks wird übernommen." in text

    def test_a_stored_row_shows_its_carriers_default_as_placeholder(self, actors, data):
        gas, _pump = data.variants
        text = text_of(
            actors.client(actors.coordinator).get(u("variant_edit", data.project.pk, gas.pk))
        )
        assert 'placeholder="0,2400"' in text


class TestSettings:
    def test_the_moderator_edits_every_carrier(self, actors, data):
        text = text_of(actors.client(actors.moderator).get(u("settings")))
        assert "Vorgaben je Energieträger" in text
        for carrier in EnergyUse.Carrier.values:
            assert f'name="{carrier}-emission_source"' in text
        assert 'name="gas-emission_kg_per_kwh" value="0,24"' in text  # built in, German

    def test_moderator_sets_a_carriers_default(self, actors, data):
        s = BuildingSettings.objects.get(network=actors.network)
        payload = settings_payload(
            s,
            **{
                "district_heat-emission_kg_per_kwh": "0,095",
                "district_heat-emission_source": "Bescheinigung Stadtwerke nach FW 309-1",
                "district_heat-emission_as_of": "15.03.2026",
            },
        )
        response = actors.client(actors.moderator).post(u("settings"), payload)
        assert response.status_code == 302
        heat = CarrierDefault.objects.get(settings=s, carrier="district_heat")
        assert heat.emission_kg_per_kwh == Decimal("0.095")
        assert heat.emission_source == "Bescheinigung Stadtwerke nach FW 309-1"
        # the other carriers are stored with their built-in values and sources
        assert CarrierDefault.objects.filter(settings=s).count() == len(EnergyUse.Carrier)
        gas = CarrierDefault.objects.get(settings=s, carrier="gas")
        assert gas.emission_kg_per_kwh == Decimal("0.24") and "Erdgas" in gas.emission_source
        s.refresh_from_db()
        assert s.co2_price_source == "UBA"

    def test_bad_input_changes_nothing(self, actors, data):
        s = BuildingSettings.objects.get(network=actors.network)
        payload = settings_payload(s, **{"gas-price_eur_per_kwh": "-0,1"})
        text = text_of(actors.client(actors.moderator).post(u("settings"), payload))
        assert "größer oder gleich 0" in text
        assert not CarrierDefault.objects.exists()
        assert BuildingSettings.objects.get(pk=s.pk).version == s.version

    def test_members_read_the_defaults_and_cannot_write_them(self, actors, data):
        s = BuildingSettings.objects.get(network=actors.network)
        client = actors.client(actors.coordinator)
        text = text_of(client.get(u("settings")))
        assert "Vorgaben je Energieträger mit Quelle und Stand" in text
        assert "GEG Anlage 9" in text and "Methodenkonvention 3.1" in text
        payload = settings_payload(s, **{"gas-price_eur_per_kwh": "0,5"})
        assert client.post(u("settings"), payload).status_code == 403
        assert not CarrierDefault.objects.exists()

    def test_outsider_and_anonymous(self, actors, data, client):
        s = BuildingSettings.objects.get(network=actors.network)
        payload = settings_payload(s, **{"gas-price_eur_per_kwh": "0,5"})
        assert actors.client(actors.outsider).get(u("settings")).status_code == 404
        assert actors.client(actors.outsider).post(u("settings"), payload).status_code == 404
        response = client.post(u("settings"), payload)
        assert response.status_code == 302 and "anmelden" in response["Location"]
        assert not CarrierDefault.objects.exists()

    def test_the_economics_page_names_the_co2_price_source(self, actors, data):
        s = BuildingSettings.objects.get(network=actors.network)
        s.co2_price_source = "BEHG-Festpreis 2025"
        s.save()
        text = text_of(
            actors.client(actors.coordinator).get(u("project_economics", data.project.pk))
        )
        assert "Quelle des CO₂-Preises: BEHG-Festpreis 2025 (Stand 01.12.2020)" in text


class TestPerTonneInWords:
    def test_a_negative_cost_saves_money_and_co2(self):
        assert presentation.per_tonne_words(-65.2) == (
            "spart Geld und CO₂: 65\u00a0€ weniger Kosten je vermiedener Tonne"
        )

    def test_a_positive_cost(self):
        assert presentation.per_tonne_words(65) == "kostet 65\u00a0€ je vermiedener Tonne"
        assert presentation.per_tonne_words(1234.6) == "kostet 1.235\u00a0€ je vermiedener Tonne"

    def test_no_extra_cost_and_nothing_avoided(self):
        assert presentation.per_tonne_words(0.4) == "vermeidet CO₂ ohne Mehrkosten"
        assert presentation.per_tonne_words(-0.4) == "vermeidet CO₂ ohne Mehrkosten"
        assert presentation.per_tonne_words(None) == "vermeidet gegenüber der Referenz kein CO₂"

    def test_the_page_says_it_in_words(self, actors, data):
        # A heat pump that is cheaper than the gas boiler: it saves money and CO₂.
        _gas, pump = data.variants
        Variant.objects.filter(pk=pump.pk).update(investment_eur=Decimal("2000"))
        text = text_of(
            actors.client(actors.coordinator).get(u("project_economics", data.project.pk))
        )
        # r = 0, T = 20: 30.000 € against 2.000 € + 18.000 €; 16 t avoided → −625 € per tonne
        assert "sie spart Geld und CO₂: 625\u00a0€ weniger Kosten je vermiedener Tonne." in text


def test_demo_variants_use_the_defaults_and_one_takes_a_grant(actors, data):
    import random

    from building import demo as building_demo

    s = BuildingSettings.objects.get(network=actors.network)
    defaults = s.defaults_by_carrier()
    project = data.herten_project
    building_demo._variants(project, random.Random(1), chosen=True, defaults=defaults)
    uses = EnergyUse.objects.filter(variant__project=project)
    assert {u.carrier: u.emission_kg_per_kwh for u in uses} == {
        "gas": Decimal("0.24"),
        "electricity": Decimal("0.56"),
        "pv_own": Decimal("0"),
    }
    assert {u.carrier: u.price_eur_per_kwh for u in uses}["gas"] == Decimal("0.11")
    pump = project.variants.get(is_chosen=True)
    assert pump.grant_eur > 0 and pump.grant_programme.startswith("BEG EM")
    assert project.variants.get(is_reference=True).grant_eur == 0
