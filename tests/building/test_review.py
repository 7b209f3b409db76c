"""Four eyes: the municipality submits an assessment, the moderation or an expert of the
network accepts it (the rating is awarded) or returns it with comments."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from building import services
from building.models import (
    Assessment,
    AssessmentReview,
    BoardCriterion,
    ReviewComment,
    Score,
)
from building.progress import BuildingSection
from network.access import get_access
from network.models import Notification, Role
from network.progress import Period
from tests.building.factories import accepted, small_board
from tests.factories import RoleFactory

pytestmark = pytest.mark.django_db


def u(name, *args):
    return reverse(f"building:{name}", args=["knn", *args])


def criteria(board):
    return {c.code: c for c in BoardCriterion.objects.filter(group__board=board)}


def scored(assessment, user, points=None):
    """Score every criterion: K1 = K2 = 100, W1 = 50 → 75 % → Gold (a complete draft)."""
    points = points or {"K1": 100, "K2": 100, "W1": 50}
    services.assessment_save_scores(
        assessment=assessment,
        entries={
            c.pk: (points[code], "laut Plan") for code, c in criteria(assessment.board).items()
        },
        evidence={},
        loaded_version=assessment.version,
        user=user,
    )
    assessment.refresh_from_db()
    return assessment


def submitted(assessment, user):
    services.assessment_submit(assessment=assessment, user=user, loaded_version=assessment.version)
    assessment.refresh_from_db()
    return assessment


def state(assessment):
    """Everything a refused step must leave as it was."""
    assessment.refresh_from_db()
    return (
        assessment.status,
        assessment.version,
        assessment.rating,
        list(AssessmentReview.objects.values()),
        list(ReviewComment.objects.values()),
        list(Score.objects.values()),
        Assessment.history.count(),
    )


def decide(client, assessment, decision, **comments):
    payload = {"loaded_version": assessment.version, "decision": decision}
    payload.update(comments)
    return client.post(u("assessment_review", assessment.pk), payload, follow=True)


def page(client, assessment):
    response = client.get(u("assessment_detail", assessment.pk))
    assert response.status_code == 200
    return response.content.decode()


class TestWhoMay:
    def test_anonymous_goes_to_login_and_outsider_gets_404(self, actors, data, client):
        a = scored(data.assessment, actors.coordinator)
        for name in ("assessment_submit", "assessment_review"):
            response = client.post(u(name, a.pk))
            assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
            before = state(a)
            assert actors.client(actors.outsider).post(u(name, a.pk)).status_code == 404
            assert state(a) == before

    @pytest.mark.parametrize("who", ["other", "observer", "expert"])
    def test_only_who_edits_the_member_submits(self, actors, data, who):
        a = scored(data.assessment, actors.coordinator)
        before = state(a)
        response = actors.client(getattr(actors, who)).post(
            u("assessment_submit", a.pk), {"loaded_version": a.version}
        )
        assert response.status_code == 403
        assert state(a) == before

    @pytest.mark.parametrize("who", ["coordinator", "staff", "other", "observer"])
    def test_the_municipality_never_decides_on_its_own(self, actors, data, who):
        """Lünen's coordinator and staff, another member and the observer: 403, nothing
        changes, whichever decision they post."""
        a = submitted(scored(data.assessment, actors.coordinator), actors.coordinator)
        before = state(a)
        client = actors.client(getattr(actors, who))
        for decision in ("accept", "return"):
            response = client.post(
                u("assessment_review", a.pk),
                {"loaded_version": a.version, "decision": decision, "comment": "passt"},
            )
            assert response.status_code == 403
        assert state(a) == before
        assert "Bewertung bestätigen" not in page(client, a)

    def test_a_moderator_working_for_the_member_may_not_review_it(self, actors, data):
        """Decision: four eyes means the reviewer stands outside the municipality; a
        moderator who is also staff of Lünen is refused like Lünen's staff."""
        RoleFactory(
            user=actors.moderator,
            network=actors.network,
            kind=Role.Kind.STAFF,
            membership=actors.luenen,
        )
        a = submitted(scored(data.assessment, actors.coordinator), actors.coordinator)
        before = state(a)
        client = actors.client(actors.moderator)
        assert decide(client, a, "accept").status_code == 403
        assert state(a) == before

    def test_who_submitted_does_not_review_it(self, actors, data):
        """The moderator may submit for a member (they edit its data), but then somebody
        else has to review: the expert may, the moderator may not."""
        a = submitted(scored(data.assessment, actors.moderator), actors.moderator)
        before = state(a)
        client = actors.client(actors.moderator)
        assert "Bewertung bestätigen" not in page(client, a)
        text = decide(client, a, "accept").content.decode()
        assert "nicht wer für die Kommune arbeitet oder die Bewertung eingereicht hat" in text
        assert state(a) == before
        assert "Bewertung bestätigen" in page(actors.client(actors.expert), a)


class TestSubmit:
    def test_submit_tells_the_reviewers_and_freezes_the_scores(self, actors, data):
        a = scored(data.assessment, actors.coordinator)
        client = actors.client(actors.coordinator)
        text = page(client, a)
        assert "Zur Prüfung einreichen" in text and "vorläufig" in text
        response = client.post(
            u("assessment_submit", a.pk), {"loaded_version": a.version}, follow=True
        )
        assert "Die Bewertung ist zur Prüfung eingereicht" in response.content.decode()
        a.refresh_from_db()
        assert a.status == "submitted" and a.rating == "" and a.provisional_rating == "Gold"
        review = AssessmentReview.objects.get(assessment=a)
        assert (review.decision, review.submitted_by) == ("pending", actors.coordinator)
        told = set(
            Notification.objects.filter(title__contains="zur Prüfung eingereicht").values_list(
                "recipient_id", flat=True
            )
        )
        assert told == {actors.moderator.pk, actors.expert.pk}
        assert "In Prüfung seit" in page(client, a)
        # scores cannot change while submitted: neither the page nor the service
        before = state(a)
        response = client.post(
            u("assessment_score", a.pk), {"loaded_version": a.version}, follow=True
        )
        assert "zur Prüfung eingereicht; die Punkte können erst wieder" in response.content.decode()
        with pytest.raises(ValidationError):
            scored(a, actors.coordinator, {"K1": 0, "K2": 0, "W1": 0})
        assert state(a) == before

    def test_an_incomplete_assessment_is_not_submitted(self, actors, data):
        a = data.assessment
        services.assessment_save_scores(
            assessment=a,
            entries={criteria(a.board)["K1"].pk: (100, "")},
            evidence={},
            loaded_version=a.version,
            user=actors.coordinator,
        )
        a.refresh_from_db()
        before = state(a)
        response = actors.client(actors.coordinator).post(
            u("assessment_submit", a.pk), {"loaded_version": a.version}, follow=True
        )
        assert "Es fehlen noch die Punkte für 2 Kriterien" in response.content.decode()
        assert state(a) == before

    @pytest.mark.parametrize("version", ["", "abc", "1"])
    def test_a_stale_or_bad_version_submits_nothing(self, actors, data, version):
        """Scores saved after the page was loaded (version 1 is the fresh draft's) are never
        submitted unseen; a tampered version gives the same German message."""
        a = scored(data.assessment, actors.coordinator)
        before = state(a)
        response = actors.client(actors.coordinator).post(
            u("assessment_submit", a.pk), {"loaded_version": version}, follow=True
        )
        assert "Die Bewertung wurde inzwischen geändert" in response.content.decode()
        assert state(a) == before


class TestReview:
    def test_return_needs_a_comment_and_nothing_changes_without(self, actors, data):
        a = submitted(scored(data.assessment, actors.coordinator), actors.coordinator)
        before = state(a)
        k1 = criteria(a.board)["K1"]
        text = decide(
            actors.client(actors.expert), a, "return", comment="  ", **{f"comment_{k1.pk}": " "}
        ).content.decode()
        assert "Zum Zurückgeben bitte mindestens eine Anmerkung schreiben" in text
        assert state(a) == before

    def test_no_decision_is_a_german_message(self, actors, data):
        a = submitted(scored(data.assessment, actors.coordinator), actors.coordinator)
        before = state(a)
        text = decide(actors.client(actors.expert), a, "vielleicht").content.decode()
        assert "Wählen Sie eine gültige Option" in text or "gültige Auswahl" in text
        assert state(a) == before

    def test_returned_with_comments_is_a_draft_again_and_shows_them(self, actors, data):
        a = submitted(scored(data.assessment, actors.coordinator), actors.coordinator)
        k2 = criteria(a.board)["K2"]
        text = decide(
            actors.client(actors.expert),
            a,
            "return",
            comment="Bitte Nachweise ergänzen.",
            **{f"comment_{k2.pk}": "Wärmepumpe: Nachweis der JAZ fehlt."},
        ).content.decode()
        assert "mit Ihren Anmerkungen zurückgegeben" in text
        a.refresh_from_db()
        assert a.status == "draft" and a.rating == "" and a.finalised_at is None
        review = AssessmentReview.objects.get(assessment=a)
        assert (review.decision, review.decided_by) == ("returned", actors.expert)
        assert list(review.comments.values_list("criterion_id", "text")) == [
            (k2.pk, "Wärmepumpe: Nachweis der JAZ fehlt.")
        ]
        assert Notification.objects.filter(
            recipient=actors.coordinator, title="Bewertung zurückgegeben: Grundschule am Park"
        ).exists()
        client = actors.client(actors.coordinator)
        text = page(client, a)
        assert "Zurückgegeben am" in text and "Nachweis der JAZ fehlt" in text
        assert "Bitte Nachweise ergänzen." in text
        # editable again; a second submission opens a second review
        scored(a, actors.coordinator, {"K1": 100, "K2": 75, "W1": 50})
        submitted(a, actors.staff)
        assert list(a.reviews.values_list("decision", flat=True)) == ["pending", "returned"]

    def test_accept_awards_the_rating_and_tells_the_submitter(self, actors, data):
        a = submitted(scored(data.assessment, actors.staff), actors.staff)
        project = actors.client(actors.observer).get(u("project_detail", data.project.pk))
        assert "Gold (in Prüfung)" in project.content.decode()
        text = decide(actors.client(actors.moderator), a, "accept").content.decode()
        assert "Die Bewertung ist bestätigt" in text
        a.refresh_from_db()
        assert (a.status, a.rating, a.finalised_by) == ("final", "Gold", actors.moderator)
        assert a.is_final and a.finalised_at is not None
        review = a.reviews.get()
        assert (review.decision, review.decided_by) == ("accepted", actors.moderator)
        told = set(
            Notification.objects.filter(title__startswith="Bewertung bestätigt").values_list(
                "recipient_id", flat=True
            )
        )
        assert told == {actors.staff.pk, actors.coordinator.pk}
        assert "<strong>Gold</strong>" in page(actors.client(actors.observer), a)
        # in the history: submitted, then accepted, each with who and when on the review
        assert list(a.history.order_by("history_id").values_list("status", flat=True))[-2:] == [
            "submitted",
            "final",
        ]
        assert review.history.count() == 2
        # accepted: nobody changes anything any more
        before = state(a)
        for decision in ("accept", "return"):
            decide(actors.client(actors.expert), a, decision, comment="noch etwas")
        with pytest.raises(ValidationError):
            scored(a, actors.coordinator, {"K1": 0, "K2": 0, "W1": 0})
        assert state(a) == before

    def test_a_comment_on_a_criterion_of_another_board_is_refused(self, actors, data):
        a = submitted(scored(data.assessment, actors.coordinator), actors.coordinator)
        foreign = criteria(small_board(actors.network, name="Anderes"))["K1"]
        before = state(a)
        with pytest.raises(ValidationError):
            services.assessment_decide(
                assessment=a,
                access=get_access(actors.expert, "knn"),
                accept=False,
                loaded_version=a.version,
                comments={foreign.pk: "falsches Raster"},
            )
        assert state(a) == before


class TestConcurrency:
    def test_two_reviewers_at_once_one_wins_and_the_other_is_told(self, actors, data):
        """Both loaded the page at the same version: the moderator accepts first; the
        expert's return arrives with the old version and is refused, nothing of it kept."""
        a = submitted(scored(data.assessment, actors.coordinator), actors.coordinator)
        loaded = a.version
        services.assessment_decide(
            assessment=a,
            access=get_access(actors.moderator, "knn"),
            accept=True,
            loaded_version=loaded,
        )
        stale = Assessment.objects.get(pk=a.pk)
        stale.status = Assessment.Status.SUBMITTED  # as the expert's request read it
        before = state(a)
        with pytest.raises(ValidationError, match="inzwischen geändert"):
            services.assessment_decide(
                assessment=stale,
                access=get_access(actors.expert, "knn"),
                accept=False,
                loaded_version=loaded,
                comment="Zurück!",
            )
        assert state(a) == before
        assert a.status == "final" and a.reviews.get().decided_by == actors.moderator

    def test_the_status_change_is_conditional_on_status_and_version(self, actors, data):
        """Two requests holding the same row: only the first move happens."""
        a = submitted(scored(data.assessment, actors.coordinator), actors.coordinator)
        first, second = Assessment.objects.get(pk=a.pk), Assessment.objects.get(pk=a.pk)
        assert first.accept(actors.moderator, first.version) is True
        assert second.send_back(second.version) is False
        a.refresh_from_db()
        assert (a.status, a.finalised_by) == ("final", actors.moderator)

    def test_a_decision_on_an_older_submission_is_refused(self, actors, data):
        """Returned and submitted again meanwhile: a decision made on the old page does not
        land on the new submission."""
        a = submitted(scored(data.assessment, actors.coordinator), actors.coordinator)
        old = a.version
        services.assessment_decide(
            assessment=a,
            access=get_access(actors.moderator, "knn"),
            accept=False,
            loaded_version=old,
            comment="Bitte K2 belegen.",
        )
        a.refresh_from_db()
        submitted(a, actors.coordinator)
        before = state(a)
        text = decide(
            actors.client(actors.expert), Assessment(pk=a.pk, version=old), "accept"
        ).content.decode()
        assert "Die Bewertung wurde inzwischen geändert" in text
        assert state(a) == before


class TestLists:
    def test_comparison_project_page_and_report_tell_the_stages_apart(self, actors, data):
        client = actors.client(actors.observer)
        a = scored(data.assessment, actors.coordinator)
        comparison = client.get(u("comparison")).content.decode()
        assert "Gold (vorläufig)" in comparison
        submitted(a, actors.coordinator)
        comparison = client.get(u("comparison")).content.decode()
        assert "Gold (in Prüfung)" in comparison and ">in Prüfung</td>" in comparison
        project = client.get(u("project_detail", data.project.pk)).content.decode()
        assert "in Prüfung" in project and "Gold (in Prüfung)" in project
        section = BuildingSection()
        period = Period(date(2020, 1, 1), timezone.localdate())
        context = section.context(actors.luenen, period)
        fragment = render_to_string(section.template, context)
        assert "(in Prüfung)" in fragment
        accepted_a = services.assessment_decide(
            assessment=a,
            access=get_access(actors.expert, "knn"),
            accept=True,
            loaded_version=a.version,
        )
        assert accepted_a.decision == "accepted"
        comparison = client.get(u("comparison")).content.decode()
        assert ">bestätigt</td>" in comparison and "Gold (" not in comparison

    def test_open_items_say_what_is_to_do_and_assessed_means_accepted(self, actors, data):
        section = BuildingSection()
        today = timezone.localdate()
        period = Period(date(2020, 1, 1), today)
        a = scored(data.assessment, actors.coordinator)

        def titles():
            return [i.title for i in section.open_items([actors.luenen, actors.herten], today)]

        def assessed():
            figures = section.figures([actors.luenen], period)[actors.luenen.pk]
            return next(f.value for f in figures if f.key == "projects_assessed")

        assert titles() == ["Bewertung einreichen: Grundschule am Park"]
        submitted(a, actors.coordinator)
        assert titles() == ["Bewertung prüfen: Grundschule am Park"]
        assert assessed() == 0  # submitted is not assessed
        accepted_assessment = Assessment.objects.get(pk=a.pk)
        services.assessment_decide(
            assessment=accepted_assessment,
            access=get_access(actors.expert, "knn"),
            accept=True,
            loaded_version=accepted_assessment.version,
        )
        assert titles() == [] and assessed() == 1

    def test_the_test_helper_awards_through_the_review(self, actors, data):
        a = accepted(
            scored(data.assessment, actors.coordinator),
            submitter=actors.coordinator,
            reviewer=actors.expert,
        )
        assert (a.status, a.rating, a.finalised_by) == ("final", "Gold", actors.expert)
