"""What the allowed users see and do on every building page."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from building import services
from building.models import (
    Assessment,
    BoardCriterion,
    BuildingProject,
    BuildingSettings,
    CriteriaGroup,
    Guideline,
    RatingLevel,
    Score,
    ScoringBoard,
    Variant,
)
from network.documents import document_store
from network.models import Document
from tests.building.factories import ProjectFactory, accepted

pytestmark = pytest.mark.django_db


def u(name, *args):
    return reverse(f"building:{name}", args=["knn", *args])


def text_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def criteria(board):
    return {c.code: c for c in BoardCriterion.objects.filter(group__board=board)}


def score_payload(assessment, points, justification="Begründet"):
    payload = {"loaded_version": assessment.version}
    for code, criterion in criteria(assessment.board).items():
        value = points.get(code)
        payload[f"points_{criterion.pk}"] = "" if value is None else str(value)
        payload[f"justification_{criterion.pk}"] = justification if value is not None else ""
    return payload


class TestProjects:
    def test_list_shows_projects_of_all_members_with_status(self, actors, data):
        text = text_of(actors.client(actors.other).get(u("project_list")))
        assert "Grundschule am Park" in text and "Feuerwache Herten" in text
        assert "Lünen" in text and "Herten" in text
        assert "Bauvorhaben anlegen" in text  # Herten's coordinator may create for Herten

    def test_observer_cannot_create(self, actors, data):
        client = actors.client(actors.observer)
        assert "Bauvorhaben anlegen" not in text_of(client.get(u("project_list")))
        assert client.get(u("project_create")).status_code == 403

    @pytest.mark.parametrize(
        ("query", "shown", "hidden"),
        [
            ("use=fire_station", ["Feuerwache Süd"], ["Grundschule am Park"]),
            ("kind=renovation", ["Feuerwache Süd"], ["Grundschule am Park"]),
            ("phase=8", ["Feuerwache Süd"], ["Grundschule am Park"]),
            ("legal_status=problem", ["Feuerwache Süd"], ["Grundschule am Park"]),
            ("rating=Gold", ["Grundschule am Park"], ["Feuerwache Süd"]),
        ],
    )
    def test_filters(self, actors, data, query, shown, hidden):
        ProjectFactory(
            membership=actors.herten,
            name="Feuerwache Süd",
            use="fire_station",
            kind="renovation",
            phase=8,
            roof_renewal=True,
            solar_area_m2=0,
            construction_start=date(2025, 9, 1),
        )
        a = data.assessment
        services.assessment_save_scores(
            assessment=a,
            entries={c.pk: (100, "") for c in criteria(a.board).values()},
            evidence={},
            loaded_version=a.version,
            user=actors.coordinator,
        )
        accepted(a, submitter=actors.coordinator, reviewer=actors.moderator)
        text = text_of(actors.client(actors.moderator).get(u("project_list") + "?" + query))
        for name in shown:
            assert name in text
        for name in hidden:
            assert name not in text

    def test_bad_filter_value_is_not_a_server_error(self, actors, data):
        text = text_of(actors.client(actors.moderator).get(u("project_list") + "?phase=99&use=x"))
        assert "Bitte eine gültige Auswahl treffen" in text

    def test_create_for_own_municipality(self, actors, data):
        client = actors.client(actors.coordinator)
        response = client.post(
            u("project_create"),
            {
                "membership": actors.luenen.pk,
                "name": "Neubau Kita Regenbogen",
                "use": "daycare",
                "kind": "new_build",
                "phase": "2",
                "in_new_development_area": "true",
                "application_date": "2024-01-01",
                "heating": "gas",
                "renewable_heat_share_pct": "20",
                "publicly_owned": "on",
            },
        )
        project = BuildingProject.objects.get(name="Neubau Kita Regenbogen")
        assert response.status_code == 302
        assert project.membership == actors.luenen
        assert project.legal_status == "problem"  # gas in a new development area from 2024
        text = text_of(client.get(u("project_detail", project.pk)))
        assert "Nur 20 % erneuerbare Wärme statt 65 %." in text
        assert project.history.count() == 1

    def test_cannot_create_for_another_municipality(self, actors, data):
        client = actors.client(actors.coordinator)
        count = BuildingProject.objects.count()
        response = client.post(
            u("project_create"),
            {
                "membership": actors.herten.pk,
                "name": "X",
                "use": "school",
                "kind": "new_build",
                "phase": "1",
                "in_new_development_area": "unknown",
            },
        )
        assert "Bitte eine gültige Auswahl treffen" in text_of(response)
        assert BuildingProject.objects.count() == count

    def test_bad_input_gives_german_field_errors(self, actors, data):
        client = actors.client(actors.coordinator)
        response = client.post(
            u("project_edit", data.project.pk),
            {
                "name": "",
                "use": "school",
                "kind": "renovation",
                "phase": "12",
                "application_date": "2025-05-01",
                "construction_start": "2025-01-01",
                "in_new_development_area": "true",
                "renewable_heat_share_pct": "150",
                "loaded_version": data.project.version,
            },
        )
        text = text_of(response)
        assert "Dieses Feld ist zwingend erforderlich." in text
        assert "kleiner oder gleich 100" in text
        data.project.refresh_from_db()
        assert data.project.name == "Grundschule am Park"

    def test_clean_rules(self, actors, data):
        client = actors.client(actors.coordinator)
        response = client.post(
            u("project_edit", data.project.pk),
            {
                "name": "Grundschule",
                "use": "school",
                "kind": "renovation",
                "phase": "3",
                "application_date": "2025-05-01",
                "construction_start": "2025-01-01",
                "in_new_development_area": "true",
                "loaded_version": data.project.version,
            },
        )
        text = text_of(response)
        assert "Der Baubeginn liegt vor dem Bauantrag." in text
        assert "Eine Sanierung liegt nicht im Neubaugebiet." in text

    def test_edit_refreshes_legal_status_and_keeps_history(self, actors, data):
        client = actors.client(actors.staff)
        response = client.post(
            u("project_edit", data.project.pk),
            {
                "name": "Grundschule am Park",
                "use": "school",
                "kind": "new_build",
                "phase": "5",
                "roof_area_m2": "1000",
                "solar_area_m2": "100",
                "in_new_development_area": "false",
                "application_date": "2025-03-01",
                "construction_start": "2025-09-01",
                "heating": "heat_pump",
                "publicly_owned": "on",
                "loaded_version": data.project.version,
            },
        )
        assert response.status_code == 302
        data.project.refresh_from_db()
        assert data.project.legal_status == "problem"  # only 10 % of the roof with PV
        assert data.project.phase == 5
        assert data.project.history.count() == 2
        text = text_of(client.get(u("project_detail", data.project.pk)))
        assert "geändert: " in text
        assert "Planungsphase (HOAI)" in text and "Fläche der Solaranlage (m²)" in text
        assert str(actors.staff) in text

    def test_concurrent_edit_shows_the_other_change(self, actors, data):
        client = actors.client(actors.coordinator)
        stale = data.project.version
        post = {
            "use": "school",
            "kind": "new_build",
            "phase": "3",
            "in_new_development_area": "false",
            "loaded_version": stale,
        }
        assert (
            client.post(u("project_edit", data.project.pk), {**post, "name": "Erste"}).status_code
            == 302
        )
        text = text_of(client.post(u("project_edit", data.project.pk), {**post, "name": "Zweite"}))
        assert "Jemand anderes hat diesen Eintrag gespeichert" in text
        assert "Erste" in text
        data.project.refresh_from_db()
        assert data.project.name == "Erste"

    def test_detail_shows_legal_assessments_and_variants(self, actors, data):
        text = text_of(actors.client(actors.coordinator).get(u("project_detail", data.project.pk)))
        assert "§ 71 Abs. 1 und 8 GEG" in text and "§ 42a BauO NRW" in text
        assert "Richtlinie (EU) 2024/1275" in text
        assert "Testraster (v1)" in text
        assert "Gaskessel" in text and "Wärmepumpe" in text
        assert "500\u00a0€" in text  # cost per tonne avoided (worked example)
        assert "Angaben bearbeiten" in text


class TestEconomics:
    def test_worked_example_on_the_page(self, actors, data):
        text = text_of(actors.client(actors.observer).get(u("project_economics", data.project.pk)))
        # r = 0, T = 20: gas 30.000 €, heat pump 38.000 €, 40 t vs 24 t → 500 € per tonne
        assert "30.000\u00a0€" in text and "38.000\u00a0€" in text
        assert "40,0" in text and "24,0" in text
        assert (
            "Die Variante „Wärmepumpe“ vermeidet CO₂ gegenüber der Referenz am günstigsten – "
            "sie kostet 500\u00a0€ je vermiedener Tonne." in text
        )
        assert "Energiepreise +20 %" in text and "Zinssatz +1 Prozentpunkt" in text
        assert "Investition im Jahr 0" in text
        assert "Variante anlegen" not in text

    def test_create_variant_with_energy_uses(self, actors, data):
        client = actors.client(actors.coordinator)
        payload = {
            "name": "Fernwärme",
            "investment_eur": "15000",
            "lifetime_years": "30",
            "maintenance_eur_per_year": "100",
            "maintenance_escalation_pct": "0",
            "energy-TOTAL_FORMS": "2",
            "energy-INITIAL_FORMS": "0",
            "energy-MIN_NUM_FORMS": "0",
            "energy-MAX_NUM_FORMS": "10",
            "energy-0-carrier": "district_heat",
            "energy-0-kwh_per_year": "9000",
            "energy-0-price_eur_per_kwh": "0,12",
            "energy-0-escalation_pct": "2",
            "energy-0-emission_kg_per_kwh": "0,15",
            # the empty second row as a browser sends it
            "energy-1-carrier": "",
            "energy-1-kwh_per_year": "",
            "energy-1-price_eur_per_kwh": "",
            "energy-1-escalation_pct": "0",
            "energy-1-emission_kg_per_kwh": "0",
        }
        response = client.post(u("variant_create", data.project.pk), payload)
        assert response.status_code == 302
        variant = Variant.objects.get(name="Fernwärme")
        assert variant.project == data.project
        assert variant.energy_uses.get().kwh_per_year == 9000
        assert "Fernwärme" in text_of(client.get(u("project_economics", data.project.pk)))

    def test_variant_bad_input_and_second_reference(self, actors, data):
        client = actors.client(actors.coordinator)
        payload = {
            "name": "",
            "investment_eur": "-5",
            "lifetime_years": "0",
            "is_reference": "on",
            "maintenance_eur_per_year": "0",
            "maintenance_escalation_pct": "0",
            "energy-TOTAL_FORMS": "1",
            "energy-INITIAL_FORMS": "0",
            "energy-MIN_NUM_FORMS": "0",
            "energy-MAX_NUM_FORMS": "10",
            "energy-0-carrier": "gas",
            "energy-0-kwh_per_year": "abc",
            "energy-0-price_eur_per_kwh": "0,1",
        }
        text = text_of(client.post(u("variant_create", data.project.pk), payload))
        assert "Dieses Feld ist zwingend erforderlich." in text
        assert "Das Vorhaben hat schon eine Referenzvariante." in text
        assert "größer oder gleich 0" in text
        assert "„abc“ ist keine Zahl." in text
        assert Variant.objects.count() == 2

    def test_edit_and_delete_variant(self, actors, data):
        client = actors.client(actors.coordinator)
        gas, pump = data.variants
        edit_page = text_of(client.get(u("variant_edit", data.project.pk, pump.pk)))
        assert "Variante löschen" in edit_page
        response = client.post(u("variant_delete", data.project.pk, pump.pk))
        assert response.status_code == 302
        assert not Variant.objects.filter(pk=pump.pk).exists()

    def test_settings_by_the_moderator(self, actors, data):
        client = actors.client(actors.moderator)
        s = BuildingSettings.objects.get(network=actors.network)
        text = text_of(client.get(u("settings")))
        assert "Kalkulationszinssatz" in text
        response = client.post(
            u("settings"),
            {
                "discount_rate_pct": "3",
                "period_years": "50",
                "co2_price_eur_per_t": "237",
                "co2_price_escalation_pct": "1",
                "loaded_version": s.version,
            },
        )
        assert response.status_code == 302
        s.refresh_from_db()
        assert (s.discount_rate_pct, s.period_years) == (Decimal("3.00"), 50)
        bad = client.post(
            u("settings"),
            {
                "discount_rate_pct": "x",
                "period_years": "0",
                "co2_price_eur_per_t": "1",
                "co2_price_escalation_pct": "0",
                "loaded_version": s.version,
            },
        )
        assert "„x“ ist keine Zahl." in text_of(bad)

    def test_settings_read_only_for_members(self, actors, data):
        text = text_of(actors.client(actors.coordinator).get(u("settings")))
        assert "Kalkulationszinssatz" in text and '<form method="post" novalidate>' not in text


class TestComparison:
    def test_rankings(self, actors, data):
        a = data.assessment
        services.assessment_save_scores(
            assessment=a,
            entries={c.pk: (100, "") for c in criteria(a.board).values()},
            evidence={},
            loaded_version=a.version,
            user=actors.coordinator,
        )
        other = services.assessment_start(project=data.herten_project, board=data.board)
        services.assessment_save_scores(
            assessment=other,
            entries={c.pk: (50, "") for c in criteria(a.board).values()},
            evidence={},
            loaded_version=other.version,
            user=actors.other,
        )
        text = text_of(actors.client(actors.moderator).get(u("comparison")))
        assert text.index("Grundschule am Park") < text.index("Feuerwache Herten")
        assert "100,0\u00a0%" in text and "50,0\u00a0%" in text
        assert "Rangfolge nach CO₂-Vermeidungskosten" in text
        assert "500\u00a0€" in text and "16,0" in text

    def test_equal_scores_and_names_are_ranked_by_municipality(self, actors, data):
        """Lünen's project is created first; with the same name and score Herten's still
        comes first (the projects' own order: municipality, then name)."""
        luenen = ProjectFactory(membership=actors.luenen, name="Grundschule Nord")
        herten = ProjectFactory(membership=actors.herten, name="Grundschule Nord")
        for project in (luenen, herten):
            services.assessment_start(project=project, board=data.board)
        text = text_of(actors.client(actors.moderator).get(u("comparison")))
        by_total = text.split("Rangfolge nach CO₂-Vermeidungskosten")[0]
        rows = re.findall(r"Grundschule Nord</a></th><td>([^<]+)</td>", by_total)
        assert rows == ["Herten", "Lünen"]


class TestBoards:
    def test_create_from_dgnb_preset(self, actors, data):
        client = actors.client(actors.moderator)
        response = client.post(u("board_create"), {"preset": "dgnb"})
        board = ScoringBoard.objects.get(name="DGNB Neubau 2023 (angelehnt)")
        assert response.status_code == 302
        assert board.is_draft
        text = text_of(client.get(u("board_detail", board.pk)))
        assert "Standortqualität" in text and "Platin" in text
        assert "Das Raster ist vollständig und kann aktiviert werden." in text

    def test_preset_parts_and_retirement_are_in_the_history(self, actors, data):
        client = actors.client(actors.moderator)
        client.post(u("board_create"), {"preset": "dgnb"})
        board = ScoringBoard.objects.get(name="DGNB Neubau 2023 (angelehnt)")
        criteria_ids = set(
            BoardCriterion.objects.filter(group__board=board).values_list("pk", flat=True)
        )
        level_ids = set(board.levels.values_list("pk", flat=True))
        assert criteria_ids and level_ids
        assert set(BoardCriterion.history.values_list("id", flat=True)) >= criteria_ids
        assert set(RatingLevel.history.values_list("id", flat=True)) >= level_ids

        draft = services.board_new_version(board=data.board)
        client.post(u("board_activate", draft.pk))
        latest = data.board.history.order_by("-history_id").first()
        assert latest.status == "retired" and latest.history_type == "~"
        data.board.refresh_from_db()
        assert data.board.status == "retired"

    def test_empty_board_needs_a_name(self, actors, data):
        text = text_of(actors.client(actors.moderator).post(u("board_create"), {"preset": ""}))
        assert "Bitte einen Namen für das leere Raster angeben." in text

    def test_activation_refused_with_german_errors(self, actors, data):
        client = actors.client(actors.moderator)
        client.post(u("board_create"), {"preset": "", "name": "Leer"})
        board = ScoringBoard.objects.get(name="Leer")
        CriteriaGroup.objects.create(board=board, name="Ökologie", weight_pct=60)
        RatingLevel.objects.create(board=board, name="Gold")
        text = text_of(client.post(u("board_activate", board.pk), follow=True))
        assert "Die Gewichte der Kriteriengruppen ergeben 60 %, nicht 100 %." in text
        assert "Die Kriteriengruppe „Ökologie“ enthält keine Kriterien." in text
        assert "Die Bewertungsstufe „Gold“ hat keinen Mindest-Gesamterfüllungsgrad." in text
        board.refresh_from_db()
        assert board.is_draft

    def test_level_form_needs_a_threshold(self, actors, data):
        draft = services.board_new_version(board=data.board)
        text = text_of(
            actors.client(actors.moderator).post(u("level_create", draft.pk), {"name": "Platin"})
        )
        assert "eine Stufe ohne Schwelle kann nicht vergeben werden" in text
        assert not RatingLevel.objects.filter(name="Platin").exists()

    def test_edit_parts_of_a_draft(self, actors, data):
        client = actors.client(actors.moderator)
        draft = services.board_new_version(board=data.board)
        group = draft.groups.get(code="K")
        response = client.post(
            u("group_edit", draft.pk, group.pk),
            {
                "code": "K",
                "name": "Klimaschutz",
                "weight_pct": "70",
                "position": "0",
                "in_group_minimums": "on",
                "loaded_version": group.version,
            },
        )
        assert response.status_code == 302
        text = text_of(client.get(u("board_detail", draft.pk)))
        assert "Klimaschutz" in text
        assert "Die Gewichte der Kriteriengruppen ergeben 120 %, nicht 100 %." in text
        response = client.post(
            u("criterion_create", draft.pk),
            {
                "group": group.pk,
                "code": "K9",
                "name": "Graue Energie",
                "factor": "2",
                "position": "5",
            },
        )
        assert response.status_code == 302
        assert draft.groups.get(code="K").criteria.filter(code="K9").exists()
        bad = client.post(
            u("criterion_create", draft.pk),
            {
                "group": group.pk,
                "name": "X",
                "factor": "0",
                "minimum_points": "120",
                "position": "1",
            },
        )
        text = text_of(bad)
        assert "Der Gewichtungsfaktor muss mindestens 0,1 betragen." in text
        assert "kleiner oder gleich 100" in text
        level = draft.levels.get(name="Bronze")
        assert client.post(u("board_part_delete", draft.pk, "stufe", level.pk)).status_code == 302
        assert not draft.levels.filter(name="Bronze").exists()

    def test_board_list_for_readers(self, actors, data):
        text = text_of(actors.client(actors.observer).get(u("board_list")))
        assert "Testraster" in text and "aktiv" in text
        assert "Raster anlegen" not in text  # the moderator's work
        assert "Raster anlegen" in text_of(actors.client(actors.moderator).get(u("board_list")))

    def test_moderator_edits_every_part_of_a_draft(self, actors, data):
        client = actors.client(actors.moderator)
        draft = services.board_new_version(board=data.board)
        response = client.post(
            u("board_edit", draft.pk),
            {"name": "Raster 2027", "description": "", "loaded_version": draft.version},
        )
        assert response["Location"] == u("board_detail", draft.pk)
        response = client.post(
            u("group_create", draft.pk),
            {"code": "S", "name": "Standort", "weight_pct": "0", "position": "2"},
        )
        assert response.status_code == 302
        k1 = draft.groups.get(code="K").criteria.get(code="K1")
        response = client.post(
            u("criterion_edit", draft.pk, k1.pk),
            {
                "group": k1.group_id,
                "code": "K1",
                "name": "Treibhausgase im Lebenszyklus",
                "factor": "1,5",  # typed the German way, whatever the browser
                "position": "0",
                "loaded_version": k1.version,
            },
        )
        assert response.status_code == 302
        gold = draft.levels.get(name="Gold")
        payload = {"name": "Gold", "min_total_pct": "62", "loaded_version": gold.version}
        assert client.post(u("level_edit", draft.pk, gold.pk), payload).status_code == 302
        text = text_of(client.get(u("board_detail", draft.pk)))
        assert "Raster 2027" in text and "Standort" in text
        assert "Treibhausgase im Lebenszyklus" in text
        gold.refresh_from_db()
        k1.refresh_from_db()
        assert gold.min_total_pct == 62 and k1.factor == Decimal("1.5")
        # the same level form sent again with the version it was loaded with: refused
        stale = text_of(
            client.post(u("level_edit", draft.pk, gold.pk), {**payload, "min_total_pct": "70"})
        )
        assert "Jemand anderes hat diesen Eintrag gespeichert" in stale
        gold.refresh_from_db()
        assert gold.min_total_pct == 62
        # the active version is untouched
        assert data.board.groups.get(code="K").criteria.get(code="K1").name == "Treibhausgase"

    def test_new_version_carries_guideline_links_into_the_guideline_history(self, actors, data):
        k2 = data.board.groups.get(code="K").criteria.get(code="K2")
        data.guideline.criteria.add(k2)
        draft = services.board_new_version(board=data.board)
        copied = draft.groups.get(code="K").criteria.get(code="K2")
        assert set(data.guideline.criteria.all()) == {k2, copied}
        latest = data.guideline.history.order_by("-history_id").first()
        assert {row.boardcriterion_id for row in latest.criteria.all()} == {k2.pk, copied.pk}
        text = text_of(actors.client(actors.moderator).get(u("board_detail", draft.pk)))
        assert "Leitlinie Wärme" in text

    def test_new_version_from_a_retired_one_starts_from_the_latest(self, actors, data):
        v2 = services.board_new_version(board=data.board)
        v2.groups.filter(code="K").update(weight_pct=30)
        v2.groups.filter(code="W").update(weight_pct=70)
        services.board_activate(board=v2)
        client = actors.client(actors.moderator)
        client.post(u("board_new_version", data.board.pk))  # clicked on the retired v1
        v3 = ScoringBoard.objects.get(series=data.board.series, revision=3)
        assert dict(v3.groups.values_list("code", "weight_pct")) == {
            "K": Decimal("30"),
            "W": Decimal("70"),
        }

    def test_frozen_board_cannot_be_edited(self, actors, data):
        client = actors.client(actors.moderator)
        board = data.board
        group = board.groups.first()
        before = list(CriteriaGroup.objects.filter(board=board).values())
        response = client.post(
            u("group_edit", board.pk, group.pk),
            {
                "name": "Geändert",
                "weight_pct": "10",
                "position": "0",
                "loaded_version": group.version,
            },
            follow=True,
        )
        assert "Dieses Raster ist eingefroren" in text_of(response)
        level = board.levels.first()
        client.post(u("board_part_delete", board.pk, "stufe", level.pk))
        assert list(CriteriaGroup.objects.filter(board=board).values()) == before
        assert board.levels.filter(pk=level.pk).exists()

    def test_new_version_keeps_old_assessments(self, actors, data):
        """Versioning: an old assessment still shows its old result after a new version."""
        client = actors.client(actors.moderator)
        a = data.assessment
        c = criteria(a.board)
        # K1 = 100, K2 = 50, W1 = 50: Klima = (100 + 150) / 400 = 62.5 %, Kosten = 50 %
        # total = 56.25 % → Bronze
        client.post(u("assessment_score", a.pk), score_payload(a, {"K1": 100, "K2": 50, "W1": 50}))
        accepted(a, submitter=actors.moderator, reviewer=actors.expert)
        text = text_of(client.get(u("assessment_detail", a.pk)))
        assert "56,2\u00a0%" in text or "56,3\u00a0%" in text
        assert "Bronze" in text

        response = client.post(u("board_new_version", data.board.pk))
        draft = ScoringBoard.objects.get(series=data.board.series, revision=2)
        assert response.status_code == 302 and draft.is_draft
        # Change: Kosten weighs 80 %, Klima 20 %; Bronze needs 58 %.
        draft.groups.filter(code="K").update(weight_pct=20)
        draft.groups.filter(code="W").update(weight_pct=80)
        draft.levels.filter(name="Bronze").update(min_total_pct=58)
        client.post(u("board_activate", draft.pk))
        data.board.refresh_from_db()
        draft.refresh_from_db()
        assert data.board.status == "retired" and draft.status == "active"

        text = text_of(client.get(u("assessment_detail", a.pk)))
        assert "Testraster (v1)" in text and "Bronze" in text
        assert Assessment.objects.get(pk=a.pk).rating == "Bronze"
        # the same points on version 2: 0.2·62.5 + 0.8·50 = 52.5 % → below the new Bronze
        new = services.assessment_start(project=data.project, board=draft)
        c2 = criteria(draft)
        services.assessment_save_scores(
            assessment=new,
            entries={c2["K1"].pk: (100, ""), c2["K2"].pk: (50, ""), c2["W1"].pk: (50, "")},
            evidence={},
            loaded_version=new.version,
            user=actors.moderator,
        )
        accepted(new, submitter=actors.moderator, reviewer=actors.expert)
        assert new.total_pct == Decimal("52.50") and new.rating == ""
        assert set(c) and all(x.group.board_id == data.board.pk for x in c.values())


class TestAssessments:
    def test_score_finalise_and_see_the_rating(self, actors, data, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client = actors.client(actors.coordinator)
        a = data.assessment
        page = text_of(client.get(u("assessment_score", a.pk)))
        assert "Ziel" in page and "Referenz" in page and "Grenze" in page
        assert "mindestens 30 Punkte" in page
        payload = score_payload(a, {"K1": 100, "K2": 100, "W1": 50})
        k2 = criteria(a.board)["K2"]
        payload[f"evidence_{k2.pk}"] = SimpleUploadedFile(
            "waermepumpe.pdf", b"%PDF-1.4 test", content_type="application/pdf"
        )
        assert client.post(u("assessment_score", a.pk), payload).status_code == 302
        # Klima = 400/400 = 100 %, Kosten = 50 % → total 75 % → Gold (both groups ≥ 40)
        text = text_of(client.get(u("assessment_detail", a.pk)))
        assert "75,0\u00a0%" in text
        assert "vorläufig: Gold" in text
        assert "waermepumpe" in text
        a.refresh_from_db()
        client.post(u("assessment_submit", a.pk), {"loaded_version": a.version})
        a.refresh_from_db()
        actors.client(actors.expert).post(
            u("assessment_review", a.pk), {"loaded_version": a.version, "decision": "accept"}
        )
        text = text_of(client.get(u("assessment_detail", a.pk)))
        assert "<strong>Gold</strong>" in text and "Vorläufiges Ergebnis" not in text
        a.refresh_from_db()
        assert (a.status, a.rating, a.total_pct) == ("final", "Gold", Decimal("75.00"))
        # evidence download for any network member, not for outsiders
        doc = Document.objects.get(original_name="waermepumpe.pdf")
        assert doc.membership == actors.luenen
        score = Score.objects.get(criterion=k2)
        latest = score.history.order_by("-history_id").first()  # the evidence, in the history
        assert [row.document_id for row in latest.evidence.all()] == [doc.pk]
        response = actors.client(actors.observer).get(u("document", doc.pk))
        assert (
            response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
        )
        assert actors.client(actors.outsider).get(u("document", doc.pk)).status_code == 404
        # a finalised assessment cannot be changed any more
        before = list(Score.objects.values())
        response = client.post(
            u("assessment_score", a.pk), score_payload(a, {"K1": 0}), follow=True
        )
        assert "Die Bewertung ist bestätigt" in text_of(response)
        assert list(Score.objects.values()) == before

    def test_not_eligible_with_reasons(self, actors, data):
        client = actors.client(actors.coordinator)
        a = data.assessment
        client.post(u("assessment_score", a.pk), score_payload(a, {"K1": 100, "K2": 10, "W1": 100}))
        text = text_of(client.get(u("assessment_detail", a.pk)))
        assert "nicht auszeichnungsfähig" in text
        assert "„K2 Erneuerbare Wärme“ hat 10 von mindestens 30 Punkten." in text

    def test_legal_failure_makes_it_not_eligible(self, actors, data):
        BuildingProject.objects.filter(pk=data.project.pk).update(solar_area_m2=50)
        data.project.refresh_from_db()
        services.project_refresh(project=data.project)
        client = actors.client(actors.coordinator)
        a = data.assessment
        client.post(
            u("assessment_score", a.pk), score_payload(a, {"K1": 100, "K2": 100, "W1": 100})
        )
        text = text_of(client.get(u("assessment_detail", a.pk)))
        assert "Rechtliche Anforderung nicht erfüllt: Solarpflicht NRW" in text

    def test_missing_criteria_and_completeness(self, actors, data):
        client = actors.client(actors.coordinator)
        a = data.assessment
        client.post(u("assessment_score", a.pk), score_payload(a, {"K1": 100}))
        text = text_of(client.get(u("assessment_detail", a.pk)))
        assert "33\u00a0%" in text  # 1 of 3 criteria scored
        assert "K2 Erneuerbare Wärme" in text and "Noch nicht bewertet" in text
        # an incomplete assessment cannot be closed (it could never get its rating)
        a.refresh_from_db()
        response = client.post(
            u("assessment_submit", a.pk), {"loaded_version": a.version}, follow=True
        )
        assert "Es fehlen noch die Punkte für 2 Kriterien" in text_of(response)
        a.refresh_from_db()
        assert a.status == "draft" and a.finalised_at is None

    def test_bad_points_and_file_give_german_errors(self, actors, data, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client = actors.client(actors.coordinator)
        a = data.assessment
        payload = score_payload(a, {"K1": 150, "K2": "viel"})
        w1 = criteria(a.board)["W1"]
        payload[f"evidence_{w1.pk}"] = SimpleUploadedFile("boese.exe", b"MZ")
        text = text_of(client.post(u("assessment_score", a.pk), payload))
        assert "Bitte 0 bis 100 Punkte vergeben." in text
        assert "Bitte eine ganze Zahl von 0 bis 100 eingeben." in text
        assert "Dateien vom Typ „exe“ sind nicht erlaubt." in text
        assert not Score.objects.exists() and not Document.objects.exists()

    def test_too_large_file(self, actors, data, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        settings.DOCUMENT_MAX_BYTES = 10
        a = data.assessment
        payload = score_payload(a, {"K1": 50})
        payload[f"evidence_{criteria(a.board)['K1'].pk}"] = SimpleUploadedFile(
            "a.pdf", b"%PDF-" + b"x" * 6
        )
        text = text_of(actors.client(actors.coordinator).post(u("assessment_score", a.pk), payload))
        assert "Die Datei ist 11\xa0Bytes groß; erlaubt sind höchstens 10\xa0Bytes." in text
        assert not Score.objects.exists()

    def test_stale_form_is_refused(self, actors, data):
        client = actors.client(actors.coordinator)
        a = data.assessment
        stale = score_payload(a, {"K1": 10})
        client.post(u("assessment_score", a.pk), score_payload(a, {"K1": 90}))
        text = text_of(client.post(u("assessment_score", a.pk), stale))
        assert "Jemand anderes hat diese Bewertung gespeichert" in text
        assert Score.objects.get().points == 90

    def test_start_assessment_only_on_an_active_board(self, actors, data):
        client = actors.client(actors.other)
        draft = services.board_new_version(board=data.board)
        p = data.herten_project
        response = client.post(u("assessment_create", p.pk), {"board": draft.pk}, follow=True)
        assert "ist nicht aktiv. Bitte ein aktives Raster auswählen." in text_of(response)
        assert client.post(u("assessment_create", p.pk), {"board": 999999}).status_code == 404
        for bad in ("abc", "²", "99999999999999999999"):
            response = client.post(u("assessment_create", p.pk), {"board": bad}, follow=True)
            assert "Bitte ein aktives Raster auswählen." in text_of(response), bad
        assert not Assessment.objects.filter(project=p).exists()
        response = client.post(
            u("assessment_create", p.pk), {"board": data.board.pk, "confirmed": "1"}
        )
        a = Assessment.objects.get(project=p)
        assert response["Location"] == u("assessment_score", a.pk)
        p.refresh_from_db()
        assert p.latest_assessment == a


class TestGuidelines:
    def test_members_see_only_published(self, actors, data):
        client = actors.client(actors.coordinator)
        text = text_of(client.get(u("guideline_list")))
        assert "Leitlinie Wärme" in text and "Entwurf Solar" not in text
        assert client.get(u("guideline_detail", data.draft_guideline.pk)).status_code == 404
        text = text_of(actors.client(actors.expert).get(u("guideline_list")))
        assert "Entwurf Solar" in text and "Leitlinie schreiben" in text

    def test_markdown_is_rendered_and_sanitised(self, actors, data):
        g = data.guideline
        g.body = "# Titel\n\n**fett** <script>alert(1)</script> [x](javascript:alert(1))"
        g.save()
        text = text_of(actors.client(actors.observer).get(u("guideline_detail", g.pk)))
        assert "<h2>Titel</h2>" in text and "<strong>fett</strong>" in text
        assert "<script>alert" not in text and "javascript:" not in text

    def test_expert_writes_versions_links_and_attaches(self, actors, data, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client = actors.client(actors.expert)
        k2 = criteria(data.board)["K2"]
        response = client.post(
            u("guideline_create"),
            {
                "title": "Leitlinie Holzbau",
                "body": "Erste Fassung",
                "status": "draft",
                "criteria": [k2.pk],
            },
        )
        g = Guideline.objects.get(title="Leitlinie Holzbau")
        assert response.status_code == 302 and g.revision == 1 and g.published_at is None
        response = client.post(
            u("guideline_edit", g.pk),
            {
                "title": "Leitlinie Holzbau",
                "body": "Zweite Fassung",
                "status": "published",
                "criteria": [k2.pk],
                "loaded_version": g.version,
            },
        )
        g.refresh_from_db()
        assert g.revision == 2 and g.published_at is not None
        text = text_of(client.get(u("guideline_detail", g.pk)))
        assert "Zweite Fassung" in text and "Fassung 1" in text and "K2 Erneuerbare Wärme" in text
        old = text_of(client.get(u("guideline_detail", g.pk) + "?fassung=1"))
        assert "Erste Fassung" in old and "ältere Fassung 1" in old
        assert client.get(u("guideline_detail", g.pk) + "?fassung=9").status_code == 404
        for odd in ("²", "abc", "99999999999999999999"):  # not a revision: the current one
            odd_page = client.get(u("guideline_detail", g.pk), {"fassung": odd})
            assert "Zweite Fassung" in text_of(odd_page), odd
        client.post(
            u("guideline_attach", g.pk),
            {"title": "Merkblatt", "file": SimpleUploadedFile("merkblatt.pdf", b"%PDF-1.7")},
        )
        text = text_of(client.get(u("guideline_detail", g.pk)))
        assert "Merkblatt" in text
        doc = g.attachments.get()
        assert actors.client(actors.coordinator).get(u("document", doc.pk)).status_code == 200
        # links and attachments are kept in the guideline's history
        latest = g.history.order_by("-history_id").first()
        assert [row.document_id for row in latest.attachments.all()] == [doc.pk]
        assert {row.boardcriterion_id for row in latest.criteria.all()} == set(
            g.criteria.values_list("pk", flat=True)
        )
        # the board shows the link back
        assert "Leitlinie Holzbau" in text_of(client.get(u("board_detail", data.board.pk)))
        bad = client.post(
            u("guideline_attach", g.pk), {"file": SimpleUploadedFile("x.html", b"<p>")}, follow=True
        )
        assert "Dateien vom Typ „html“ sind nicht erlaubt." in text_of(bad)

    def test_links_to_a_retired_board_version_survive_an_edit(self, actors, data):
        g = data.guideline
        old_k2 = criteria(data.board)["K2"]
        g.criteria.add(old_k2)
        draft = services.board_new_version(board=data.board)
        services.board_activate(board=draft)  # version 1 is retired now
        new_k2 = criteria(draft)["K2"]
        client = actors.client(actors.expert)
        form = text_of(client.get(u("guideline_edit", g.pk)))
        assert f'value="{old_k2.pk}"' in form and "Testraster (v1)" in form
        response = client.post(
            u("guideline_edit", g.pk),
            {
                "title": g.title,
                "body": "Neu gefasst",
                "status": "published",
                "criteria": [old_k2.pk, new_k2.pk],
                "loaded_version": g.version,
            },
        )
        assert response.status_code == 302
        assert set(g.criteria.all()) == {old_k2, new_k2}

    def test_attachment_of_a_draft_is_hidden_from_members(self, actors, data, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        doc = document_store(
            network=actors.network,
            membership=None,
            user=actors.expert,
            upload=SimpleUploadedFile("entwurf.pdf", b"%PDF-1.7"),
        )
        data.draft_guideline.attachments.add(doc)
        assert actors.client(actors.coordinator).get(u("document", doc.pk)).status_code == 404
        assert actors.client(actors.expert).get(u("document", doc.pk)).status_code == 200

    def test_guideline_bad_input(self, actors, data):
        text = text_of(actors.client(actors.moderator).post(u("guideline_create"), {"status": "x"}))
        assert "Dieses Feld ist zwingend erforderlich." in text
        assert "Bitte eine gültige Auswahl treffen" in text
