"""A case's conclusion taken over as a guideline draft (hook `case_outcomes`, implemented in
building.exchange): who may, what the draft says, the links both ways, and only once."""

import pytest
from django.urls import reverse

from building.models import Guideline
from network.access import get_access
from network.exchange import services
from network.models import Case
from network.models.exchange import Phase

pytestmark = pytest.mark.django_db

CONCLUSION = "# Pilot statt Grundsatzstreit\n\nZwei Ausschreibungen mit LCC-Wertung."


def done_case(actors, **values):
    access = get_access(actors.coordinator, "knn")
    case = services.case_bring(
        access=access,
        membership=actors.luenen,
        title="Die Kämmerei lehnt Lebenszykluskosten in der Wertung ab",
        description="Die Kämmerei will nur den Preis werten.",
        confidentiality=values.get("confidentiality", Case.Confidentiality.NETWORK),
        link_values=[],
    )
    Case.objects.filter(pk=case.pk).update(
        phase=Phase.DONE, phase_open=False, conclusion=CONCLUSION
    )
    case.refresh_from_db()
    return case


def outcome_url(case):
    return reverse("network:case_outcome", args=["knn", case.pk, "leitlinie"])


def case_url(case):
    return reverse("network:case_detail", args=["knn", case.pk])


def test_the_moderator_turns_the_conclusion_into_a_guideline_draft(actors):
    case = done_case(actors)
    client = actors.client(actors.moderator)
    assert "Als Leitlinien-Entwurf übernehmen" in client.get(case_url(case)).content.decode()
    response = client.post(outcome_url(case))
    assert response.status_code == 302
    guideline = Guideline.objects.get()
    assert (guideline.status, guideline.body, guideline.from_case, guideline.network) == (
        Guideline.Status.DRAFT,
        CONCLUSION,
        case,
        actors.network,
    )
    assert guideline.history.get().history_user == actors.moderator
    detail_url = reverse("building:guideline_detail", args=["knn", guideline.pk])
    page = client.get(case_url(case)).content.decode()
    assert f'href="{detail_url}"' in page
    assert "Als Leitlinien-Entwurf übernehmen" not in page  # once per case
    guideline_page = client.get(detail_url).content.decode()
    assert "Entstanden aus der Fallberatung:" in guideline_page
    assert f'href="{case_url(case)}"' in guideline_page


def test_a_second_click_makes_no_second_draft(actors):
    case = done_case(actors)
    client = actors.client(actors.moderator)
    client.post(outcome_url(case))
    assert client.post(outcome_url(case)).status_code == 403
    assert Guideline.objects.count() == 1


@pytest.mark.parametrize("who", ["coordinator", "expert", "staff", "other", "observer"])
def test_only_the_moderator_takes_a_conclusion_over(actors, who):
    case = done_case(actors)
    assert actors.client(getattr(actors, who)).post(outcome_url(case)).status_code == 403
    assert not Guideline.objects.exists()


def test_a_running_case_has_no_conclusion_to_take_over(actors):
    case = done_case(actors)
    Case.objects.filter(pk=case.pk).update(phase=Phase.CONCLUSION, phase_open=True)
    assert actors.client(actors.moderator).post(outcome_url(case)).status_code == 403
    assert not Guideline.objects.exists()


def test_an_unknown_outcome_is_404_and_the_outsider_gets_404(actors):
    case = done_case(actors)
    url = reverse("network:case_outcome", args=["knn", case.pk, "nirgends"])
    assert actors.client(actors.moderator).post(url).status_code == 404
    assert actors.client(actors.outsider).post(outcome_url(case)).status_code == 404
    assert not Guideline.objects.exists()


def test_the_draft_link_is_shown_to_those_who_see_drafts(actors):
    case = done_case(actors)
    actors.client(actors.moderator).post(outcome_url(case))
    guideline = Guideline.objects.get()
    detail_url = reverse("building:guideline_detail", args=["knn", guideline.pk])
    assert (
        f'href="{detail_url}"' in actors.client(actors.expert).get(case_url(case)).content.decode()
    )
    assert (
        f'href="{detail_url}"'
        not in actors.client(actors.staff).get(case_url(case)).content.decode()
    )
    guideline.status = Guideline.Status.PUBLISHED
    guideline.save()
    assert (
        f'href="{detail_url}"' in actors.client(actors.staff).get(case_url(case)).content.decode()
    )


def test_a_guideline_keeps_its_text_when_the_case_is_deleted(actors):
    case = done_case(actors)
    actors.client(actors.moderator).post(outcome_url(case))
    case.delete()
    guideline = Guideline.objects.get()
    assert guideline.from_case is None and guideline.body == CONCLUSION
    page = actors.client(actors.moderator).get(
        reverse("building:guideline_detail", args=["knn", guideline.pk])
    )
    assert "Entstanden aus der Fallberatung" not in page.content.decode()


def test_a_confidential_cases_title_is_not_shown_on_the_published_guideline(actors):
    case = done_case(actors, confidentiality=Case.Confidentiality.MODERATION)
    actors.client(actors.moderator).post(outcome_url(case))
    guideline = Guideline.objects.get()
    Guideline.objects.filter(pk=guideline.pk).update(status="published", title="Leitlinie LCC")
    page = (
        actors.client(actors.staff)
        .get(reverse("building:guideline_detail", args=["knn", guideline.pk]))
        .content.decode()
    )
    assert "vertraulicher Fall" in page and case_url(case) not in page
