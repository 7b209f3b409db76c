"""Issue 10, terms: one glossary of the status words, shown as help on the pages that use
them; buttons that say what they do."""

import re

import pytest
from django.urls import reverse

from procurement.glossary import MEANINGS, glossary
from procurement.models import Adoption, Criterion, DepartmentApproval, Milestone
from tests.procurement.factories import (
    AdoptionFactory,
    CriterionFactory,
    DepartmentApprovalFactory,
    MilestoneFactory,
    RoadmapFactory,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"procurement:{name}", args=["knn", *args])


@pytest.mark.parametrize(
    ("kind", "statuses"),
    [
        ("criterion", Criterion.Status),
        ("adoption", Adoption.Status),
        ("approval", DepartmentApproval.Status),
        ("milestone", Milestone.Status),
    ],
)
def test_every_status_has_its_explanation_under_its_own_word(kind, statuses):
    ((_heading, terms),) = glossary(kind)
    words = {term.value: term.word for term in terms}
    for status in statuses:
        assert words[status.value] == status.label  # the page's word, not a synonym
        assert len(MEANINGS[kind][status]) > 15


def test_the_same_word_is_explained_where_it_means_different_things():
    sections = dict(glossary("adoption", "approval"))
    adoption = {t.word: t.meaning for t in sections["Übernahme in der Kommune"]}
    approval = {t.word: t.meaning for t in sections["Antwort eines Fachbereichs"]}
    assert adoption["zugestimmt"] != approval["zugestimmt"]
    assert "Einwand" in approval and "nicht begonnen" in adoption


def test_the_pages_that_use_the_words_explain_them(actors):
    criterion = CriterionFactory(network=actors.network)
    adoption = AdoptionFactory(membership=actors.luenen, criterion=criterion)
    approval = DepartmentApprovalFactory(adoption=adoption, department=actors.luenen_department)
    MilestoneFactory(roadmap=RoadmapFactory(membership=actors.luenen))
    pages = {
        url("adoption_matrix", "luenen"): ["in Abstimmung", "Einwand"],
        url("adoption_detail", "luenen", adoption.pk): ["in Abstimmung", "angefragt"],
        url("approval_inbox"): ["angefragt", "Einwand"],
        url("approval_detail", approval.pk): ["angefragt", "übernommen"],
        url("network_matrix"): ["Entwurf", "angewendet"],
        url("roadmap", "luenen"): ["verzögert", "überfällig"],
    }
    client = actors.client(actors.observer)
    for address, words in pages.items():
        html = client.get(address).content.decode()
        block = re.search(r'<details class="glossary.*?</details>', html, re.S)
        assert block, address
        assert "<summary>Was bedeuten die Status?</summary>" in block.group(0)
        for word in words:
            assert f">{word}</dt>" in block.group(0), (address, word)


def test_the_release_button_says_what_it_does(actors):
    draft = CriterionFactory(network=actors.network, status="draft")
    client = actors.client(actors.moderator)
    html = client.get(url("criterion_detail", draft.pk)).content.decode()
    button = re.search(
        r"<button[^>]*aria-describedby=\"([^\"]+)\"[^>]*>"
        r"Für alle Mitglieder freigeben \(gilt ab sofort als abgestimmt\)</button>",
        html,
    )
    assert button
    explanation = re.search(rf'id="{button.group(1)}">(.*?)</span>', html, re.S).group(1)
    assert "erscheint sofort bei jeder Kommune zur Übernahme" in explanation
    assert "Status: abgestimmt" not in html
    response = client.post(url("criterion_status", draft.pk), {"status": "agreed"}, follow=True)
    assert "Das Kriterium ist für alle Mitglieder freigegeben." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "agreed"
    html = client.get(url("criterion_detail", draft.pk)).content.decode()
    assert "Zurückziehen (nicht mehr zur Übernahme anbieten)" in html
    assert "Für alle Mitglieder freigeben (gilt" not in html


def test_meetings_are_accepted_with_zusagen(actors):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import MeetingFactory

    meeting = MeetingFactory(network=actors.network, starts_at=timezone.now() + timedelta(days=7))
    client = actors.client(actors.coordinator)
    address = reverse("network:meeting_detail", args=["knn", meeting.pk])
    html = client.get(address).content.decode()
    assert ">Zusagen</button>" in html and ">Anmelden<" not in html
    response = client.post(
        reverse("network:attendance_respond", args=["knn", meeting.pk]),
        {"status": "registered"},
        follow=True,
    )
    text = response.content.decode()
    assert "Sie haben zugesagt." in text and "Ihr Stand: zugesagt" in text
