"""factory_boy factories of the building app."""

from datetime import date
from decimal import Decimal

import factory

from building import services
from building.models import (
    BoardCriterion,
    BuildingProject,
    CriteriaGroup,
    EnergyUse,
    Guideline,
    RatingLevel,
    ScoringBoard,
    Variant,
)
from tests.factories import MembershipFactory, NetworkFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BuildingProject
        skip_postgeneration_save = True

    membership = factory.SubFactory(MembershipFactory)
    name = factory.Sequence(lambda n: f"Bauvorhaben {n}")
    use = BuildingProject.Use.SCHOOL
    kind = BuildingProject.Kind.NEW_BUILD
    phase = 3
    gross_floor_area_m2 = Decimal("2000")
    roof_area_m2 = Decimal("1000")
    solar_area_m2 = Decimal("400")
    in_new_development_area = False
    application_date = date(2025, 3, 1)
    construction_start = date(2025, 9, 1)
    heating = BuildingProject.Heating.HEAT_PUMP
    renewable_heat_share_pct = Decimal("100")
    budget_eur = Decimal("5000000")

    @factory.post_generation
    def refresh(obj, create, extracted, **kwargs):
        if create:
            services.project_refresh(project=obj)


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ScoringBoard

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Raster {n}")


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CriteriaGroup

    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"Gruppe {n}")
    weight_pct = Decimal("50")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardCriterion

    group = factory.SubFactory(GroupFactory)
    code = factory.Sequence(lambda n: f"C{n}")
    name = factory.Sequence(lambda n: f"Kriterium {n}")
    factor = Decimal("1")
    target = "Ziel"
    reference = "Referenz"
    threshold = "Grenze"


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RatingLevel

    board = factory.SubFactory(BoardFactory)
    name = "Gold"
    min_total_pct = Decimal("60")


def small_board(network, *, active=True, name="Testraster"):
    """Two groups of 50 %: "Klima" (K1 factor 1, K2 factor 3, K2 minimum 30) and "Kosten"
    (W1 factor 2); Gold ≥ 60 % with ≥ 40 % per group, Bronze ≥ 30 %."""
    board = BoardFactory(network=network, name=name)
    klima = GroupFactory(board=board, name="Klima", code="K", position=0)
    kosten = GroupFactory(board=board, name="Kosten", code="W", position=1)
    CriterionFactory(group=klima, code="K1", name="Treibhausgase", factor=1, position=0)
    CriterionFactory(
        group=klima, code="K2", name="Erneuerbare Wärme", factor=3, minimum_points=30, position=1
    )
    CriterionFactory(group=kosten, code="W1", name="Lebenszykluskosten", factor=2, position=0)
    LevelFactory(board=board, name="Gold", min_total_pct=60, min_group_pct=40)
    LevelFactory(board=board, name="Bronze", min_total_pct=30)
    if active:
        board = services.board_activate(board=board)
    return board


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Variant

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Variante {n}")
    investment_eur = Decimal("10000")
    lifetime_years = 20


class EnergyUseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnergyUse

    variant = factory.SubFactory(VariantFactory)
    carrier = EnergyUse.Carrier.GAS
    kwh_per_year = Decimal("10000")
    price_eur_per_kwh = Decimal("0.10")
    emission_kg_per_kwh = Decimal("0.2")


def gas_and_heat_pump(project):
    """The worked example of test_economics: 500 € per tonne avoided at r = 0, T = 20."""
    gas = VariantFactory(project=project, name="Gaskessel", is_reference=True)
    EnergyUseFactory(variant=gas)
    pump = VariantFactory(project=project, name="Wärmepumpe", investment_eur=Decimal("20000"))
    EnergyUseFactory(
        variant=pump,
        carrier=EnergyUse.Carrier.ELECTRICITY,
        kwh_per_year=3000,
        price_eur_per_kwh=Decimal("0.30"),
        emission_kg_per_kwh=Decimal("0.4"),
    )
    return gas, pump


class GuidelineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guideline

    network = factory.SubFactory(NetworkFactory)
    title = factory.Sequence(lambda n: f"Leitlinie {n}")
    body = "# Wärme\n\nMindestens **65 %** erneuerbar."
    status = Guideline.Status.PUBLISHED


def accepted(assessment, *, submitter, reviewer):
    """Submit `assessment` (complete) and have `reviewer` accept it: the four-eyes path
    that awards its rating (building.services.assessment_submit / assessment_decide)."""
    from network.access import get_access

    assessment.refresh_from_db()
    services.assessment_submit(
        assessment=assessment, user=submitter, loaded_version=assessment.version
    )
    assessment.refresh_from_db()
    services.assessment_decide(
        assessment=assessment,
        access=get_access(reviewer, assessment.project.membership.network.slug),
        accept=True,
        loaded_version=assessment.version,
    )
    assessment.refresh_from_db()
    return assessment
