"""Intervision (kollegiale Fallberatung, network.exchange): who brings, reads and steers a
case, the phases and their contributions, confidentiality, links to the topic apps'
objects, the agenda, notifications, the history and what the pages cost."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import checks
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from network import plugins
from network.access import get_access
from network.exchange import links, rules, services
from network.models import AgendaItem, Case, CaseLink, Contribution, Notification
from network.models.exchange import Phase
from network.models.notifications import Kind
from tests.building.factories import GuidelineFactory, ProjectFactory
from tests.factories import MeetingFactory
from tests.procurement.factories import CriterionFactory, MilestoneFactory, RoadmapFactory

pytestmark = pytest.mark.django_db

TITLE = "Die Kämmerei lehnt Lebenszykluskosten in der Wertung ab"


def u(name, *args):
    return reverse(f"network:{name}", args=["knn", *args])


def bring(actors, user=None, **values):
    """A case of Lünen brought by its coordinator (or `user`) through the service."""
    user = user or actors.coordinator
    access = get_access(user, "knn")
    defaults = dict(
        membership=actors.luenen,
        title=TITLE,
        description="Die Kämmerei will nur den Preis werten.",
        confidentiality=Case.Confidentiality.NETWORK,
        link_values=[],
    )
    return services.case_bring(access=access, **{**defaults, **values})


def at(case, phase, is_open=True):
    Case.objects.filter(pk=case.pk).update(phase=phase, phase_open=is_open)
    case.refresh_from_db()
    return case


# --- doors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["case_list", "case_create"])
def test_anonymous_goes_to_login_and_outsider_gets_404(actors, client, name):
    assert client.get(u(name)).status_code == 302
    assert (
        "/konto/" in client.get(u(name))["Location"] or "login" in client.get(u(name))["Location"]
    )
    assert actors.client(actors.outsider).get(u(name)).status_code == 404


def test_case_pages_are_404_for_the_outsider_and_login_for_the_anonymous(actors, client):
    case = bring(actors)
    for name in ["case_detail", "case_edit", "case_history", "conclusion_edit", "case_schedule"]:
        assert client.get(u(name, case.pk)).status_code == 302
        assert actors.client(actors.outsider).get(u(name, case.pk)).status_code == 404
    response = actors.client(actors.outsider).post(
        u("contribution_create", case.pk), {"text": "Hallo"}
    )
    assert response.status_code == 404
    assert not Contribution.objects.exists()


# --- bringing a case -----------------------------------------------------------------------


def test_a_coordinator_brings_a_case_with_links_and_the_network_hears_of_it(actors):
    criterion = CriterionFactory(network=actors.network, title="Lebenszykluskosten")
    roadmap = RoadmapFactory(membership=actors.luenen)
    milestone = MilestoneFactory(roadmap=roadmap, title="LCC-Wertung einführen")
    project = ProjectFactory(membership=actors.luenen, name="Kita Sonnenblume")
    guideline = GuidelineFactory(network=actors.network, title="Leitlinie Wärme")
    client = actors.client(actors.coordinator)
    page = client.get(u("case_create"))
    assert page.status_code == 200
    for text in ["Lebenszykluskosten", "LCC-Wertung einführen", "Kita Sonnenblume"]:
        assert text in page.content.decode()
    response = client.post(
        u("case_create"),
        {
            "membership": actors.luenen.pk,
            "title": TITLE,
            "description": "Die Kämmerei will nur den Preis werten.",
            "confidentiality": "network",
            "links": [
                f"procurement.criterion:{criterion.pk}",
                f"procurement.milestone:{milestone.pk}",
                f"building.project:{project.pk}",
                f"building.guideline:{guideline.pk}",
            ],
        },
    )
    case = Case.objects.get()
    assert response["Location"] == u("case_detail", case.pk)
    assert (case.owner, case.membership, case.phase, case.phase_open) == (
        actors.coordinator,
        actors.luenen,
        Phase.PRESENTATION,
        True,
    )
    assert CaseLink.objects.filter(case=case).count() == 4
    detail = client.get(u("case_detail", case.pk)).content.decode()
    for target in [
        reverse("procurement:criterion_detail", args=["knn", criterion.pk]),
        reverse("procurement:roadmap", args=["knn", "luenen"]),
        reverse("building:project_detail", args=["knn", project.pk]),
        reverse("building:guideline_detail", args=["knn", guideline.pk]),
    ]:
        assert f'href="{target}"' in detail
    told = set(Notification.objects.filter(kind=Kind.CASE).values_list("recipient", flat=True))
    expected = {actors.moderator, actors.expert, actors.observer, actors.staff, actors.other}
    assert told == {user.pk for user in expected}  # not the author, not the outsider


def test_a_coordinator_cannot_bring_a_case_for_another_municipality(actors):
    response = actors.client(actors.coordinator).post(
        u("case_create"),
        {
            "membership": actors.herten.pk,
            "title": TITLE,
            "description": "x",
            "confidentiality": "network",
        },
    )
    assert response.status_code == 200
    assert "Kommune" in response.content.decode()
    assert not Case.objects.exists()


def test_a_link_to_another_networks_object_is_refused(actors):
    foreign = CriterionFactory(network=actors.other_network)
    response = actors.client(actors.coordinator).post(
        u("case_create"),
        {
            "membership": actors.luenen.pk,
            "title": TITLE,
            "description": "x",
            "confidentiality": "network",
            "links": [f"procurement.criterion:{foreign.pk}"],
        },
    )
    assert response.status_code == 200
    assert (
        "keine gültige Auswahl" in response.content.decode()
        or "gültig" in response.content.decode()
    )
    assert not Case.objects.exists()


def test_an_empty_form_gives_german_errors(actors):
    response = actors.client(actors.coordinator).post(u("case_create"), {})
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not Case.objects.exists()


def test_observers_do_not_bring_cases(actors):
    client = actors.client(actors.observer)
    assert client.get(u("case_create")).status_code == 403
    client.post(u("case_create"), {"membership": actors.luenen.pk, "title": "x"})
    assert not Case.objects.exists()


# --- phases -----------------------------------------------------------------------------------


def step(client, case, action, phase):
    return client.post(u("case_phase", case.pk), {"action": action, "phase": phase})


def test_the_owner_steps_through_the_phases_and_the_case_ends_with_the_conclusion(actors):
    case = bring(actors)
    owner = actors.client(actors.coordinator)
    step(owner, case, "close", "presentation")
    case.refresh_from_db()
    assert (case.phase, case.phase_open) == ("presentation", False)
    step(owner, case, "open", "questions")
    case.refresh_from_db()
    assert (case.phase, case.phase_open) == ("questions", True)
    # a phase is not skipped
    step(owner, case, "open", "conclusion")
    case.refresh_from_db()
    assert case.phase == "questions"
    step(owner, case, "close", "questions")
    step(owner, case, "open", "ideas")
    step(owner, case, "close", "ideas")
    step(owner, case, "open", "conclusion")
    case.refresh_from_db()
    assert (case.phase, case.phase_open) == ("conclusion", True)
    # no closing without a conclusion
    response = step(owner, case, "close", "conclusion")
    case.refresh_from_db()
    assert case.phase == "conclusion"
    page = owner.get(response["Location"]).content.decode()
    assert "Bitte schreiben Sie zuerst das Fazit" in page
    owner.post(
        u("conclusion_edit", case.pk),
        {"conclusion": "Wir starten mit einem Pilot.", "loaded_version": case.version},
    )
    case.refresh_from_db()
    assert case.conclusion == "Wir starten mit einem Pilot."
    step(owner, case, "close", "conclusion")
    case.refresh_from_db()
    assert case.is_done and case.closed_at is not None and not case.phase_open
    # a done case is steered no more
    assert owner.get(u("case_edit", case.pk)).status_code == 403
    # every step is in the history
    phases = list(case.history.order_by("history_id").values_list("phase", "phase_open"))
    assert ("questions", True) in phases and ("done", False) in phases


def test_opening_a_phase_tells_the_network(actors):
    case = at(bring(actors), "presentation", is_open=False)
    Notification.objects.all().delete()
    step(actors.client(actors.moderator), case, "open", "questions")
    told = Notification.objects.filter(kind=Kind.CASE)
    assert told.filter(recipient=actors.coordinator).exists()
    assert "Verständnisfragen" in told.get(recipient=actors.staff).title


@pytest.mark.parametrize("who", ["staff", "other", "expert", "observer"])
def test_only_the_owner_and_the_moderation_steer(actors, who):
    case = bring(actors)
    client = actors.client(getattr(actors, who))
    assert step(client, case, "close", "presentation").status_code == 403
    assert client.get(u("case_edit", case.pk)).status_code == 403
    case.refresh_from_db()
    assert case.phase_open is True


def test_a_step_clicked_twice_happens_once(actors):
    case = bring(actors)
    assert case.close_phase("presentation") is True
    assert case.close_phase("presentation") is False
    assert case.open_phase("questions") is True
    stale = Case.objects.get(pk=case.pk)
    assert case.close_phase("questions") is True
    assert stale.open_phase("questions") is False  # the state moved on under it
    case.refresh_from_db()
    assert (case.phase, case.phase_open) == ("questions", False)


def test_a_bad_phase_action_gives_a_message_not_an_error(actors):
    case = bring(actors)
    response = actors.client(actors.coordinator).post(
        u("case_phase", case.pk), {"action": "explode", "phase": "nirgends"}, follow=True
    )
    assert response.status_code == 200
    assert "Diese Phase kann so nicht geändert werden." in response.content.decode()


# --- contributions -------------------------------------------------------------------------


def test_contributions_land_in_the_open_phase_and_the_owner_hears_of_them(actors):
    case = at(bring(actors), "questions")
    Notification.objects.all().delete()
    response = actors.client(actors.other).post(
        u("contribution_create", case.pk), {"text": "Wer entscheidet in der Kämmerei?"}
    )
    contribution = Contribution.objects.get()
    assert response["Location"].endswith(f"#beitrag-{contribution.pk}")
    assert (contribution.phase, contribution.membership, contribution.by_expert) == (
        "questions",
        actors.herten,
        False,
    )
    note = Notification.objects.get(kind=Kind.CASE)
    assert note.recipient == actors.coordinator
    assert "Neuer Beitrag" in note.title


def test_an_experts_idea_is_marked(actors):
    case = at(bring(actors), "ideas")
    actors.client(actors.expert).post(
        u("contribution_create", case.pk), {"text": "Der Leitfaden WU Hochbau hilft."}
    )
    contribution = Contribution.objects.get()
    assert contribution.by_expert and contribution.phase == "ideas"
    assert contribution.membership is None
    page = actors.client(actors.staff).get(u("case_detail", case.pk)).content.decode()
    assert "Expertin/Experte</span>" in page
    assert contribution.history.count() == 1  # contributions are in the history


def test_a_contribution_to_a_closed_phase_is_refused_and_the_text_comes_back(actors):
    case = at(bring(actors), "questions", is_open=False)
    response = actors.client(actors.staff).post(
        u("contribution_create", case.pk), {"text": "Meine lange Frage"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "ist nicht offen für Beiträge" in page
    assert "Meine lange Frage" in page
    assert not Contribution.objects.exists()


def test_an_empty_contribution_gives_a_german_error(actors):
    case = at(bring(actors), "ideas")
    response = actors.client(actors.staff).post(u("contribution_create", case.pk), {"text": ""})
    assert response.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    assert not Contribution.objects.exists()


def test_observers_read_but_do_not_contribute(actors):
    case = at(bring(actors), "ideas")
    client = actors.client(actors.observer)
    page = client.get(u("case_detail", case.pk)).content.decode()
    assert TITLE in page and "Beitrag speichern" not in page
    assert client.post(u("contribution_create", case.pk), {"text": "x"}).status_code == 403
    assert not Contribution.objects.exists()


def test_a_member_that_left_no_longer_contributes(actors):
    case = at(bring(actors), "ideas")
    actors.herten.left_on = timezone.localdate() - timedelta(days=1)
    actors.herten.save()
    response = actors.client(actors.other).post(u("contribution_create", case.pk), {"text": "x"})
    assert response.status_code == 403
    assert not Contribution.objects.exists()


# --- confidentiality -----------------------------------------------------------------------


def test_a_confidential_case_is_read_by_the_moderation_the_owner_and_its_coordination(actors):
    case = bring(actors, user=actors.staff, confidentiality=Case.Confidentiality.MODERATION)
    told = set(Notification.objects.filter(kind=Kind.CASE).values_list("recipient", flat=True))
    assert told == {actors.moderator.pk, actors.coordinator.pk}
    for who in ["moderator", "staff", "coordinator"]:
        client = actors.client(getattr(actors, who))
        assert client.get(u("case_detail", case.pk)).status_code == 200
        assert TITLE in client.get(u("case_list")).content.decode()
    for who in ["expert", "observer", "other"]:
        client = actors.client(getattr(actors, who))
        assert client.get(u("case_detail", case.pk)).status_code == 404
        assert client.get(u("case_history", case.pk)).status_code == 404
        assert TITLE not in client.get(u("case_list")).content.decode()
        assert client.post(u("contribution_create", case.pk), {"text": "x"}).status_code == 404
    assert not Contribution.objects.exists()


def test_the_rule_and_its_queryset_agree(actors):
    cases = [
        bring(actors, user=actors.staff, confidentiality=Case.Confidentiality.MODERATION),
        bring(actors, user=actors.other, membership=actors.herten),
        bring(actors, user=actors.other, membership=actors.herten, confidentiality="moderation"),
    ]
    for who in ["moderator", "expert", "observer", "coordinator", "staff", "other"]:
        access = get_access(getattr(actors, who), "knn")
        listed = set(rules.cases_for(access).values_list("pk", flat=True))
        assert listed == {c.pk for c in cases if rules.can_read(access, c)}, who


# --- editing -----------------------------------------------------------------------------------


def test_an_edit_after_someone_elses_save_is_refused(actors):
    case = bring(actors)
    loaded = case.version
    data = {"title": "Neu", "description": "Neu", "confidentiality": "network"}
    moderator = actors.client(actors.moderator)
    moderator.post(u("case_edit", case.pk), {**data, "title": "Erste", "loaded_version": loaded})
    response = actors.client(actors.coordinator).post(
        u("case_edit", case.pk), {**data, "title": "Zweite", "loaded_version": loaded}
    )
    assert response.status_code == 200
    assert "Jemand anderes hat diesen Eintrag gespeichert" in response.content.decode()
    case.refresh_from_db()
    assert case.title == "Erste"


def test_editing_changes_the_links(actors):
    first = CriterionFactory(network=actors.network)
    second = CriterionFactory(network=actors.network)
    case = bring(actors, link_values=[f"procurement.criterion:{first.pk}"])
    actors.client(actors.coordinator).post(
        u("case_edit", case.pk),
        {
            "title": TITLE,
            "description": "x",
            "confidentiality": "network",
            "links": [f"procurement.criterion:{second.pk}"],
            "loaded_version": case.version,
        },
    )
    assert list(case.links.values_list("object_id", flat=True)) == [second.pk]


# --- links --------------------------------------------------------------------------------------


def test_a_link_shows_only_what_its_reader_may_see(actors):
    draft = GuidelineFactory(network=actors.network, status="draft", title="Geheimer Entwurf")
    case = bring(actors, user=actors.moderator, link_values=[f"building.guideline:{draft.pk}"])
    moderator = get_access(actors.moderator, "knn")
    staff = get_access(actors.staff, "knn")
    assert [link.title for link in links.resolved(moderator, case)] == ["Geheimer Entwurf"]
    assert links.resolved(staff, case) == []
    assert (
        "Geheimer Entwurf"
        not in actors.client(actors.staff).get(u("case_detail", case.pk)).content.decode()
    )


def test_the_hooks_are_known_to_the_plugin_check(actors):
    assert {"case_link_sources", "case_outcomes"} <= plugins.HOOKS.keys()
    assert set(links.sources()) == {
        "procurement.criterion",
        "procurement.milestone",
        "building.project",
        "building.guideline",
    }
    assert set(links.outcomes()) == {"leitlinie"}
    assert [e for e in checks.run_checks() if e.id.startswith("network.E01")] == []


def test_a_misspelt_source_fails_the_check(monkeypatch):
    from django.apps import apps

    config = apps.get_app_config("building")
    monkeypatch.setattr(config, "case_link_sources", ["building.exchange.Nirgends"])
    assert [e.id for e in plugins.check_hooks()] == ["network.E011"]


# --- agenda -----------------------------------------------------------------------------------


def test_the_moderator_puts_a_case_on_a_planned_meeting(actors):
    case = bring(actors)
    planned = MeetingFactory(network=actors.network, starts_at=timezone.now() + timedelta(days=9))
    held = MeetingFactory(network=actors.network, starts_at=timezone.now() - timedelta(days=9))
    client = actors.client(actors.moderator)
    page = client.get(u("case_schedule", case.pk)).content.decode()
    assert planned.title in page and held.title not in page
    refused = client.post(
        u("case_schedule", case.pk), {"meeting": held.pk, "duration_minutes": "30"}
    )
    assert refused.status_code == 200 and not AgendaItem.objects.exists()
    response = client.post(
        u("case_schedule", case.pk), {"meeting": planned.pk, "duration_minutes": "45"}
    )
    item = AgendaItem.objects.get()
    assert response["Location"].startswith(u("meeting_detail", planned.pk))
    assert (item.case, item.meeting, item.duration_minutes) == (case, planned, 45)
    assert item.title == f"Fallberatung: {TITLE}"
    meeting_page = actors.client(actors.staff).get(u("meeting_detail", planned.pk)).content.decode()
    assert f'href="{u("case_detail", case.pk)}"' in meeting_page
    case_page = actors.client(actors.staff).get(u("case_detail", case.pk)).content.decode()
    assert f'href="{u("meeting_detail", planned.pk)}"' in case_page


def test_only_the_moderator_schedules_and_never_a_confidential_case(actors):
    planned = MeetingFactory(network=actors.network, starts_at=timezone.now() + timedelta(days=9))
    case = bring(actors)
    for who in ["coordinator", "expert", "other"]:
        client = actors.client(getattr(actors, who))
        assert client.get(u("case_schedule", case.pk)).status_code == 403
        client.post(u("case_schedule", case.pk), {"meeting": planned.pk, "duration_minutes": "30"})
    secret = bring(actors, confidentiality=Case.Confidentiality.MODERATION)
    response = actors.client(actors.moderator).post(
        u("case_schedule", secret.pk), {"meeting": planned.pk, "duration_minutes": "30"}
    )
    assert response.status_code == 302
    assert not AgendaItem.objects.exists()


# --- what the pages cost -------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_for_two_and_six_cases(actors):
    client = actors.client(actors.staff)
    for _ in range(2):
        bring(actors)
    two = _queries(client, u("case_list"))
    for n in range(4):
        bring(actors, confidentiality="moderation" if n % 2 else "network")
    assert _queries(client, u("case_list")) == two


def test_the_case_page_costs_the_same_for_two_and_six_contributions(actors):
    case = at(bring(actors), "ideas")
    for _n in range(3):
        CaseLink.objects.create(
            case=case,
            source="procurement.criterion",
            object_id=CriterionFactory(network=actors.network).pk,
        )
    access = get_access(actors.other, "knn")
    for n in range(2):
        services.contribution_add(access=access, case=case, text=f"Idee {n}")
    client = actors.client(actors.staff)
    two = _queries(client, u("case_detail", case.pk))
    for n in range(4):
        services.contribution_add(access=access, case=case, text=f"Idee {n}")
    assert _queries(client, u("case_detail", case.pk)) == two


# --- demo ----------------------------------------------------------------------------------


def test_the_demo_has_a_closed_case_made_a_guideline_draft_and_an_open_one(settings):
    from django.core.management import call_command

    from building.models import Guideline

    settings.DEBUG = True  # seed_demo refuses without debug
    for _run in range(2):  # idempotent
        call_command("seed_demo", "--without-series", "--without-reports", stdout=StringIO())
    settings.DEBUG = False
    closed = Case.objects.get(network__slug="knn", title=TITLE)
    assert closed.is_done and closed.membership.municipality.slug == "werne"
    assert closed.closed_at < timezone.now()
    phases = list(closed.contributions.values_list("phase", "by_expert"))
    assert ("questions", False) in phases and ("ideas", True) in phases
    assert {link.source for link in closed.links.all()} == {
        "procurement.criterion",
        "procurement.milestone",
        "building.project",
        "building.guideline",
    }
    guideline = Guideline.objects.get(from_case=closed)
    assert guideline.status == Guideline.Status.DRAFT and guideline.body == closed.conclusion
    running = Case.objects.get(network__slug="knn", phase=Phase.IDEAS)
    assert running.phase_open and running.membership.municipality.slug == "luenen"
    item = AgendaItem.objects.get(case=running)
    assert item.meeting.starts_at > timezone.now()
    assert Case.objects.filter(network__slug="knn").count() == 2
