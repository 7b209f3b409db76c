"""Issue 10, long forms: the project form in sections that mark what the legal checks
need; save and cancel at the top of long pages; starting an assessment asks first; a
finalise button that cannot succeed yet is disabled with its reason beside it."""

import re

import pytest
from django.urls import reverse

from building.forms import ProjectForm
from building.models import Assessment, BuildingProject
from network.models import Membership
from tests.building.factories import ProjectFactory
from tests.building.test_views import score_payload
from tests.forms_html import form_with

pytestmark = pytest.mark.django_db


def u(name, *args):
    return reverse(f"building:{name}", args=["knn", *args])


def fieldsets(html):
    """[(legend, [field names])] of the sections of the project form, in page order."""
    form = html.split("<main", 1)[1].split("</form>", 1)[0]
    result = []
    for block in form.split("<fieldset")[1:]:
        legend = re.search(r"<legend>(.*?)</legend>", block, re.S).group(1).strip()
        names = re.findall(r'name="([a-z_0-9]+)"', block.split("</fieldset>")[0])
        result.append((legend, list(dict.fromkeys(names))))
    return result


class TestProjectForm:
    def test_four_sections_with_legends_hold_every_field_once(self, actors, data):
        html = actors.client(actors.coordinator).get(u("project_create")).content.decode()
        sections = fieldsets(html)
        assert [legend for legend, _names in sections] == [
            "Stammdaten",
            "Gebäude",
            "Energie",
            "Termine",
        ]
        shown = [name for _legend, names in sections for name in names]
        form = ProjectForm(memberships=Membership.objects.all())
        assert sorted(shown) == sorted(n for n in form.fields if n != "loaded_version")
        assert len(shown) == len(set(shown))
        assert "heating" in dict(sections)["Energie"]
        assert "application_date" in dict(sections)["Termine"]

    def test_the_fields_the_legal_checks_read_are_marked(self, actors, data):
        address = u("project_edit", data.project.pk)
        html = actors.client(actors.coordinator).get(address).content.decode()
        marked = set()
        for name in ProjectForm(instance=data.project).fields:
            help_id = f"id_{name}_helptext"
            match = re.search(rf'id="{help_id}"[^>]*>(.*?)</div>', html, re.S)
            if match and "für Rechtsprüfung" in match.group(1):
                marked.add(name)
                # read with the field: its control points at the help text
                assert re.search(rf'aria-describedby="[^"]*{help_id}', html), name
        assert marked == set(BuildingProject.LEGAL_FIELDS)
        assert "GEG § 71, § 42a BauO NRW mit SAN-VO, EPBD" in html

    def test_the_marked_fields_are_exactly_what_the_legal_facts_read(self, actors):
        project = ProjectFactory(membership=actors.luenen, heating_replaced=False)
        facts = project.legal_facts()
        changes = {
            "kind": "renovation",
            "use": "housing",
            "publicly_owned": False,
            "application_date": facts.application_date.replace(year=2020),
            "construction_start": facts.construction_start.replace(year=2020),
            "in_new_development_area": True,
            "heating": "gas",
            "heating_replaced": True,
            "renewable_heat_share_pct": 10,
            "roof_area_m2": 5,
            "roof_renewal": True,
            "solar_area_m2": 1,
            "name": "Anders",
            "address": "Anderswo 1",
            "phase": 9,
            "gross_floor_area_m2": 1,
            "pv_peak_kw": 1,
            "budget_eur": 1,
            "description": "anders",
        }
        read = set()
        for name, value in changes.items():
            changed = BuildingProject.objects.get(pk=project.pk)
            setattr(changed, name, value)
            if changed.legal_facts() != facts:
                read.add(name)
        assert read == set(BuildingProject.LEGAL_FIELDS)

    def test_save_and_cancel_also_before_the_first_section(self, actors, data):
        html = actors.client(actors.coordinator).get(u("project_edit", data.project.pk))
        form = html.content.decode().split("<main", 1)[1].split("</form>", 1)[0]
        first_fieldset = form.index("<fieldset")
        assert form.count('type="submit"') == 2
        assert form.index('type="submit"') < first_fieldset
        assert form.index("Abbrechen") < first_fieldset

    def test_saving_the_sectioned_form_as_shown_keeps_the_project(self, actors, data):
        client = actors.client(actors.coordinator)
        address = u("project_edit", data.project.pk)
        form = form_with(client.get(address).content.decode(), "name")
        assert client.post(address, {**form.data, "name": "Grundschule Nord"}).status_code == 302
        project = BuildingProject.objects.get(pk=data.project.pk)
        assert project.name == "Grundschule Nord"
        assert project.legal_facts() == data.project.legal_facts()


class TestAssessmentStart:
    @pytest.fixture
    def fresh(self, actors, data):
        return ProjectFactory(membership=actors.luenen, name="Kita Süd")

    def test_the_project_page_asks_first_and_a_get_creates_nothing(self, actors, data, fresh):
        client = actors.client(actors.coordinator)
        page = client.get(u("project_detail", fresh.pk)).content.decode()
        assert re.search(
            rf'<form method="get" action="{re.escape(u("assessment_create", fresh.pk))}"', page
        )
        response = client.get(u("assessment_create", fresh.pk), {"board": data.board.pk})
        text = response.content.decode()
        assert response.status_code == 200
        assert "Bewertung beginnen: Kita Süd" in text and "Ja, Bewertung anlegen" in text
        assert not Assessment.objects.filter(project=fresh).exists()

    def test_only_the_confirmed_post_creates_the_draft(self, actors, data, fresh):
        client = actors.client(actors.coordinator)
        address = u("assessment_create", fresh.pk)
        response = client.post(address, {"board": data.board.pk})
        assert response.status_code == 200 and "Ja, Bewertung anlegen" in response.content.decode()
        assert not Assessment.objects.filter(project=fresh).exists()
        form = form_with(response.content.decode(), "confirmed")
        response = client.post(form.action, form.data)
        assessment = Assessment.objects.get(project=fresh)
        assert response["Location"] == u("assessment_score", assessment.pk)

    def test_without_a_board_the_question_offers_the_free_active_boards(self, actors, data, fresh):
        client = actors.client(actors.coordinator)
        text = client.get(u("assessment_create", fresh.pk)).content.decode()
        assert f'<option value="{data.board.pk}">' in text and "Ja, Bewertung anlegen" in text
        text = client.get(u("assessment_create", data.project.pk)).content.decode()
        assert "kein aktives Raster ohne Bewertung" in text
        assert not Assessment.objects.filter(project=fresh).exists()

    def test_an_existing_assessment_opens_instead(self, actors, data):
        response = actors.client(actors.coordinator).get(
            u("assessment_create", data.project.pk), {"board": data.board.pk}
        )
        assert response["Location"] == u("assessment_detail", data.assessment.pk)
        assert Assessment.objects.filter(project=data.project).count() == 1

    def test_who_may_see_the_question(self, actors, client, data, fresh):
        address = u("assessment_create", fresh.pk) + f"?board={data.board.pk}"
        assert client.get(address)["Location"].startswith(reverse("login"))
        assert actors.client(actors.outsider).get(address).status_code == 404
        for who in (actors.other, actors.observer, actors.expert):
            assert actors.client(who).get(address).status_code == 403
            assert (
                actors.client(who)
                .post(address, {"board": data.board.pk, "confirmed": "1"})
                .status_code
                == 403
            )
        for who in (actors.moderator, actors.coordinator, actors.staff):
            assert actors.client(who).get(address).status_code == 200
        assert not Assessment.objects.filter(project=fresh).exists()


class TestFinalise:
    def test_an_incomplete_assessment_cannot_be_submitted_and_says_why(self, actors, data):
        html = actors.client(actors.coordinator).get(u("assessment_detail", data.assessment.pk))
        text = html.content.decode()
        button = re.search(r"<button[^>]*>Zur Prüfung einreichen</button>", text).group(0)
        assert " disabled" in button and 'aria-describedby="submit-reason"' in button
        reason = re.search(r'<span id="submit-reason"[^>]*>(.*?)</span>', text, re.S).group(1)
        assert "für 3 Kriterien fehlen die Punkte" in reason

    def test_a_complete_one_can(self, actors, data):
        a = data.assessment
        client = actors.client(actors.coordinator)
        client.post(u("assessment_score", a.pk), score_payload(a, {"K1": 50, "K2": 50, "W1": 50}))
        text = client.get(u("assessment_detail", a.pk)).content.decode()
        button = re.search(r"<button[^>]*>Zur Prüfung einreichen</button>", text).group(0)
        assert " disabled" not in button and "data-confirm" in button
        assert 'id="submit-reason"' not in text

    def test_the_scoring_page_has_save_and_cancel_at_the_top(self, actors, data):
        text = (
            actors.client(actors.coordinator)
            .get(u("assessment_score", data.assessment.pk))
            .content.decode()
        )
        form = text.split('enctype="multipart/form-data"', 1)[1]
        first_criterion = form.index("<fieldset")
        assert form.count("Punkte speichern") == 2
        assert form.index("Punkte speichern") < first_criterion
        assert form.index("Abbrechen") < first_criterion


def test_guideline_criteria_are_grouped_by_board_and_group(actors, data):
    html = actors.client(actors.expert).get(u("guideline_edit", data.guideline.pk))
    legends = re.findall(r'<legend class="picker-legend">(.*?)</legend>', html.content.decode())
    assert legends == ["Testraster (v1) – K Klima", "Testraster (v1) – W Kosten"]
