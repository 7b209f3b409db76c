"""factory_boy factories of the procurement app."""

from datetime import date

import factory

from procurement.models import (
    Adoption,
    Criterion,
    DepartmentApproval,
    Level,
    Milestone,
    ProductGroup,
    Roadmap,
    Stage,
    Tender,
)
from tests.factories import MembershipFactory, NetworkFactory


class ProductGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductGroup

    network = factory.SubFactory(NetworkFactory)
    name = factory.Sequence(lambda n: f"Warengruppe {n}")
    cpv_codes = ["30200000"]


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    network = factory.SubFactory(NetworkFactory)
    product_group = factory.SubFactory(
        ProductGroupFactory, network=factory.SelfAttribute("..network")
    )
    title = factory.Sequence(lambda n: f"Kriterium {n}")
    stage = Stage.SPECIFICATION
    level = Level.CORE
    status = Criterion.Status.AGREED


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Adoption

    membership = factory.SubFactory(MembershipFactory)
    criterion = factory.SubFactory(
        CriterionFactory, network=factory.SelfAttribute("..membership.network")
    )


class DepartmentApprovalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepartmentApproval

    adoption = factory.SubFactory(AdoptionFactory)


class TenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tender

    membership = factory.SubFactory(MembershipFactory)
    title = factory.Sequence(lambda n: f"Ausschreibung {n}")
    product_group = factory.SubFactory(
        ProductGroupFactory, network=factory.SelfAttribute("..membership.network")
    )
    estimated_value = 10000
    procedure = Tender.Procedure.OPEN_NATIONAL
    published_on = date(2025, 3, 1)


class RoadmapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Roadmap

    membership = factory.SubFactory(MembershipFactory)
    network = factory.SelfAttribute("membership.network")


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    roadmap = factory.SubFactory(RoadmapFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Meilenstein {n}")
