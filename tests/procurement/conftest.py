from dataclasses import dataclass
from datetime import date

import pytest

from procurement.models import Adoption, DepartmentApproval, Milestone
from tests.procurement.factories import (
    AdoptionFactory,
    CriterionFactory,
    DepartmentApprovalFactory,
    MilestoneFactory,
    ProductGroupFactory,
    RoadmapFactory,
    TenderFactory,
)


@dataclass
class Data:
    group: object
    criterion: object
    adoption: object  # Lünen, in consultation, its Vergabestelle asked
    approval: object
    herten_adoption: object
    tender: object
    roadmap: object
    milestone: object


@pytest.fixture
def data(actors):
    group = ProductGroupFactory(network=actors.network, name="IT-Geräte", cpv_codes=["30200000"])
    criterion = CriterionFactory(
        network=actors.network, product_group=group, title="Energieeffiziente Monitore"
    )
    adoption = AdoptionFactory(
        membership=actors.luenen, criterion=criterion, status=Adoption.Status.CONSULTATION
    )
    approval = DepartmentApprovalFactory(adoption=adoption, department=actors.luenen_department)
    herten_adoption = AdoptionFactory(membership=actors.herten, criterion=criterion)
    tender = TenderFactory(
        membership=actors.luenen,
        product_group=group,
        title="Rahmenvertrag Bildschirme",
        estimated_value=120000,
        published_on=date(2025, 5, 2),
    )
    roadmap = RoadmapFactory(membership=actors.luenen)
    milestone = MilestoneFactory(
        roadmap=roadmap,
        title="Dienstanweisung Beschaffung beschließen",
        due_on=date(2024, 6, 30),
        status=Milestone.Status.PLANNED,
    )
    assert approval.status == DepartmentApproval.Status.PENDING
    return Data(group, criterion, adoption, approval, herten_adoption, tender, roadmap, milestone)
