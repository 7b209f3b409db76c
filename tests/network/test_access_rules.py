"""Each access rule is written once, its predicate beside its queryset form, and the two
agree for every actor and row; "still a member" has one definition."""

from datetime import timedelta

import pytest
from django.utils import timezone

from network.access import get_access
from network.models import Membership
from network.models.people import still_member_q
from procurement import access as procurement_access
from procurement.models import DepartmentApproval
from tests.factories import DepartmentFactory, MembershipFactory, MunicipalityFactory
from tests.procurement.factories import (
    AdoptionFactory,
    CriterionFactory,
    DepartmentApprovalFactory,
    ProductGroupFactory,
)

pytestmark = pytest.mark.django_db

ACTORS = ["moderator", "expert", "observer", "coordinator", "staff", "other"]


@pytest.fixture
def members(actors):
    """Beside Lünen and Herten: a member that left, and one that joins next month."""
    today = timezone.localdate()
    left = MembershipFactory(
        network=actors.network,
        municipality=MunicipalityFactory(name="Ausgetreten"),
        joined_on=today - timedelta(days=400),
        left_on=today - timedelta(days=1),
    )
    future = MembershipFactory(
        network=actors.network,
        municipality=MunicipalityFactory(name="Bald dabei"),
        joined_on=today + timedelta(days=30),
    )
    return [actors.luenen, actors.herten, left, future]


def test_still_a_member_is_one_rule_for_rows_and_querysets(actors, members):
    today = timezone.localdate()
    for on in (today - timedelta(days=500), today, today + timedelta(days=60)):
        active = set(Membership.objects.filter(still_member_q(on)).values_list("pk", flat=True))
        assert active == {m.pk for m in Membership.objects.all() if m.is_active_on(on)}
    assert {m.pk for m in members if m.is_active} == {actors.luenen.pk, actors.herten.pk}


def test_editable_memberships_agree_with_can_edit_membership(actors, members):
    for who in ACTORS:
        access = get_access(getattr(actors, who), "knn")
        editable = set(
            Membership.objects.filter(access.editable_memberships_q()).values_list("pk", flat=True)
        )
        assert editable == {m.pk for m in members if access.can_edit_membership(m)}, who


def test_answerable_approvals_agree_with_can_approve_for(actors, members):
    group = ProductGroupFactory(network=actors.network)
    approvals = []
    for membership in members:
        department = (
            actors.luenen_department
            if membership == actors.luenen
            else actors.herten_department
            if membership == actors.herten
            else DepartmentFactory(municipality=membership.municipality)
        )
        for dept in {department, DepartmentFactory(municipality=membership.municipality)}:
            adoption = AdoptionFactory(
                membership=membership,
                criterion=CriterionFactory(network=actors.network, product_group=group),
            )
            approvals.append(DepartmentApprovalFactory(adoption=adoption, department=dept))
    for who in ACTORS:
        access = get_access(getattr(actors, who), "knn")
        answerable = set(
            procurement_access.answerable_approvals(
                access, DepartmentApproval.objects.all()
            ).values_list("pk", flat=True)
        )
        expected = {
            a.pk for a in approvals if access.can_approve_for(a.department, a.adoption.membership)
        }
        assert answerable == expected, who
        if who in {"staff", "coordinator", "moderator"}:
            assert expected, who  # the comparison is not vacuous
