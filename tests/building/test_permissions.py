"""The permission matrix of every building view: anonymous → login, outsider → 404,
writing another municipality's data or the moderator's work → 403 and nothing changed."""

import pytest
from django.urls import reverse

from building.models import (
    Assessment,
    BuildingProject,
    BuildingSettings,
    CriteriaGroup,
    Guideline,
    RatingLevel,
    Score,
    ScoringBoard,
    Variant,
)

pytestmark = pytest.mark.django_db


def u(name, *args):
    return reverse(f"building:{name}", args=["knn", *args])


def all_urls(data):
    """(url, method) of every view of the area."""
    p, a, b = data.project, data.assessment, data.board
    group = b.groups.first()
    criterion = group.criteria.first()
    level = b.levels.first()
    variant = data.variants[0]
    g = data.guideline
    return [
        (u("project_list"), "get"),
        (u("project_create"), "get"),
        (u("project_detail", p.pk), "get"),
        (u("project_edit", p.pk), "get"),
        (u("project_economics", p.pk), "get"),
        (u("variant_create", p.pk), "get"),
        (u("variant_edit", p.pk, variant.pk), "get"),
        (u("variant_delete", p.pk, variant.pk), "post"),
        (u("assessment_create", p.pk), "post"),
        (u("comparison"), "get"),
        (u("settings"), "get"),
        (u("assessment_detail", a.pk), "get"),
        (u("assessment_score", a.pk), "get"),
        (u("assessment_submit", a.pk), "post"),
        (u("assessment_review", a.pk), "post"),
        (u("board_list"), "get"),
        (u("board_create"), "get"),
        (u("board_detail", b.pk), "get"),
        (u("board_edit", b.pk), "get"),
        (u("board_activate", b.pk), "post"),
        (u("board_new_version", b.pk), "post"),
        (u("group_create", b.pk), "get"),
        (u("group_edit", b.pk, group.pk), "get"),
        (u("criterion_create", b.pk), "get"),
        (u("criterion_edit", b.pk, criterion.pk), "get"),
        (u("level_create", b.pk), "get"),
        (u("level_edit", b.pk, level.pk), "get"),
        (u("board_part_delete", b.pk, "stufe", level.pk), "post"),
        (u("document", 1), "get"),
        (u("guideline_list"), "get"),
        (u("guideline_create"), "get"),
        (u("guideline_detail", g.pk), "get"),
        (u("guideline_edit", g.pk), "get"),
        (u("guideline_attach", g.pk), "post"),
    ]


def snapshot():
    """Everything the views could change, to assert that a refused write changed nothing."""
    return (
        list(BuildingProject.objects.order_by("pk").values()),
        list(Variant.objects.order_by("pk").values()),
        list(Assessment.objects.order_by("pk").values()),
        list(Score.objects.order_by("pk").values()),
        list(ScoringBoard.objects.order_by("pk").values()),
        list(CriteriaGroup.objects.order_by("pk").values()),
        list(RatingLevel.objects.order_by("pk").values()),
        list(Guideline.objects.order_by("pk").values()),
        list(BuildingSettings.objects.order_by("pk").values()),
    )


def test_anonymous_is_sent_to_login_everywhere(client, actors, data):
    before = snapshot()
    for url, method in all_urls(data):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert snapshot() == before


def test_outsider_gets_404_everywhere(actors, data):
    client = actors.client(actors.outsider)
    before = snapshot()
    for url, method in all_urls(data):
        assert getattr(client, method)(url).status_code == 404, url
    assert snapshot() == before


def test_objects_of_another_network_are_404(actors, data):
    from tests.building.factories import ProjectFactory, small_board

    foreign = ProjectFactory(membership=actors.other_membership)
    foreign_board = small_board(actors.other_network)
    client = actors.client(actors.moderator)
    for url in (
        u("project_detail", foreign.pk),
        u("project_economics", foreign.pk),
        u("board_detail", foreign_board.pk),
    ):
        assert client.get(url).status_code == 404, url


PROJECT_POST = {
    "name": "Umbenannt",
    "use": "school",
    "kind": "new_build",
    "phase": "4",
    "in_new_development_area": "false",
    "heating": "heat_pump",
    "publicly_owned": "on",
}


def member_writes(data):
    p, a = data.project, data.assessment
    variant = data.variants[0]
    return [
        (u("project_edit", p.pk), PROJECT_POST),
        (u("variant_create", p.pk), {"name": "Neu", "investment_eur": "1", "lifetime_years": "1"}),
        (
            u("variant_edit", p.pk, variant.pk),
            {"name": "X", "investment_eur": "1", "lifetime_years": "1"},
        ),
        (u("variant_delete", p.pk, variant.pk), {}),
        (u("assessment_create", p.pk), {"board": data.board.pk}),
        (u("assessment_score", a.pk), {"loaded_version": a.version}),
        (u("assessment_submit", a.pk), {"loaded_version": a.version}),
    ]


@pytest.mark.parametrize("who", ["other", "observer", "expert"])
def test_member_data_of_lunen_cannot_be_written_by_others(actors, data, who):
    client = actors.client(getattr(actors, who))
    before = snapshot()
    for url, payload in member_writes(data):
        assert client.post(url, payload).status_code == 403, url
        assert client.get(url).status_code in (403, 405), url
    assert snapshot() == before


def moderator_writes(data):
    b = data.board
    group = b.groups.first()
    level = b.levels.first()
    return [
        (
            u("settings"),
            {
                "discount_rate_pct": "5",
                "period_years": "10",
                "co2_price_eur_per_t": "1",
                "co2_price_escalation_pct": "0",
            },
        ),
        (u("board_create"), {"preset": "dgnb"}),
        (u("board_edit", b.pk), {"name": "X"}),
        (u("board_activate", b.pk), {}),
        (u("board_new_version", b.pk), {}),
        (u("group_create", b.pk), {"name": "X", "weight_pct": "1", "position": "0"}),
        (u("group_edit", b.pk, group.pk), {"name": "X", "weight_pct": "1", "position": "0"}),
        (
            u("criterion_create", b.pk),
            {"group": group.pk, "name": "X", "factor": "1", "position": "0"},
        ),
        (u("level_create", b.pk), {"name": "X", "min_total_pct": "1"}),
        (u("level_edit", b.pk, level.pk), {"name": "X", "min_total_pct": "1"}),
        (u("board_part_delete", b.pk, "stufe", level.pk), {}),
    ]


@pytest.mark.parametrize("who", ["coordinator", "staff", "expert", "observer"])
def test_boards_and_settings_are_the_moderators_work(actors, data, who):
    client = actors.client(getattr(actors, who))
    before = snapshot()
    for url, payload in moderator_writes(data):
        assert client.post(url, payload).status_code == 403, url
    assert snapshot() == before


@pytest.mark.parametrize("who", ["coordinator", "staff", "observer"])
def test_guidelines_are_written_by_moderator_and_experts_only(actors, data, who):
    client = actors.client(getattr(actors, who))
    before = snapshot()
    g = data.guideline
    for url in (u("guideline_create"), u("guideline_edit", g.pk), u("guideline_attach", g.pk)):
        assert client.post(url, {"title": "X", "body": "X", "status": "draft"}).status_code == 403
    assert client.get(u("guideline_create")).status_code == 403
    assert snapshot() == before


def test_observer_and_other_members_read_everything(actors, data):
    for who in ("observer", "other", "expert"):
        client = actors.client(getattr(actors, who))
        text = client.get(u("project_detail", data.project.pk)).content.decode()
        assert "Grundschule am Park" in text
        assert "Angaben bearbeiten" not in text  # no edit link for them
        text = client.get(u("assessment_detail", data.assessment.pk)).content.decode()
        assert "Gesamterfüllungsgrad" in text and "Punkte vergeben" not in text


def test_a_member_that_left_is_readable_but_not_editable(actors, data):
    from datetime import date

    actors.luenen.left_on = date(2025, 1, 1)
    actors.luenen.save()
    client = actors.client(actors.coordinator)
    assert client.get(u("project_detail", data.project.pk)).status_code == 200
    before = snapshot()
    assert client.post(u("project_edit", data.project.pk), PROJECT_POST).status_code == 403
    assert snapshot() == before
