"""The funding register (issue 14): who reads and keeps it, what a programme must say, which
programmes fit a building project or a procurement milestone, and what that costs."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from building import demo as building_demo
from building.models import BuildingProject
from building.views.projects import _funding_need
from network import demo, funding
from network.models import FundingProgramme
from procurement.models import Roadmap
from tests.building.factories import ProjectFactory
from tests.procurement.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

K = FundingProgramme.Kind
B = FundingProgramme.BuildingType


def programme(network, **values):
    defaults = dict(
        name="BEG Einzelmaßnahmen",
        provider="BAFA",
        url="https://www.bafa.de/beg",
        kinds=[K.RENOVATION, K.HEATING],
        grant_rate_pct=Decimal("30"),
        valid_from=date(2024, 1, 1),
        last_checked=date(2026, 10, 1),
    )
    return FundingProgramme.objects.create(network=network, **{**defaults, **values})


def u(name, *args, network="knn"):
    return reverse(f"network:{name}", args=[network, *args])


GOOD = {
    "name": "progres.nrw – Klimaschutztechnik",
    "provider": "Land NRW",
    "url": "https://www.bra.nrw.de/progres",
    "kinds": ["heating", "pv"],
    "building_type": "",
    "conditions": "Antrag vor Auftragsvergabe.",
    "grant_rate_pct": "25 %",
    "grant_amount_eur": "",
    "valid_from": "01.01.2023",
    "valid_to": "31.12.2027",
    "last_checked": "15.11.2026",
}


# --- the rule, on plain values ----------------------------------------------------------


def need(kinds, day, residential=None):
    return funding.Need(frozenset(kinds), day, residential)


def test_validity_includes_both_ends_and_an_open_end_never_ends():
    p = FundingProgramme(kinds=[K.PV], valid_from=date(2024, 1, 1), valid_to=date(2024, 12, 31))
    assert not funding.matches(p, need({K.PV}, date(2023, 12, 31)))
    assert funding.matches(p, need({K.PV}, date(2024, 1, 1)))
    assert funding.matches(p, need({K.PV}, date(2024, 12, 31)))
    assert not funding.matches(p, need({K.PV}, date(2025, 1, 1)))
    p.valid_to = None
    assert funding.matches(p, need({K.PV}, date(2099, 1, 1)))


def test_a_programme_fits_when_it_funds_one_of_the_kinds():
    p = FundingProgramme(kinds=[K.RENOVATION, K.HEATING], valid_from=date(2024, 1, 1))
    day = date(2025, 6, 1)
    assert funding.matches(p, need({K.NEW_BUILD, K.HEATING}, day))
    assert not funding.matches(p, need({K.NEW_BUILD, K.PV}, day))
    assert not funding.matches(p, need(set(), day))


def test_building_type_narrows_buildings_but_not_other_needs():
    p = FundingProgramme(
        kinds=[K.NEW_BUILD, K.PROCUREMENT],
        valid_from=date(2024, 1, 1),
        building_type=B.NON_RESIDENTIAL,
    )
    day = date(2025, 6, 1)
    assert funding.matches(p, need({K.NEW_BUILD}, day, residential=False))
    assert not funding.matches(p, need({K.NEW_BUILD}, day, residential=True))
    assert funding.matches(p, need({K.PROCUREMENT}, day))  # no building: type not asked
    p.building_type = B.ANY
    assert funding.matches(p, need({K.NEW_BUILD}, day, residential=True))


def test_programmes_for_answers_only_from_its_own_network(actors):
    mine = programme(actors.network, kinds=[K.PV])
    programme(actors.other_network, kinds=[K.PV])
    assert funding.programmes_for(actors.network, {K.PV}, date(2025, 1, 1)) == [mine]
    assert funding.programmes_for_many(actors.network, []) == []


# --- the register pages -------------------------------------------------------------------


def test_list_shows_every_member_the_register(actors):
    programme(actors.network, name="BEG EM", example_data=True, valid_to=date(2027, 12, 31))
    programme(
        actors.network, name="KfW 432", valid_from=date(2011, 1, 1), valid_to=date(2012, 1, 1)
    )
    for user in (actors.coordinator, actors.other, actors.observer, actors.moderator):
        page = actors.client(user).get(u("funding_list")).content.decode()
        assert "BEG EM" in page and "KfW 432" in page
        assert "Beispieldaten, bitte prüfen" in page
        assert "30\u00a0%" in page and "gültig 01.01.2024 bis 31.12.2027" in page
        assert "derzeit nicht gültig" in page  # KfW 432 ended
    member_page = actors.client(actors.coordinator).get(u("funding_list")).content.decode()
    assert u("funding_create") not in member_page


def test_anonymous_goes_to_login_and_outsider_gets_404(actors):
    p = programme(actors.network)
    for url in (u("funding_list"), u("funding_create"), u("funding_edit", p.pk)):
        response = actors.client(None).get(url)
        assert response.status_code == 302 and "/konto/anmelden/" in response["Location"]
        assert actors.client(actors.outsider).get(url).status_code == 404
    # A programme of another network is not found through this one, even by its moderator.
    foreign = programme(actors.other_network, name="Fremd")
    assert actors.client(actors.moderator).get(u("funding_edit", foreign.pk)).status_code == 404


def test_moderator_creates_a_programme_with_german_numbers_and_dates(actors):
    response = actors.client(actors.moderator).post(u("funding_create"), GOOD)
    assert response.status_code == 302
    p = FundingProgramme.objects.get(network=actors.network)
    assert p.kinds == [K.HEATING, K.PV]
    assert p.grant_rate_pct == Decimal("25")
    assert (p.valid_from, p.valid_to) == (date(2023, 1, 1), date(2027, 12, 31))
    assert p.history.count() == 1


def test_moderator_edits_a_programme(actors):
    p = programme(actors.network)
    data = {**GOOD, "grant_amount_eur": "1.250.000,00 €", "loaded_version": p.version}
    response = actors.client(actors.moderator).post(u("funding_edit", p.pk), data)
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.grant_amount_eur == Decimal("1250000") and p.version == 2


@pytest.mark.parametrize("user", ["coordinator", "other", "expert", "observer"])
def test_members_cannot_create_or_edit(actors, user):
    p = programme(actors.network)
    client = actors.client(getattr(actors, user))
    assert client.get(u("funding_create")).status_code == 403
    assert client.post(u("funding_create"), GOOD).status_code == 403
    data = {**GOOD, "loaded_version": p.version}
    assert client.post(u("funding_edit", p.pk), data).status_code == 403
    p.refresh_from_db()
    assert p.name == "BEG Einzelmaßnahmen" and p.version == 1
    assert FundingProgramme.objects.count() == 1


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"valid_to": "31.12.2022"}, "valid_to", "Das Ende der Gültigkeit liegt vor ihrem Beginn."),
        (
            {"grant_rate_pct": "", "grant_amount_eur": ""},
            "grant_rate_pct",
            "Bitte eine Förderquote oder einen Förderbetrag angeben.",
        ),
        ({"grant_rate_pct": "120 %"}, "grant_rate_pct", "zwischen 0 und 100"),
        ({"grant_rate_pct": "-5"}, "grant_rate_pct", "zwischen 0 und 100"),
        ({"url": "javascript:alert(1)"}, "url", "http:// oder https://"),
        ({"url": "ftp://example.org/richtlinie.pdf"}, "url", "http:// oder https://"),
        ({"kinds": []}, "kinds", "Bitte angeben, was das Programm fördert."),
        ({"kinds": ["lottery"]}, "kinds", "gültige"),
        ({"valid_from": "31.02.2024"}, "valid_from", ""),
    ],
)
def test_bad_input_gives_a_german_message_and_changes_nothing(actors, change, field, message):
    p = programme(actors.network)
    client = actors.client(actors.moderator)
    for url, data in (
        (u("funding_create"), {**GOOD, **change}),
        (u("funding_edit", p.pk), {**GOOD, **change, "loaded_version": p.version}),
    ):
        response = client.post(url, data)
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert field in errors and message in " ".join(errors[field])
    p.refresh_from_db()
    assert FundingProgramme.objects.count() == 1
    assert (p.name, p.version) == ("BEG Einzelmaßnahmen", 1)


def test_the_database_refuses_a_programme_without_rate_or_amount(actors):
    with pytest.raises(IntegrityError), transaction.atomic():
        programme(actors.network, grant_rate_pct=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        programme(actors.network, valid_from=date(2025, 1, 1), valid_to=date(2024, 1, 1))


# --- the project page ---------------------------------------------------------------------


def test_project_page_shows_the_programmes_that_fit(actors):
    programme(
        actors.network, name="KfW 499 Neubau", kinds=[K.NEW_BUILD], building_type=B.NON_RESIDENTIAL
    )
    programme(actors.network, name="progres.nrw", kinds=[K.PV], valid_from=date(2023, 1, 1))
    programme(actors.network, name="BEG EM Heizung", kinds=[K.RENOVATION, K.HEATING])
    programme(
        actors.network, name="Nur Wohngebäude", kinds=[K.NEW_BUILD], building_type=B.RESIDENTIAL
    )
    programme(actors.network, name="Zu spät", kinds=[K.NEW_BUILD], valid_from=date(2025, 3, 2))
    programme(actors.network, name="Beschaffung", kinds=[K.PROCUREMENT])
    project = ProjectFactory(
        membership=actors.luenen,
        use=BuildingProject.Use.DAYCARE,
        pv_peak_kw=Decimal("40"),
        application_date=date(2025, 3, 1),
    )
    response = actors.client(actors.other).get(
        reverse("building:project_detail", args=["knn", project.pk])
    )
    names = [p.name for p in response.context["funding"]]
    assert names == ["KfW 499 Neubau", "progres.nrw"]
    page = response.content.decode()
    assert "Passende Förderprogramme" in page and "zuletzt geprüft am 01.10.2026" in page
    assert "Geprüft für den 01.03.2025" in page


def test_a_renovation_with_a_new_heating_and_no_application_is_checked_for_today(actors):
    today = timezone.localdate()
    programme(actors.network, name="BEG EM Heizung", kinds=[K.HEATING], valid_from=today)
    programme(
        actors.network, name="Abgelaufen", kinds=[K.HEATING], valid_to=today - timedelta(days=1)
    )
    project = ProjectFactory(
        membership=actors.luenen,
        kind=BuildingProject.Kind.RENOVATION,
        in_new_development_area=None,
        heating_replaced=True,
        application_date=None,
        construction_start=None,
    )
    response = actors.client(actors.coordinator).get(
        reverse("building:project_detail", args=["knn", project.pk])
    )
    assert [p.name for p in response.context["funding"]] == ["BEG EM Heizung"]


def test_project_page_costs_the_same_whatever_the_register(actors):
    project = ProjectFactory(membership=actors.luenen)
    client = actors.client(actors.coordinator)
    url = reverse("building:project_detail", args=["knn", project.pk])
    client.get(url)  # warm what is cached once per process

    def queries_with(n):
        for i in range(FundingProgramme.objects.count(), n):
            programme(actors.network, name=f"Programm {i:02}", kinds=[K.NEW_BUILD])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(response.context["funding"]) == n
        return len(queries)

    assert queries_with(1) == queries_with(15)


@pytest.mark.parametrize("n", [1, 20])
def test_list_page_has_a_fixed_number_of_queries(actors, n, django_assert_max_num_queries):
    for i in range(n):
        programme(actors.network, name=f"Programm {i:02}")
    client = actors.client(actors.coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(u("funding_list"))
    assert response.content.decode().count("Programm ") >= n


# --- the roadmap --------------------------------------------------------------------------


def test_roadmap_names_the_procurement_programmes_valid_on_each_due_date(actors):
    programme(
        actors.network,
        name="Kommunalrichtlinie",
        kinds=[K.PROCUREMENT],
        valid_from=date(2026, 1, 1),
        valid_to=date(2026, 12, 31),
    )
    programme(actors.network, name="Nur Bauen", kinds=[K.RENOVATION])
    roadmap = Roadmap.objects.create(network=actors.network, membership=actors.luenen)
    inside = MilestoneFactory(
        roadmap=roadmap, title="Kriterien beschließen", due_on=date(2026, 12, 31)
    )
    MilestoneFactory(roadmap=roadmap, title="Später", due_on=date(2027, 1, 1))
    MilestoneFactory(roadmap=roadmap, title="Ohne Datum", due_on=None)
    response = actors.client(actors.other).get(
        reverse("procurement:roadmap", args=["knn", "luenen"])
    )
    found = {m.title: [p.name for p in ps] for m, _overdue, ps in response.context["milestones"]}
    assert found == {
        "Kriterien beschließen": ["Kommunalrichtlinie"],
        "Später": [],
        "Ohne Datum": [],
    }
    assert response.content.decode().count("Kommunalrichtlinie") == 1
    assert inside.pk


def test_roadmap_costs_the_same_whatever_the_milestones(actors):
    programme(actors.network, name="Kommunalrichtlinie", kinds=[K.PROCUREMENT])
    roadmap = Roadmap.objects.create(network=actors.network, membership=actors.luenen)
    client = actors.client(actors.coordinator)
    url = reverse("procurement:roadmap", args=["knn", "luenen"])

    def queries_with(n):
        for i in range(roadmap.milestones.count(), n):
            MilestoneFactory(roadmap=roadmap, due_on=date(2026, 1, 1) + timedelta(days=i))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.content.decode().count("Kommunalrichtlinie") == n
        return len(queries)

    client.get(url)  # warm what is cached once per process
    assert queries_with(2) == queries_with(30)


# --- the demo -----------------------------------------------------------------------------


def test_demo_register_is_marked_and_a_second_run_adds_nothing():
    seeded = demo.seed_network(date(2026, 12, 1))
    programmes = FundingProgramme.objects.filter(network=seeded.network)
    assert programmes.count() == len(demo.funding_plan(seeded.today)) >= 4
    assert all(p.example_data for p in programmes)
    for p in programmes:
        p.full_clean()  # every seeded programme is valid input
    demo.seed_network(date(2026, 12, 1))
    assert FundingProgramme.objects.filter(network=seeded.network).count() == programmes.count()


@pytest.mark.parametrize("day", [date(2026, 12, 1), date(2029, 8, 20)])
def test_demo_kita_in_werne_shows_two_programmes(day):
    """Issue 14's acceptance: the demo's Kita Stockum in Werne, built from the same facts
    building.demo seeds it with, fits two programmes of the demo register on any day."""
    seeded = demo.seed_network(day)
    slugs = list(seeded.memberships)
    facts = building_demo.project_facts("werne", slugs.index("werne"), 0, day)
    assert facts.pop("name") == "Neubau Kita Stockum"
    kita = BuildingProject(membership=seeded.memberships["werne"], **facts)
    found = funding.programmes_for_many(seeded.network, [_funding_need(kita)])[0]
    assert [p.name for p in found] == [
        "Klimafreundlicher Neubau – Nichtwohngebäude – Kommunen (KfW 499)",
        "progres.nrw – Klimaschutztechnik",
    ]


def test_demo_kita_page_shows_two_programmes(settings):
    """The same through the seeded demo and the project page."""
    settings.DEBUG = True
    call_command("seed_demo", without_series=True, without_reports=True, stdout=StringIO())
    kita = BuildingProject.objects.get(name="Neubau Kita Stockum")
    client = Client()
    client.force_login(kita.membership.roles.filter(kind="coordinator").first().user)
    response = client.get(reverse("building:project_detail", args=["knn", kita.pk]))
    assert len(response.context["funding"]) == 2
