"""The chosen variant of a project and the CO₂ a year the members' decisions avoid."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from building.climate import Avoided, co2_avoided
from building.forms import VariantForm
from building.models import BuildingProject, EnergyUse, Variant
from tests.building.factories import EnergyUseFactory, ProjectFactory, VariantFactory

pytestmark = pytest.mark.django_db

UNTIL = date(2026, 6, 30)
SECOND_CHOICE = "Das Vorhaben hat schon eine gewählte Variante. Bitte wählen Sie diese zuerst ab."


def u(name, *args):
    return reverse(f"building:{name}", args=["knn", *args])


def text_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def entered(project, day, hour=9):
    """Backdate the project's creation to `day` at `hour` o'clock local time."""
    moment = timezone.make_aware(datetime.combine(day, time(hour)))
    BuildingProject.objects.filter(pk=project.pk).update(created_at=moment)


def variant(project, name, *uses, **flags):
    """A variant with one energy use per (kWh a year, kg CO₂ per kWh) in `uses`."""
    v = VariantFactory(project=project, name=name, **flags)
    for kwh, factor in uses:
        EnergyUseFactory(
            variant=v,
            carrier=EnergyUse.Carrier.ELECTRICITY,
            kwh_per_year=kwh,
            emission_kg_per_kwh=Decimal(factor),
        )
    return v


def decided(membership, chosen_uses=((30_000, "0.4"),), day=date(2026, 3, 1)):
    """Reference: gas 100,000 kWh × 0.2 kg = 20 t a year; the chosen variant from `uses`."""
    project = ProjectFactory(membership=membership)
    entered(project, day)
    variant(project, "Gaskessel", (100_000, "0.2"), is_reference=True)
    variant(project, "Gewählt", *chosen_uses, is_chosen=True)
    return project


class TestCo2Avoided:
    def test_worked_example_for_two_members(self, actors):
        # Lünen: 20 t − 30,000 × 0.4 / 1000 = 20 − 12 = 8 t, and
        # 20 t − (20,000 × 0.4 + 10,000 × 0.04) / 1000 = 20 − 8.4 = 11.6 t; 19.6 t in all.
        decided(actors.luenen)
        decided(actors.luenen, chosen_uses=((20_000, "0.4"), (10_000, "0.04")))
        # Created at 23:00 on the last day: still counted.
        late = decided(actors.luenen, day=UNTIL)
        entered(late, UNTIL, hour=23)
        # Left out: created the day after `until` …
        after = decided(actors.luenen, day=UNTIL + timedelta(days=1))
        entered(after, UNTIL + timedelta(days=1), hour=0)
        # … no variant chosen yet …
        undecided = ProjectFactory(membership=actors.luenen)
        entered(undecided, date(2026, 1, 10))
        variant(undecided, "Gaskessel", (100_000, "0.2"), is_reference=True)
        variant(undecided, "Wärmepumpe", (30_000, "0.4"))
        # … and a chosen variant without a reference to compare with.
        no_reference = ProjectFactory(membership=actors.luenen)
        entered(no_reference, date(2026, 1, 10))
        variant(no_reference, "Wärmepumpe", (30_000, "0.4"), is_chosen=True)

        # Herten chose an oil boiler: 20 t − 80,000 × 0.3 / 1000 = 20 − 24 = −4 t, and kept
        # the reference itself in a second project: 20 − 20 = 0 t, still a decided project.
        decided(actors.herten, chosen_uses=((80_000, "0.3"),))
        kept = ProjectFactory(membership=actors.herten)
        entered(kept, date(2026, 2, 1))
        variant(kept, "Gaskessel", (100_000, "0.2"), is_reference=True, is_chosen=True)

        result = co2_avoided(
            [actors.luenen.pk, actors.herten.pk, actors.other_membership.pk], UNTIL
        )

        assert result.keys() == {actors.luenen.pk, actors.herten.pk}
        assert result[actors.luenen.pk].projects == 3
        assert result[actors.luenen.pk].tonnes_per_year == pytest.approx(8 + 11.6 + 8)
        assert result[actors.herten.pk] == Avoided(projects=2, tonnes_per_year=pytest.approx(-4))

    def test_members_without_decided_projects_are_absent(self, actors):
        ProjectFactory(membership=actors.luenen)
        assert co2_avoided([actors.luenen.pk, actors.herten.pk], UNTIL) == {}
        assert co2_avoided([], UNTIL) == {}

    def test_fixed_number_of_queries(self, actors):
        def count():
            with CaptureQueriesContext(connection) as queries:
                co2_avoided([actors.luenen.pk, actors.herten.pk], UNTIL)
            return len(queries)

        decided(actors.luenen)
        decided(actors.herten)
        small = count()
        for membership in (actors.luenen, actors.herten) * 2:
            decided(membership, chosen_uses=((20_000, "0.4"), (10_000, "0.04")))
        result = co2_avoided([actors.luenen.pk, actors.herten.pk], UNTIL)
        assert [result[m.pk].projects for m in (actors.luenen, actors.herten)] == [3, 3]
        assert count() == small == 2


def de(number):
    """A number as a German visitor types it (a point would separate thousands)."""
    return str(number).replace(".", ",")


def form_data(variant, **changes):
    return {
        "name": variant.name,
        "investment_eur": de(variant.investment_eur),
        "lifetime_years": str(variant.lifetime_years),
        "maintenance_eur_per_year": "0",
        "maintenance_escalation_pct": "0",
        "loaded_version": variant.version,
        **changes,
    }


class TestForm:
    def test_refuses_a_second_chosen_variant(self, data):
        gas, pump = data.variants
        Variant.objects.filter(pk=pump.pk).update(is_chosen=True)
        before = list(Variant.objects.order_by("pk").values())

        form = VariantForm(form_data(gas, is_chosen="on"), instance=gas)

        assert not form.is_valid()
        assert form.errors["is_chosen"] == [SECOND_CHOICE]
        assert list(Variant.objects.order_by("pk").values()) == before

    def test_the_chosen_one_stays_chosen_and_the_reference_may_be_chosen(self, data):
        gas, pump = data.variants
        form = VariantForm(form_data(gas, is_reference="on", is_chosen="on"), instance=gas)
        assert form.is_valid(), form.errors
        form.save_checked()
        gas.refresh_from_db()
        assert gas.is_chosen and gas.is_reference
        again = VariantForm(form_data(gas, is_reference="on", is_chosen="on"), instance=gas)
        assert again.is_valid(), again.errors


def edit_payload(variant, **changes):
    use = variant.energy_uses.get()
    return {
        **form_data(variant, **changes),
        "energy-TOTAL_FORMS": "1",
        "energy-INITIAL_FORMS": "1",
        "energy-MIN_NUM_FORMS": "0",
        "energy-MAX_NUM_FORMS": "10",
        "energy-0-id": use.pk,
        "energy-0-carrier": use.carrier,
        "energy-0-kwh_per_year": de(use.kwh_per_year),
        "energy-0-price_eur_per_kwh": de(use.price_eur_per_kwh),
        "energy-0-escalation_pct": "0",
        "energy-0-emission_kg_per_kwh": de(use.emission_kg_per_kwh),
    }


class TestViews:
    def test_coordinator_chooses_and_the_economics_page_says_so(self, actors, data):
        client = actors.client(actors.coordinator)
        gas, pump = data.variants
        page = text_of(client.get(u("project_economics", data.project.pk)))
        assert "gewählt</span>" not in page

        response = client.post(
            u("variant_edit", data.project.pk, pump.pk), edit_payload(pump, is_chosen="on")
        )

        assert response.status_code == 302
        pump.refresh_from_db()
        assert pump.is_chosen
        assert pump.history.first().is_chosen  # the history keeps the decision too
        page = text_of(client.get(u("project_economics", data.project.pk)))
        row = page[page.index(pump.name) : page.index("</th>", page.index(pump.name))]
        assert "gewählt" in row
        assert "Gewählte Variante" in text_of(
            client.get(u("variant_edit", data.project.pk, pump.pk))
        )

    def test_second_choice_is_refused_on_the_page(self, actors, data):
        client = actors.client(actors.coordinator)
        gas, pump = data.variants
        Variant.objects.filter(pk=pump.pk).update(is_chosen=True)
        gas.refresh_from_db()

        text = text_of(
            client.post(
                u("variant_edit", data.project.pk, gas.pk), edit_payload(gas, is_chosen="on")
            )
        )

        assert SECOND_CHOICE in text
        gas.refresh_from_db()
        assert not gas.is_chosen

    def test_a_choice_made_at_the_same_moment_is_refused_not_a_server_error(
        self, actors, data, monkeypatch
    ):
        """Two people choose different variants at once: both pass the form's check, the
        database's constraint keeps one; the other gets a German message."""
        from building.forms import VariantForm

        client = actors.client(actors.coordinator)
        gas, pump = data.variants
        Variant.objects.filter(pk=pump.pk).update(is_chosen=True)
        gas.refresh_from_db()
        # The other person's check ran before this choice was saved.
        monkeypatch.setattr(VariantForm, "clean_is_chosen", lambda form: True)

        response = client.post(
            u("variant_edit", data.project.pk, gas.pk),
            edit_payload(gas, is_chosen="on", name="Gaskessel, umbenannt"),
        )

        assert response.status_code == 200  # the form again, with what was typed
        assert "Gerade wurde eine andere Variante als Referenz oder als gewählt" in text_of(
            response
        )
        gas.refresh_from_db()
        assert (gas.is_chosen, gas.name) == (False, "Gaskessel")

    @pytest.mark.parametrize(("who", "status"), [("other", 403), ("outsider", 404)])
    def test_others_cannot_choose(self, actors, data, who, status):
        client = actors.client(getattr(actors, who))
        gas, pump = data.variants
        response = client.post(
            u("variant_edit", data.project.pk, pump.pk), edit_payload(pump, is_chosen="on")
        )
        assert response.status_code == status
        pump.refresh_from_db()
        assert not pump.is_chosen


def test_demo_members_decided_on_heat_pumps(db):
    from building import demo as building_demo
    from network import demo

    seeded = demo.seed_network()
    building_demo.seed(seeded)
    ids = [m.pk for m in seeded.memberships.values()]

    result = co2_avoided(ids, timezone.localdate())

    chosen = Variant.objects.filter(is_chosen=True)
    assert set(chosen.values_list("name", flat=True)) == {"Wärmepumpe mit PV"}
    assert sum(a.projects for a in result.values()) == chosen.count()
    assert result and all(a.tonnes_per_year > 0 for a in result.values())
