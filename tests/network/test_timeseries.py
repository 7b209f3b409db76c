"""Key figures over time: quarterly snapshots, the back-fill from the history, the beat
task, the trend charts and the pages that show them (network.timeseries)."""

import re
from datetime import date, datetime

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from knn_portal.celery import app as celery_app
from network import freshness, tasks, timeseries
from network.models import FigureSnapshot
from network.progress import Period, sections
from network.reports.charts import TREND_AXIS, TREND_MEDIAN, TREND_OWN, nice_maximum, trend_chart
from network.reports.figures import figure_table
from procurement.models import Adoption, Milestone
from tests.building.factories import ProjectFactory
from tests.factories import MembershipFactory, MunicipalityFactory, NetworkFactory
from tests.procurement.factories import (
    AdoptionFactory,
    CriterionFactory,
    MilestoneFactory,
    RoadmapFactory,
)

pytestmark = pytest.mark.django_db


def moment(day):
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def values(membership, key):
    return dict(
        FigureSnapshot.objects.filter(membership=membership, key=key).values_list(
            "period_end", "value"
        )
    )


# --- quarters ----------------------------------------------------------------------------


class TestQuarters:
    def test_quarter_end_of_every_month(self):
        ends = {timeseries.quarter_end(date(2025, month, 15)) for month in range(1, 13)}
        assert ends == {date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31)}

    def test_a_quarter_is_over_only_after_its_last_day(self):
        assert timeseries.last_ended_quarter(date(2026, 3, 31)) == date(2025, 12, 31)
        assert timeseries.last_ended_quarter(date(2026, 4, 1)) == date(2026, 3, 31)

    def test_quarter_ends_from_the_start_on(self):
        assert timeseries.quarter_ends(date(2022, 9, 1), date(2023, 3, 31)) == [
            date(2022, 9, 30),
            date(2022, 12, 31),
            date(2023, 3, 31),
        ]
        assert timeseries.quarter_ends(date(2022, 9, 1), date(2022, 9, 29)) == []

    def test_german_quarter_labels(self):
        assert timeseries.quarter_label(date(2025, 9, 30)) == "Q3 2025"
        assert timeseries.quarter_label(date(2024, 12, 31)) == "Q4 2024"


# --- writing -----------------------------------------------------------------------------


@pytest.fixture
def member():
    """A member of a network that started in 2023, with a roadmap of two milestones (one
    done on 10.05.2024) and one criterion agreed on 01.02.2024."""
    network = NetworkFactory(slug="zeitreihe", started_on=date(2023, 1, 1))
    membership = MembershipFactory(network=network, joined_on=date(2023, 1, 1))
    roadmap = RoadmapFactory(membership=membership)
    MilestoneFactory(
        roadmap=roadmap,
        status=Milestone.Status.DONE,
        completed_on=date(2024, 5, 10),
        due_on=date(2024, 3, 31),
    )
    MilestoneFactory(roadmap=roadmap, status=Milestone.Status.PLANNED, due_on=date(2030, 1, 1))
    return membership


class TestBackfill:
    def test_quarters_since_the_start_with_the_state_of_then(self, member):
        written = timeseries.snapshots_backfill(network=member.network, today=date(2025, 2, 1))
        done = values(member, "roadmap_done_pct")
        # Q1 2023 … Q4 2024: eight quarters.
        assert sorted(done) == timeseries.quarter_ends(date(2023, 1, 1), date(2024, 12, 31))
        assert written == FigureSnapshot.objects.filter(membership=member).count() > 8
        # The milestone done in May 2024 counts from Q2 2024 on, not before.
        assert done[date(2023, 12, 31)] == 0
        assert done[date(2024, 3, 31)] == 0
        assert done[date(2024, 6, 30)] == 50
        assert done[date(2024, 12, 31)] == 50
        # Due 31.03.2024 and not done yet then: overdue in Q1 2024 (due date not before the
        # end), not in Q2 2024.
        overdue = values(member, "milestones_overdue")
        assert overdue[date(2024, 3, 31)] == 0
        assert overdue[date(2023, 12, 31)] == 0

    def test_overdue_at_a_quarter_end_when_done_later(self, member):
        MilestoneFactory(
            roadmap=member.roadmap,
            status=Milestone.Status.DONE,
            due_on=date(2023, 5, 1),
            completed_on=date(2023, 11, 1),
        )
        timeseries.snapshots_backfill(network=member.network, today=date(2024, 1, 15))
        overdue = values(member, "milestones_overdue")
        assert overdue[date(2023, 3, 31)] == 0  # not due yet
        assert overdue[date(2023, 9, 30)] == 1  # due, done only in November
        assert overdue[date(2023, 12, 31)] == 0

    def test_criteria_by_agreed_date_and_by_history(self, member):
        adoption = Adoption(
            membership=member,
            criterion=CriterionFactory(network=member.network),
            status=Adoption.Status.AGREED,
            agreed_on=date(2024, 2, 1),
        )
        adoption._history_date = moment(date(2024, 2, 1))
        adoption.save()
        adoption.status = Adoption.Status.ADOPTED
        adoption._history_date = moment(date(2024, 8, 1))
        adoption.save()
        timeseries.snapshots_backfill(network=member.network, today=date(2025, 1, 10))
        agreed = values(member, "criteria_agreed")
        adopted = values(member, "criteria_adopted")
        assert agreed[date(2023, 12, 31)] == 0
        assert agreed[date(2024, 3, 31)] == 1
        assert adopted[date(2024, 6, 30)] == 0  # adopted only in August, by its history
        assert adopted[date(2024, 9, 30)] == 1

    def test_agreed_date_counts_before_the_history_begins(self, member):
        """An agreement recorded later with its real date counts from that date."""
        adoption = AdoptionFactory(
            membership=member, status=Adoption.Status.AGREED, agreed_on=date(2023, 6, 1)
        )
        assert adoption.history.earliest().history_date.date() > date(2024, 1, 1)
        timeseries.snapshots_backfill(network=member.network, today=date(2024, 1, 10))
        agreed = values(member, "criteria_agreed")
        assert agreed[date(2023, 3, 31)] == 0
        assert agreed[date(2023, 6, 30)] == 1
        assert values(member, "criteria_adopted")[date(2023, 12, 31)] == 0

    def test_legal_problems_from_the_project_history(self, member):
        project = ProjectFactory(membership=member)
        project.created_at = moment(date(2023, 2, 1))
        project.legal_status = project.LegalStatus.PROBLEM
        project._history_date = moment(date(2023, 2, 1))
        project.save()
        project.legal_status = project.LegalStatus.OK
        project._history_date = moment(date(2023, 8, 1))
        project.save()
        timeseries.snapshots_backfill(network=member.network, today=date(2024, 1, 10))
        legal = values(member, "legal_problems")
        projects = values(member, "projects")
        assert projects[date(2023, 3, 31)] == 1
        assert legal[date(2023, 3, 31)] == 1
        assert legal[date(2023, 9, 30)] == 0

    def test_members_count_only_while_members(self, member):
        late = MembershipFactory(network=member.network, joined_on=date(2024, 1, 1))
        timeseries.snapshots_backfill(network=member.network, today=date(2024, 7, 1))
        assert min(values(late, "roadmap_done_pct")) == date(2024, 3, 31)
        assert min(values(member, "roadmap_done_pct")) == date(2023, 3, 31)

    def test_a_fixed_number_of_queries_per_quarter(self, member):
        def queries(today):
            with CaptureQueriesContext(connection) as ctx:
                timeseries.snapshots_backfill(network=member.network, today=today)
            FigureSnapshot.objects.all().delete()
            return len(ctx)

        four, eight = queries(date(2024, 1, 10)), queries(date(2025, 1, 10))
        per_quarter = (eight - four) / 4
        assert per_quarter == int(per_quarter)
        more = [MembershipFactory(network=member.network) for _ in range(5)]
        for other in more:
            MilestoneFactory(roadmap=RoadmapFactory(membership=other))
            AdoptionFactory(membership=other, status=Adoption.Status.APPLIED)
        assert queries(date(2025, 1, 10)) == eight


class TestTaking:
    def test_beat_task_is_idempotent_and_leaves_the_stamp_alone(self, member):
        end = timeseries.last_ended_quarter(timezone.localdate())
        first = tasks.snapshot_figures.apply().get()
        assert first > 0
        rows = list(FigureSnapshot.objects.order_by("pk").values_list("pk", "value", "taken_at"))
        assert {r.period_end for r in FigureSnapshot.objects.all()} == {end}
        stamp = freshness.stamp(member.network_id)
        assert tasks.snapshot_figures.apply().get() == 0
        # Even asked to take the quarter again, nothing changed, nothing is written.
        assert timeseries.snapshots_take(network=member.network, period_end=end) == 0
        assert freshness.stamp(member.network_id) == stamp
        assert (
            list(FigureSnapshot.objects.order_by("pk").values_list("pk", "value", "taken_at"))
            == rows
        )

    def test_a_changed_value_is_updated_in_place_and_moves_the_stamp(self, member):
        end = date(2024, 12, 31)
        timeseries.snapshots_take(network=member.network, period_end=end)
        before = FigureSnapshot.objects.get(membership=member, key="roadmap_done_pct")
        assert before.value == 50
        MilestoneFactory(
            roadmap=member.roadmap, status=Milestone.Status.DONE, completed_on=date(2024, 1, 5)
        )
        stamp = freshness.stamp(member.network_id)
        assert timeseries.snapshots_take(network=member.network, period_end=end) >= 1
        after = FigureSnapshot.objects.get(membership=member, key="roadmap_done_pct")
        assert after.pk == before.pk and round(after.value, 1) == 66.7
        assert freshness.stamp(member.network_id) != stamp

    def test_unique_per_member_section_key_and_quarter(self, member):
        FigureSnapshot.objects.create(
            membership=member, section="x", key="k", period_end=date(2024, 3, 31), value=1
        )
        with pytest.raises(Exception):  # noqa: B017 - IntegrityError of either database
            FigureSnapshot.objects.create(
                membership=member, section="x", key="k", period_end=date(2024, 3, 31), value=2
            )

    def test_beat_schedule_runs_the_task_daily(self):
        entry = settings.CELERY_BEAT_SCHEDULE["figure-snapshots"]
        assert entry["task"] == "network.tasks.snapshot_figures"
        assert entry["task"] in celery_app.tasks
        assert entry["schedule"].hour == {5}

    def test_command(self, member):
        call_command("snapshot_figures", "--backfill", "--network", "zeitreihe")
        assert FigureSnapshot.objects.filter(membership=member).exists()
        with pytest.raises(CommandError):
            call_command("snapshot_figures", "--backfill", "--network", "gibt-es-nicht")


# --- reading and drawing -----------------------------------------------------------------


class TestSeries:
    def test_points_per_key_with_member_values_and_median(self, member):
        other = MembershipFactory(network=member.network, joined_on=date(2023, 1, 1))
        timeseries.snapshots_backfill(network=member.network, today=date(2024, 7, 1))
        series = timeseries.series_for([member, other], ["roadmap_done_pct"])
        assert list(series) == ["roadmap_done_pct"]
        found = series["roadmap_done_pct"]
        assert [p.label for p in found.points][-2:] == ["Q1 2024", "Q2 2024"]
        assert found.of(member.pk)[-1] == 50
        assert found.of(other.pk)[-1] is None  # no roadmap: no value
        assert found.medians()[-1] == 50

    def test_labels_kept_in_german_shown_in_the_readers_language(self, member):
        with translation.override("en"):
            timeseries.snapshots_backfill(network=member.network, today=date(2023, 7, 1))
        row = FigureSnapshot.objects.filter(key="roadmap_done_pct").first()
        assert (row.label, row.unit) == ("Fahrplan erledigt", "%")
        series = timeseries.series_for([member])
        # In the order of the sections and their figures, as the dashboard's table.
        table = figure_table([member], Period(date(2023, 1, 1), date(2023, 6, 30)), sections())
        assert list(series) == [column.key for column in table.columns]
        assert series["roadmap_done_pct"].title == "Fahrplan erledigt"
        with translation.override("en"):
            assert series["roadmap_done_pct"].title == "Roadmap completed"

    def test_per_inhabitants(self):
        series = timeseries.Series(
            "projects",
            "building",
            "Bauvorhaben",
            "",
            [timeseries.Point(date(2024, 3, 31), {1: 3, 2: 1})],
        )
        per = series.per_inhabitants({1: 150_000, 2: 0}, 100_000)
        assert per.points[0].values == {1: 2.0}


def contrast(colour):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


class TestChart:
    def chart(self):
        return trend_chart(
            title="Fahrplan erledigt",
            unit="%",
            quarters=[date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31)],
            lines=[
                {"name": "Lünen", "values": [10, None, 42.3], "own": True},
                {"name": "Median des Netzwerks", "values": [5, 12.5, 30], "own": False},
            ],
            chart_id="trend-x",
        )

    def test_accessible_svg(self):
        svg = str(self.chart())
        assert re.search(r'<svg[^>]* role="img"[^>]* aria-labelledby="trend-x-t"', svg)
        assert '<title id="trend-x-t">Fahrplan erledigt</title>' in svg
        desc = re.search(r'<desc id="trend-x-d">(.*?)</desc>', svg).group(1)
        assert "Q2 2025" in desc and "Q4 2025" in desc
        assert (
            "Lünen zuletzt 42,3\u00a0%" in desc and "Median des Netzwerks zuletzt 30\u00a0%" in desc
        )
        assert "Q2 2025" in svg and "Q4 2025" in svg  # axis labels
        assert "50\u00a0%" in svg and "100\u00a0%" in svg and "in %" in svg  # y axis with unit

    def test_member_solid_median_dashed_gap_kept(self):
        svg = str(self.chart())
        median = re.findall(r'<polyline [^>]*stroke="#595959"[^>]*>', svg)
        assert len(median) == 1 and 'stroke-dasharray="6 4"' in median[0]
        # The member's line has a gap in Q3: two single points, no polyline, two markers.
        assert not re.findall(r'<polyline [^>]*stroke="#0b6e4f"', svg)
        assert len(re.findall(r'<circle [^>]*fill="#0b6e4f"', svg)) == 2

    def test_colours_contrast_at_least_three_to_one_against_white(self):
        for colour in (TREND_OWN, TREND_MEDIAN, TREND_AXIS):
            assert contrast(colour) >= 3, colour

    def test_nice_maximum(self):
        assert [nice_maximum(v) for v in (0, 0.7, 3, 12, 26, 51, 100)] == [
            1,
            1,
            5,
            20,
            50,
            100,
            100,
        ]


# --- pages -------------------------------------------------------------------------------


def grow(network, n):
    """n members with snapshots of four quarters."""
    for _ in range(n):
        m = MembershipFactory(
            network=network,
            municipality=MunicipalityFactory(population=80_000),
            joined_on=network.started_on,
        )
        MilestoneFactory(roadmap=RoadmapFactory(membership=m), status=Milestone.Status.DONE)
        ProjectFactory(membership=m)
    timeseries.snapshots_backfill(network=network, today=date(2024, 1, 10))


class TestPages:
    @pytest.fixture
    def knn(self, actors):
        actors.network.started_on = date(2023, 1, 1)
        actors.network.save()
        for m in (actors.luenen, actors.herten):
            m.joined_on = date(2023, 1, 1)
            m.save()
        MilestoneFactory(
            roadmap=RoadmapFactory(membership=actors.luenen),
            status=Milestone.Status.DONE,
            completed_on=date(2023, 5, 2),
        )
        timeseries.snapshots_backfill(network=actors.network, today=date(2024, 1, 10))
        return actors

    def pages(self, actors):
        slug = actors.network.slug
        return [
            (actors.moderator, reverse("network:dashboard", args=[slug])),
            (actors.coordinator, reverse("network:dashboard", args=[slug])),
            (actors.moderator, reverse("network:membership", args=[slug, "luenen"])),
        ]

    def test_trends_on_the_three_pages(self, knn):
        for user, url in self.pages(knn):
            html = knn.client(user).get(url).content.decode()
            section = html[html.index('id="trends-title"') :]
            assert "Verlauf der Kennzahlen" in section
            assert "Q1 2023" in section and "Q4 2023" in section
            assert '<svg class="chart trend-chart' in section and "<desc id=" in section
            assert "<details" in section and '<th scope="row">Q2 2023</th>' in section
        member = knn.client(knn.coordinator).get(self.pages(knn)[1][1]).content.decode()
        # Lünen's line beside the median; Lünen's roadmap was done from Q2 2023.
        table = member[member.index("Fahrplan erledigt</figcaption>") :]
        table = table[: table.index("</table>")]
        assert '<th scope="col" class="text-end">Lünen</th>' in table
        assert re.search(r"Q1 2023</th><td[^>]*>0\u00a0%</td>", table)
        assert re.search(r"Q2 2023</th><td[^>]*>100\u00a0%</td>", table)

    def test_per_inhabitants_chart_on_member_page(self, knn):
        ProjectFactory(membership=knn.luenen)
        timeseries.snapshots_backfill(network=knn.network, today=date(2026, 1, 10))
        html = knn.client(knn.moderator).get(self.pages(knn)[2][1]).content.decode()
        assert "Bauvorhaben je 100.000 Einwohner" in html

    def test_no_snapshots_yet(self, actors):
        html = actors.client(actors.moderator).get(
            reverse("network:dashboard", args=[actors.network.slug])
        )
        assert "Noch keine Quartalswerte" in html.content.decode()

    def test_pages_stay_out_of_reach_of_outsiders(self, knn):
        for _user, url in self.pages(knn):
            assert knn.client(knn.outsider).get(url).status_code == 404
            assert knn.client(None).get(url).status_code == 302

    def test_query_count_fixed_at_two_sizes(self, knn):
        def counts():
            result = []
            for user, url in self.pages(knn):
                client = knn.client(user)
                client.get(url)  # warm: sessions, the kept figure table
                with CaptureQueriesContext(connection) as ctx:
                    assert client.get(url).status_code == 200
                result.append(len(ctx))
            return result

        grow(knn.network, 2)
        small = counts()
        grow(knn.network, 12)
        assert counts() == small

    def test_query_count_fixed_uncached(self, knn, settings):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}

        def counts():
            result = []
            for user, url in self.pages(knn):
                client = knn.client(user)
                client.get(url)
                with CaptureQueriesContext(connection) as ctx:
                    client.get(url)
                result.append(len(ctx))
            return result

        grow(knn.network, 2)
        small = counts()
        grow(knn.network, 12)
        assert counts() == small


def test_days_without_snapshot_are_no_error(member):
    assert timeseries.snapshots_take(network=member.network, period_end=date(2022, 12, 31)) == 0
    assert timeseries.series_for([]) == {}


def test_large_amounts_keep_their_axis_labels_inside_the_chart():
    """„500.000 €“ at the top of the axis: right-aligned at the plot's left edge, it needs
    room for its nine characters (it was cut to „00.000 €“ with a fixed 52 px)."""

    from network.reports.charts import trend_chart

    svg = str(
        trend_chart(
            title="Auftragswert",
            unit="€",
            quarters=[date(2026, 3, 31), date(2026, 6, 30)],
            lines=[{"name": "Mitte", "values": [120000.0, 480000.0], "own": False}],
            chart_id="t",
        )
    )
    ticks = re.findall(
        r'<text x="([\d.]+)" y="[\d.]+" font-size="10" fill="#111" '
        r'text-anchor="end">([^<]+)</text>',
        svg,
    )
    assert "500.000\u00a0€" in [label for _x, label in ticks], ticks
    for x, label in ticks:
        assert float(x) >= 6 * len(label), (x, label)  # about 6 px a character at size 10
