"""The progress section's figures and fixed query counts; the matrices at two sizes."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from network.progress import Period, sections
from procurement.models import Adoption, DepartmentApproval, Milestone, Tender
from procurement.progress import ProcurementSection
from tests.factories import DepartmentFactory, MembershipFactory
from tests.procurement.factories import (
    AdoptionFactory,
    CriterionFactory,
    DepartmentApprovalFactory,
    MilestoneFactory,
    ProductGroupFactory,
    RoadmapFactory,
    TenderFactory,
)

pytestmark = pytest.mark.django_db


def fill(network, membership, group, criteria, size):
    """Per member: `size` adoptions in varied states, milestones and tenders."""
    department = DepartmentFactory(municipality=membership.municipality)
    roadmap = RoadmapFactory(membership=membership)
    states = list(Adoption.Status)
    for index, criterion in enumerate(criteria[:size]):
        adoption = AdoptionFactory(
            membership=membership, criterion=criterion, status=states[index % len(states)]
        )
        DepartmentApprovalFactory(adoption=adoption, department=department)
        MilestoneFactory(roadmap=roadmap, due_on=date(2025, 1, 1) + timedelta(days=index))
        tender = TenderFactory(membership=membership, product_group=group)
        tender.applied_criteria.add(criterion)


def test_section_is_registered():
    assert any(isinstance(s, ProcurementSection) for s in sections())


def test_figures_hand_computed(actors):
    group = ProductGroupFactory(network=actors.network)
    c1, c2 = CriterionFactory.create_batch(2, network=actors.network, product_group=group)
    AdoptionFactory(membership=actors.luenen, criterion=c1, status=Adoption.Status.APPLIED)
    AdoptionFactory(membership=actors.luenen, criterion=c2, status=Adoption.Status.AGREED)
    AdoptionFactory(membership=actors.herten, criterion=c1, status=Adoption.Status.OPEN)
    roadmap = RoadmapFactory(membership=actors.luenen)
    MilestoneFactory(roadmap=roadmap, status=Milestone.Status.DONE, due_on=date(2025, 2, 1))
    MilestoneFactory(roadmap=roadmap, status=Milestone.Status.PLANNED, due_on=date(2025, 3, 1))
    MilestoneFactory(roadmap=roadmap, status=Milestone.Status.DELAYED, due_on=date(2026, 2, 1))
    MilestoneFactory(roadmap=roadmap, status=Milestone.Status.DROPPED, due_on=date(2025, 1, 1))
    good = TenderFactory(
        membership=actors.luenen,
        product_group=group,
        estimated_value=30000,
        published_on=date(2025, 4, 1),
    )
    good.applied_criteria.add(c1, c2)
    partial = TenderFactory(
        membership=actors.luenen,
        product_group=group,
        estimated_value=10000,
        published_on=date(2025, 6, 1),
    )
    partial.applied_criteria.add(c1)
    TenderFactory(membership=actors.luenen, product_group=group, published_on=date(2024, 6, 1))
    figures = ProcurementSection().figures([actors.luenen, actors.herten], Period.year(2025))
    luenen = {f.key: f.value for f in figures[actors.luenen.pk]}
    assert luenen == {
        "roadmap_done_pct": 33.3,  # 1 done of 3 not dropped
        # Overdue at the end of the period: the planned one (due 1 March 2025); the delayed
        # one is due only in 2026.
        "milestones_overdue": 1,
        "criteria_agreed": 2,
        "criteria_adopted": 1,
        "criteria_applied": 1,
        "tender_share_count_pct": 50.0,  # 2025: 1 of 2
        "tender_share_value_pct": 75.0,  # 30,000 of 40,000
        "tender_volume_with_criteria": 30000.0,  # the compliant tender of 2025
    }
    herten = {f.key: f.value for f in figures[actors.herten.pk]}
    assert herten["criteria_agreed"] == 0 and herten["tender_share_count_pct"] is None
    assert herten["roadmap_done_pct"] is None


@pytest.mark.parametrize("members", [2, 12])
def test_figures_and_open_items_fixed_queries(actors, members, django_assert_num_queries):
    group = ProductGroupFactory(network=actors.network)
    criteria = CriterionFactory.create_batch(6, network=actors.network, product_group=group)
    memberships = [MembershipFactory(network=actors.network) for _ in range(members)]
    for membership in memberships:
        fill(actors.network, membership, group, criteria, 6)
    section = ProcurementSection()
    with django_assert_num_queries(5):
        figures = section.figures(memberships, Period.year(2025))
    assert len(figures) == members
    assert all(len(v) == 8 for v in figures.values())
    with django_assert_num_queries(2):
        items = section.open_items(memberships, timezone.localdate())
    approvals = [i for i in items if i.kind == "approval"]
    assert len(approvals) == members * 6
    assert all(i.department_id for i in approvals)
    assert any(i.kind == "milestone" and i.overdue for i in items)


def test_context_and_template(actors):
    from django.template.loader import render_to_string

    group = ProductGroupFactory(network=actors.network, name="Papier")
    criterion = CriterionFactory(network=actors.network, product_group=group)
    AdoptionFactory(membership=actors.luenen, criterion=criterion, status="adopted")
    MilestoneFactory(roadmap=RoadmapFactory(membership=actors.luenen), title="Startschuss")
    TenderFactory(
        membership=actors.luenen,
        product_group=group,
        title="Kopierpapier 2025",
        published_on=date(2025, 2, 1),
    )
    section = ProcurementSection()
    context = section.context(actors.luenen, Period.year(2025))
    html = render_to_string(section.template, context)
    assert "Startschuss" in html and "Kopierpapier 2025" in html
    assert '<th scope="row">Papier</th><td>1</td><td>1</td><td>1</td><td>0</td>' in html


@pytest.mark.parametrize("members, criteria", [(2, 3), (10, 12)])
def test_network_matrix_queries(actors, members, criteria, django_assert_max_num_queries):
    group = ProductGroupFactory(network=actors.network, name="Reinigung")
    items = CriterionFactory.create_batch(criteria, network=actors.network, product_group=group)
    for _ in range(members):
        fill(actors.network, MembershipFactory(network=actors.network), group, items, criteria)
    client = actors.client(actors.moderator)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("procurement:network_matrix", args=["knn"]))
    assert response.content.decode().count("/uebernahmen/") == members + 2


@pytest.mark.parametrize("criteria", [3, 25])
def test_adoption_matrix_queries(actors, criteria, django_assert_max_num_queries):
    group = ProductGroupFactory(network=actors.network)
    items = CriterionFactory.create_batch(criteria, network=actors.network, product_group=group)
    fill(actors.network, actors.luenen, group, items, criteria)
    client = actors.client(actors.coordinator)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("procurement:adoption_matrix", args=["knn", "luenen"]))
    assert response.content.decode().count('name="criteria"') == criteria


@pytest.mark.parametrize("size", [2, 20])
def test_list_pages_queries(actors, size, django_assert_max_num_queries):
    group = ProductGroupFactory(network=actors.network)
    items = CriterionFactory.create_batch(size, network=actors.network, product_group=group)
    fill(actors.network, actors.luenen, group, items, size)
    client = actors.client(actors.moderator)
    tenders = [t.title for t in Tender.objects.all()]
    milestones = [m.title for m in Milestone.objects.all()]
    pages = [
        ("criterion_list", [], [c.title for c in items]),
        ("approval_inbox", [], [c.title for c in items]),
        ("tender_list", ["luenen"], tenders),
        ("roadmap", ["luenen"], milestones),
        ("index", [], ["Lünen"]),
    ]
    for name, args, shown in pages:
        with django_assert_max_num_queries(14):
            response = client.get(reverse(f"procurement:{name}", args=["knn", *args]))
        page = response.content.decode()
        assert all(title in page for title in shown), name
    inbox = client.get(reverse("procurement:approval_inbox", args=["knn"])).content.decode()
    assert inbox.count("Antwort senden") == DepartmentApproval.objects.count() == size


@pytest.mark.parametrize("size", [2, 20])
def test_csv_exports_queries(actors, size, django_assert_max_num_queries):
    group = ProductGroupFactory(network=actors.network)
    items = CriterionFactory.create_batch(size, network=actors.network, product_group=group)
    fill(actors.network, actors.luenen, group, items, size)
    client = actors.client(actors.moderator)
    exports = [
        ("adoption_csv", ["luenen"], {}, size),
        ("tender_csv", ["luenen"], {}, size),
        ("roadmap", ["luenen"], {"format": "csv"}, size),
        ("network_matrix", [], {"format": "csv"}, actors.network.memberships.count()),
    ]
    for name, args, query, rows in exports:
        with django_assert_max_num_queries(12):
            response = client.get(reverse(f"procurement:{name}", args=["knn", *args]), query)
        lines = response.content.decode("utf-8-sig").splitlines()
        assert len(lines) == rows + 1, name  # header and one line per row
