"""The agreement round: requests, agreements, objections, re-requests, milestones."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from procurement import services
from procurement.models import Adoption, DepartmentApproval, Milestone
from tests.factories import DepartmentFactory
from tests.procurement.factories import AdoptionFactory, CriterionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(actors):
    it = DepartmentFactory(municipality=actors.luenen.municipality, name="IT")
    adoption = AdoptionFactory(
        membership=actors.luenen,
        criterion=CriterionFactory(network=actors.network, title="Recyclingpapier"),
        target_date=date(2027, 6, 30),
    )
    return adoption, actors.luenen_department, it


def status(obj):
    obj.refresh_from_db()
    return obj.status


def test_all_departments_agree(actors, round_):
    adoption, vergabe, it = round_
    asked = services.adoption_request_approvals(
        adoption=adoption, departments=[vergabe, it], user=actors.coordinator
    )
    assert status(adoption) == Adoption.Status.CONSULTATION
    first, second = sorted(asked, key=lambda a: a.department.name)
    # IT has no staff: the moderation decides (the coordinator asked, and nobody decides
    # their own request).
    services.approval_decide(approval=first, agree=True, comment="", user=actors.moderator)
    assert status(adoption) == Adoption.Status.CONSULTATION  # one still pending
    services.approval_decide(approval=second, agree=True, comment="passt", user=actors.staff)
    assert status(adoption) == Adoption.Status.AGREED
    assert adoption.agreed_on is not None
    assert not Milestone.objects.exists()  # add_milestone was not chosen


def test_objection_sends_back_and_rerequest_keeps_history(actors, round_):
    adoption, vergabe, it = round_
    services.adoption_request_approvals(
        adoption=adoption, departments=[vergabe, it], user=actors.coordinator
    )
    approval_it = DepartmentApproval.objects.get(department=it)
    approval_vergabe = DepartmentApproval.objects.get(department=vergabe)
    services.approval_decide(approval=approval_vergabe, agree=True, comment="", user=actors.staff)
    services.approval_decide(
        approval=approval_it, agree=False, comment="Markt zu klein", user=actors.moderator
    )
    assert status(adoption) == Adoption.Status.OPEN
    assert status(approval_it) == DepartmentApproval.Status.OBJECTION
    assert approval_it.comment == "Markt zu klein"
    # Asked again: only the department that objected is pending again.
    asked = services.adoption_request_approvals(
        adoption=adoption, departments=[vergabe, it], user=actors.coordinator
    )
    assert [a.department for a in asked] == [it]
    assert status(approval_vergabe) == DepartmentApproval.Status.AGREED
    assert status(approval_it) == DepartmentApproval.Status.PENDING
    assert status(adoption) == Adoption.Status.CONSULTATION
    services.approval_decide(approval=approval_it, agree=True, comment="", user=actors.moderator)
    assert status(adoption) == Adoption.Status.AGREED
    # The whole exchange is in the history: pending → objection → pending → agreed.
    states = list(
        approval_it.history.order_by("history_date", "history_id").values_list("status", "comment")
    )
    assert states == [
        ("pending", ""),
        ("objection", "Markt zu klein"),
        ("pending", "Markt zu klein"),
        ("agreed", ""),
    ]


def test_answer_twice_is_refused(actors, round_):
    adoption, vergabe, _it = round_
    (approval,) = services.adoption_request_approvals(
        adoption=adoption, departments=[vergabe], user=actors.coordinator
    )
    services.approval_decide(approval=approval, agree=True, comment="", user=actors.staff)
    with pytest.raises(ValidationError, match="bereits beantwortet"):
        services.approval_decide(approval=approval, agree=False, comment="doch nicht", user=None)
    assert status(approval) == DepartmentApproval.Status.AGREED


def test_objection_without_comment_is_refused(actors, round_):
    adoption, vergabe, _it = round_
    (approval,) = services.adoption_request_approvals(
        adoption=adoption, departments=[vergabe], user=actors.coordinator
    )
    with pytest.raises(ValidationError):
        services.approval_decide(approval=approval, agree=False, comment=" ", user=actors.staff)
    assert status(approval) == DepartmentApproval.Status.PENDING


def test_agreement_adds_milestone_when_asked(actors, round_):
    adoption, vergabe, _it = round_
    adoption.add_milestone = True
    adoption.department = vergabe
    adoption.save()
    (approval,) = services.adoption_request_approvals(
        adoption=adoption, departments=[vergabe], user=actors.coordinator
    )
    services.approval_decide(approval=approval, agree=True, comment="", user=actors.staff)
    milestone = Milestone.objects.get()
    assert milestone.title == "Kriterium anwenden: Recyclingpapier"
    assert milestone.due_on == date(2027, 6, 30)
    assert milestone.department == vergabe
    assert list(milestone.criteria.all()) == [adoption.criterion]
    assert milestone.roadmap.membership == actors.luenen


def test_transitions_after_agreement(actors, round_):
    adoption, vergabe, _it = round_
    with pytest.raises(ValidationError, match="kein Übergang"):
        services.adoption_set_status(adoption=adoption, status=Adoption.Status.ADOPTED)
    (approval,) = services.adoption_request_approvals(
        adoption=adoption, departments=[vergabe], user=actors.coordinator
    )
    services.approval_decide(approval=approval, agree=True, comment="", user=actors.staff)
    adoption.refresh_from_db()
    services.adoption_set_status(adoption=adoption, status=Adoption.Status.ADOPTED)
    services.adoption_set_status(adoption=adoption, status=Adoption.Status.APPLIED)
    assert status(adoption) == Adoption.Status.APPLIED
    with pytest.raises(ValidationError):
        services.adoption_request_approvals(
            adoption=adoption, departments=[vergabe], user=actors.coordinator
        )


def test_decline_and_reopen(actors, round_):
    adoption, _vergabe, _it = round_
    with pytest.raises(ValidationError):
        services.adoption_set_status(adoption=adoption, status=Adoption.Status.DECLINED)
    services.adoption_set_status(
        adoption=adoption, status=Adoption.Status.DECLINED, reason="Kein Bedarf"
    )
    assert (status(adoption), adoption.decline_reason) == ("declined", "Kein Bedarf")
    services.adoption_set_status(adoption=adoption, status=Adoption.Status.OPEN)
    assert (status(adoption), adoption.decline_reason) == ("open", "")


def test_department_of_another_municipality_is_refused(actors, round_):
    adoption, _vergabe, _it = round_
    with pytest.raises(ValidationError):
        services.adoption_request_approvals(
            adoption=adoption, departments=[actors.herten_department], user=actors.coordinator
        )
    assert not DepartmentApproval.objects.exists()
    assert status(adoption) == Adoption.Status.OPEN


def test_a_stale_adoption_cannot_overwrite_a_newer_state(actors, round_):
    """Two people on the same agreed adoption: one declines it, the other (page loaded
    before) marks it as adopted or asks again. The decline stands."""
    adoption, vergabe, _it = round_
    Adoption.objects.filter(pk=adoption.pk).update(status=Adoption.Status.AGREED)
    mine = Adoption.objects.get(pk=adoption.pk)
    theirs = Adoption.objects.get(pk=adoption.pk)
    services.adoption_set_status(
        adoption=theirs, status=Adoption.Status.DECLINED, reason="Kein Bedarf"
    )
    assert mine.status == Adoption.Status.AGREED  # what the slower page still shows
    with pytest.raises(ValidationError, match="kein Übergang"):
        services.adoption_set_status(adoption=mine, status=Adoption.Status.ADOPTED)
    stale = Adoption.objects.get(pk=adoption.pk)
    stale.status = Adoption.Status.AGREED  # as loaded before the decline
    with pytest.raises(ValidationError):
        services.adoption_request_approvals(
            adoption=stale, departments=[vergabe], user=actors.coordinator
        )
    adoption.refresh_from_db()
    assert (adoption.status, adoption.decline_reason) == ("declined", "Kein Bedarf")
    assert not DepartmentApproval.objects.exists()
