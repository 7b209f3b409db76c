"""The moderator's dashboard fits and tells: figures grouped by topic with a sticky first
column, every figure explains itself and lists the rows behind one member's value,
„Letzte Änderungen“ covers every app, and the overdue list has a full, paginated page."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from building import services as building_services
from network import plugins, progress
from network.overview import period_of
from network.reports import history
from procurement.models import Adoption
from tests.building.factories import ProjectFactory, small_board
from tests.factories import ActionItemFactory, MembershipFactory
from tests.procurement.factories import (
    AdoptionFactory,
    CriterionFactory,
    MilestoneFactory,
    ProductGroupFactory,
    RoadmapFactory,
    TenderFactory,
)

pytestmark = pytest.mark.django_db


def dashboard(slug="knn"):
    return reverse("network:dashboard", args=[slug])


def rows_url(key, municipality="luenen", slug="knn"):
    return reverse("network:figure_rows", args=[slug, key, municipality])


def overdue_url(slug="knn"):
    return reverse("network:overdue", args=[slug])


@pytest.fixture
def tenders(actors):
    """Lünen agreed 4 criteria of „Reinigung“: one tender applied all 4, one 3 of 4, and
    one is of a product group without agreed criteria (left out)."""
    group = ProductGroupFactory(network=actors.network, name="Reinigung")
    criteria = [
        CriterionFactory(network=actors.network, product_group=group, title=title)
        for title in ("Ecolabel-Mittel", "Dosiersysteme", "Mikrofaser", "Schulung")
    ]
    for criterion in criteria:
        AdoptionFactory(membership=actors.luenen, criterion=criterion, status="agreed")
    this_year = timezone.localdate().year
    full = TenderFactory(
        membership=actors.luenen,
        product_group=group,
        title="Unterhaltsreinigung Rathaus",
        estimated_value=90000,
        published_on=date(this_year, 1, 10),
    )
    full.applied_criteria.set(criteria)
    short = TenderFactory(
        membership=actors.luenen,
        product_group=group,
        title="Glasreinigung Schulen",
        estimated_value=810000,
        published_on=date(this_year, 1, 20),
    )
    short.applied_criteria.set(criteria[:3])
    TenderFactory(
        membership=actors.luenen,
        product_group=ProductGroupFactory(network=actors.network, name="Papier"),
        title="Kopierpapier",
        published_on=date(this_year, 1, 5),
    )
    return group, criteria


class TestTableFits:
    def test_column_groups_by_topic_and_a_sticky_first_column(self, actors):
        text = actors.client(actors.moderator).get(dashboard()).content.decode()
        table = text[text.index('<div class="table-responsive figure-table-region"') :]
        table = table[: table.index("</table>")]
        # One column group per installed section, headed by its title over two header rows.
        sections = progress.sections()
        assert table.count('<colgroup span="') == len(sections)
        for section in sections:
            assert re.search(
                rf'<th scope="colgroup" colspan="\d+" class="figure-group-head">{section.title}',
                table,
            ), section.key
        assert '<th scope="col" rowspan="2" class="figure-name"' in table
        # Every figure is a column: none hidden.
        keys = {
            f.key
            for s in sections
            for f in s.figures([actors.luenen], _period(actors))[actors.luenen.pk]
        }
        assert set(re.findall(r'href="#kennzahl-([a-z_]+)"', table)) == keys
        # The table scrolls in its own labelled, focusable region; the first column sticks.
        assert 'role="region" aria-labelledby="figure-table-table-1" tabindex="0"' in text
        css = Path(settings.BASE_DIR, "static/css/portal.css").read_text()
        sticky = css[
            css.index(".table-figures-grouped th.figure-name, .table-figures-grouped tbody th {") :
        ]
        assert "position: sticky; left: 0;" in sticky[: sticky.index("}")]


def _period(actors):
    return period_of(actors.network, timezone.localdate())


class TestEveryFigureExplainsItself:
    def test_every_figure_key_of_every_section_has_an_explanation_and_rows(self, actors):
        for section in progress.sections():
            figures = section.figures([actors.luenen], _period(actors))[actors.luenen.pk]
            assert figures, section.key
            for figure in figures:
                assert len(progress.explanation(section, figure.key)) > 30, figure.key
                rows = section.figure_rows(actors.luenen, figure.key, _period(actors))
                assert rows is not None, figure.key
            assert section.figure_rows(actors.luenen, "no_such_figure", _period(actors)) is None

    def test_dashboard_lists_explanations_and_links_cells_to_rows(self, actors, tenders):
        text = actors.client(actors.moderator).get(dashboard()).content.decode()
        assert "So werden die Kennzahlen berechnet" in text
        assert 'id="kennzahl-tender_share_count_pct"' in text
        assert "fehlt auch nur eines, zählt sie als „ohne Kriterien“" in text
        link = rows_url("tender_share_count_pct")
        assert f'<a href="{link}" class="figure-value">50\xa0%</a>' in text

    def test_tender_rows_mark_counted_not_counted_and_the_missing_criterion(self, actors, tenders):
        response = actors.client(actors.moderator).get(rows_url("tender_share_value_pct"))
        text = response.content.decode()
        assert response.status_code == 200
        assert "Ausschreibungen mit Kriterien (Wert) – Lünen" in text
        assert "10\xa0%" in text  # 90.000 of 900.000 €
        assert "1 zählen, 1 zählen nicht, 1 bleiben außen vor." in text

        def row(title):
            start = text.rindex("<tr", 0, text.index(title))
            return text[start : text.index("</tr>", start)]

        assert "figure-row-counted" in row("Unterhaltsreinigung Rathaus")
        short = row("Glasreinigung Schulen")
        assert "figure-row-not-counted" in short and "Es fehlt: Schulung." in short
        assert "figure-row-left-out" in row("Kopierpapier")

    def test_roadmap_rows(self, actors):
        roadmap = RoadmapFactory(membership=actors.luenen)
        today = timezone.localdate()
        MilestoneFactory(roadmap=roadmap, title="Erledigt", status="done")
        MilestoneFactory(roadmap=roadmap, title="Entfallen", status="dropped")
        MilestoneFactory(roadmap=roadmap, title="Zu spät", due_on=today - timedelta(days=3))
        client = actors.client(actors.moderator)
        text = client.get(rows_url("roadmap_done_pct")).content.decode()
        assert "50\xa0%" in text and "1 zählen, 1 zählen nicht, 1 bleiben außen vor." in text
        text = client.get(rows_url("milestones_overdue")).content.decode()
        assert "Fällig seit" in text and "1 zählen, 0 zählen nicht, 2 bleiben außen vor." in text

    def test_adoption_rows(self, actors, tenders):
        group, criteria = tenders
        Adoption.objects.filter(criterion=criteria[0]).update(status="applied")
        text = actors.client(actors.observer).get(rows_url("criteria_applied")).content.decode()
        assert "1 zählen, 3 zählen nicht, 0 bleiben außen vor." in text
        assert "Status „zugestimmt“: zählt nicht." in text

    def test_building_rows(self, actors):
        board = small_board(actors.network)
        draft = ProjectFactory(membership=actors.luenen, name="Grundschule Nord")
        building_services.assessment_start(project=draft, board=board)
        ProjectFactory(membership=actors.luenen, name="Feuerwache Süd")
        ProjectFactory(membership=actors.herten, name="Rathaus Herten")
        text = actors.client(actors.expert).get(rows_url("projects_assessed")).content.decode()
        assert "Bewertung noch im Entwurf." in text and "Noch keine Bewertung." in text
        assert "Rathaus Herten" not in text
        assert "0 zählen, 2 zählen nicht, 0 bleiben außen vor." in text
        text = actors.client(actors.expert).get(rows_url("projects")).content.decode()
        assert "2 zählen, 0 zählen nicht" in text

    def test_a_year_narrows_the_rows(self, actors, tenders):
        last_year = timezone.localdate().year - 1
        client = actors.client(actors.moderator)
        text = client.get(rows_url("tender_share_count_pct"), {"jahr": last_year}).content.decode()
        assert "Keine Einträge im Zeitraum." in text
        text = client.get(rows_url("tender_share_count_pct"), {"jahr": "99999"}).content.decode()
        assert "Glasreinigung Schulen" in text  # an impossible year is ignored

    @pytest.mark.parametrize("size", [3, 30])
    def test_rows_page_queries_do_not_grow(
        self, actors, tenders, size, django_assert_max_num_queries
    ):
        group, criteria = tenders
        for n in range(size):
            TenderFactory(membership=actors.luenen, product_group=group).applied_criteria.set(
                criteria[: n % 5]
            )
        client = actors.client(actors.moderator)
        client.get(reverse("profile"))
        with django_assert_max_num_queries(16):
            text = client.get(rows_url("tender_share_count_pct")).content.decode()
        assert text.count('<tr class="figure-row-') == size + 3


class TestRecentChanges:
    def test_every_app_offers_its_historical_models(self):
        labels = {source.model for source in history.sources()}
        assert {"procurement.Tender", "procurement.Adoption", "building.BuildingProject"} <= labels
        for entry in plugins.objects("history_models"):
            assert isinstance(entry, history.HistorySource), entry

    def test_procurement_and_building_changes_show_with_links(self, actors, tenders):
        project = ProjectFactory(membership=actors.luenen, name="Kita Sonnenschein")
        ProjectFactory(membership=actors.other_membership, name="Fremdes Vorhaben")
        text = actors.client(actors.moderator).get(dashboard()).content.decode()
        changes = text[text.index('id="changes-title"') :]
        tender_list = reverse("procurement:tender_list", args=["knn", "luenen"])
        assert (
            f'<a href="{tender_list}">Ausschreibung „Glasreinigung Schulen – Lünen“ angelegt</a>'
            in changes
        )
        project_url = reverse("building:project_detail", args=["knn", project.pk])
        assert (
            f'<a href="{project_url}">Bauvorhaben „Kita Sonnenschein – Lünen“ angelegt</a>'
            in changes
        )
        assert "Fremdes Vorhaben" not in changes  # another network's change


class TestOverdueList:
    def overdue(self, actors, n):
        today = timezone.localdate()
        for i in range(n):
            ActionItemFactory(
                network=actors.network,
                membership=actors.luenen if i % 2 else actors.herten,
                title=f"Aufgabe {i:03d}",
                due_on=today - timedelta(days=i + 1),
            )

    def test_dashboard_links_to_all_and_the_list_pages(self, actors):
        self.overdue(actors, 60)
        client = actors.client(actors.moderator)
        text = client.get(dashboard()).content.decode()
        assert f'<a href="{overdue_url()}">Alle anzeigen (60 Einträge)</a>' in text
        first = client.get(overdue_url()).content.decode()
        assert "60 Einträge sind überfällig" in first
        assert first.count('<li class="list-group-item">') == 50
        # Oldest first: due 60 days ago is item 059.
        assert first.index("Aufgabe 059") < first.index("Aufgabe 058")
        assert "Seite 1 von 2" in first
        second = client.get(overdue_url(), {"page": 2}).content.decode()
        assert second.count('<li class="list-group-item">') == 10
        assert "Aufgabe 000" in second and "Aufgabe 059" not in second

    def test_nothing_overdue(self, actors):
        text = actors.client(actors.moderator).get(overdue_url()).content.decode()
        assert "Nichts ist überfällig." in text
        assert (
            overdue_url() not in actors.client(actors.moderator).get(dashboard()).content.decode()
        )

    @pytest.mark.parametrize("size", [4, 40])
    def test_queries_do_not_grow(self, actors, size, django_assert_max_num_queries):
        self.overdue(actors, size)
        for _ in range(size // 4):
            MembershipFactory(network=actors.network)
        client = actors.client(actors.moderator)
        client.get(reverse("profile"))
        with django_assert_max_num_queries(16):
            text = client.get(overdue_url()).content.decode()
        assert text.count('<li class="list-group-item">') == size


class TestPermissions:
    @pytest.mark.parametrize("target", [rows_url("projects"), overdue_url()])
    def test_anonymous_goes_to_login_and_the_outsider_gets_404(self, client, actors, target):
        response = client.get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert actors.client(actors.outsider).get(target).status_code == 404

    def test_another_networks_member_or_figure_is_not_found(self, actors):
        client = actors.client(actors.moderator)
        assert client.get(rows_url("projects", municipality="hamm")).status_code == 404
        assert client.get(rows_url("no_such_figure")).status_code == 404
        outsider = actors.client(actors.outsider)
        assert outsider.get(rows_url("projects", "hamm", slug="hellweg")).status_code == 200

    def test_another_municipality_reads_but_is_offered_no_edit(self, actors, tenders):
        # Everybody in the network reads everything (DESIGN: people and what they may do);
        # the rows link to read pages, never to another member's edit forms.
        response = actors.client(actors.other).get(rows_url("tender_share_count_pct"))
        text = response.content.decode()
        assert response.status_code == 200
        assert "Glasreinigung Schulen" in text
        assert "/bearbeiten/" not in text and "ausschreibungen/neu" not in text
        assert actors.client(actors.other).get(overdue_url()).status_code == 200
