"""The procurement sections of the public page and the open data (procurement.public)."""

import json
from datetime import date

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from network.progress import Period
from network.public import public_sections
from procurement.models import Adoption, DepartmentApproval, Milestone
from procurement.public import CriteriaSection, RoadmapSection, TendersSection
from tests.factories import DepartmentFactory, UserFactory
from tests.procurement.factories import (
    AdoptionFactory,
    CriterionFactory,
    DepartmentApprovalFactory,
    MilestoneFactory,
    TenderFactory,
)

pytestmark = pytest.mark.django_db

PERIOD = Period.year(2025)
STAFF_NAMES = ("Xaverine", "Quirlmeyer", "Bartholomäus", "Zwirbelstein")
TYPES = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "date": (str,),
}


def rendered(section, membership):
    return render_to_string(section.template, section.context(membership, PERIOD))


def assert_open(table):
    """Every row has exactly the table's fields, with plain JSON values of their type."""
    names = [f.name for f in table.fields]
    assert len(set(names)) == len(names)
    assert {"municipality", "ags"} <= set(names)
    for row in table.rows:
        assert list(row) == names
        for f in table.fields:
            value = row[f.name]
            assert value is None or isinstance(value, TYPES[f.type]), (f.name, value)
            if f.type == "date" and value:
                date.fromisoformat(value)
            if f.type != "boolean":
                assert not isinstance(value, bool), f.name
    json.dumps(table.rows)
    json.dumps([vars(f) for f in table.fields])


def assert_no_staff(*texts):
    for text in texts:
        for name in STAFF_NAMES:
            assert name not in text


@pytest.fixture
def staff(actors, data):
    """Named people on every row that records one: they must never become public."""
    asker = UserFactory(first_name="Xaverine", last_name="Quirlmeyer")
    decider = UserFactory(first_name="Bartholomäus", last_name="Zwirbelstein")
    it = DepartmentFactory(municipality=actors.luenen.municipality, name="IT-Service")
    data.approval.requested_by = asker
    data.approval.status = DepartmentApproval.Status.AGREED
    data.approval.decided_by = decider
    data.approval.comment = "Einverstanden, Bartholomäus Zwirbelstein"
    data.approval.save()
    DepartmentApprovalFactory(
        adoption=data.adoption,
        department=it,
        status=DepartmentApproval.Status.OBJECTION,
        comment="Zu teuer – Xaverine Quirlmeyer",
        requested_by=asker,
        decided_by=decider,
    )
    return it


class TestRoadmap:
    def test_milestones_and_progress(self, actors, data):
        MilestoneFactory(
            roadmap=data.roadmap,
            title="Leitfaden veröffentlichen",
            due_on=date(2025, 3, 31),
            status=Milestone.Status.DONE,
            completed_on=date(2025, 3, 20),
            department=actors.luenen_department,
        )
        MilestoneFactory(roadmap=data.roadmap, title="Entfällt", status=Milestone.Status.DROPPED)
        section = RoadmapSection()
        context = section.context(actors.luenen, PERIOD)
        assert context["roadmap_pct"] == 50.0  # 1 of 2, the dropped one not counted
        html = rendered(section, actors.luenen)
        assert "Leitfaden veröffentlichen" in html
        assert "20.03.2025" in html and "31.03.2025" in html
        assert "50,0\u00a0%" in html
        assert "Zentrale Vergabestelle" in html
        assert "(überfällig)" in html  # the planned one of 30.06.2024
        assert 'aria-labelledby="public-roadmap-' in html and "<caption" in html

        table = section.table([actors.luenen, actors.herten], PERIOD)
        assert_open(table)
        assert table.name == "roadmap"
        by_title = {row["milestone"]: row for row in table.rows}
        assert set(by_title) == {
            "Dienstanweisung Beschaffung beschließen",
            "Leitfaden veröffentlichen",
            "Entfällt",
        }
        done = by_title["Leitfaden veröffentlichen"]
        assert done == {
            "municipality": "Lünen",
            "ags": "05978024",
            "milestone": "Leitfaden veröffentlichen",
            "due_on": "2025-03-31",
            "status": "erledigt",
            "overdue": False,
            "completed_on": "2025-03-20",
            "department": "Zentrale Vergabestelle",
        }
        assert by_title["Dienstanweisung Beschaffung beschließen"]["overdue"] is True

    def test_queries_do_not_grow(self, actors, data):
        section = RoadmapSection()
        small = _queries(section, actors)
        for _n in range(5):
            MilestoneFactory(roadmap=data.roadmap, department=actors.luenen_department)
            MilestoneFactory(roadmap=_roadmap(actors.herten))
        assert _queries(section, actors) == small


def _roadmap(membership):
    from tests.procurement.factories import RoadmapFactory

    return getattr(membership, "roadmap", None) or RoadmapFactory(membership=membership)


def _queries(section, actors):
    """(queries of context(), queries of table()) for Lünen and for both members."""
    counts = []
    with CaptureQueriesContext(connection) as context_queries:
        rendered(section, actors.luenen)
    counts.append(len(context_queries))
    with CaptureQueriesContext(connection) as table_queries:
        section.table([actors.luenen, actors.herten], PERIOD)
    counts.append(len(table_queries))
    return counts


class TestCriteria:
    def test_matrix_of_criteria_and_departments(self, actors, data, staff):
        agreed = CriterionFactory(
            network=actors.network, product_group=data.group, title="Recyclingpapier"
        )
        AdoptionFactory(membership=actors.luenen, criterion=agreed, status=Adoption.Status.ADOPTED)
        CriterionFactory(
            network=actors.network,
            product_group=data.group,
            title="Nur ein Entwurf",
            status="draft",
        )
        section = CriteriaSection()
        html = rendered(section, actors.luenen)
        assert "Energieeffiziente Monitore" in html and "Recyclingpapier" in html
        assert "Nur ein Entwurf" not in html
        assert "in Abstimmung" in html and "übernommen" in html
        # The departments asked are the columns, with their answers.
        assert '<th scope="col">IT-Service</th>' in html
        assert '<th scope="col">Zentrale Vergabestelle</th>' in html
        assert "Einwand" in html and "zugestimmt" in html and "nicht gefragt" in html
        assert "Zu teuer" not in html and "Einverstanden" not in html  # comments stay inside
        assert_no_staff(html)

        table = section.table([actors.luenen, actors.herten], PERIOD)
        assert_open(table)
        assert_no_staff(json.dumps(table.rows, ensure_ascii=False))
        luenen = {
            (r["criterion"], r["department"]): r for r in table.rows if r["municipality"] == "Lünen"
        }
        # Two criteria × two departments asked.
        assert set(luenen) == {
            ("Energieeffiziente Monitore", "IT-Service"),
            ("Energieeffiziente Monitore", "Zentrale Vergabestelle"),
            ("Recyclingpapier", "IT-Service"),
            ("Recyclingpapier", "Zentrale Vergabestelle"),
        }
        monitors = luenen[("Energieeffiziente Monitore", "Zentrale Vergabestelle")]
        assert monitors["adoption_status"] == "in Abstimmung" and monitors["agreed"] is False
        assert monitors["approval_status"] == "zugestimmt"
        assert monitors["department_agreed"] is True
        assert luenen[("Energieeffiziente Monitore", "IT-Service")]["department_agreed"] is False
        paper = luenen[("Recyclingpapier", "IT-Service")]
        assert paper["agreed"] is True and paper["approval_status"] == "nicht gefragt"
        # Herten asked no department: one row per criterion, the department left empty.
        herten = [r for r in table.rows if r["municipality"] == "Herten"]
        assert sorted(r["criterion"] for r in herten) == [
            "Energieeffiziente Monitore",
            "Recyclingpapier",
        ]
        assert {r["ags"] for r in herten} == {"05562020"}
        assert all(r["department"] == "" and r["department_agreed"] is None for r in herten)
        assert {r["adoption_status"] for r in herten} == {"offen", "nicht begonnen"}

    def test_queries_do_not_grow(self, actors, data, staff):
        section = CriteriaSection()
        small = _queries(section, actors)
        for _n in range(4):
            criterion = CriterionFactory(network=actors.network, product_group=data.group)
            adoption = AdoptionFactory(membership=actors.luenen, criterion=criterion)
            DepartmentApprovalFactory(adoption=adoption, department=staff)
            AdoptionFactory(membership=actors.herten, criterion=criterion)
        assert _queries(section, actors) == small


class TestTenders:
    def test_shares_per_year_and_list(self, actors, data, staff):
        # data.tender (120.000 €, IT-Geräte) applied no criterion; the adoption of
        # Lünen is only in consultation, so nothing is agreed yet: agree it now.
        data.adoption.status = Adoption.Status.AGREED
        data.adoption.save()
        good = TenderFactory(
            membership=actors.luenen,
            product_group=data.group,
            title="Notebooks 2025",
            estimated_value=80000,
            published_on=date(2025, 9, 1),
        )
        good.applied_criteria.add(data.criterion)
        TenderFactory(membership=actors.luenen, title="Früher", published_on=date(2024, 1, 5))
        section = TendersSection()
        context = section.context(actors.luenen, PERIOD)
        assert [year for year, _share in context["years"]] == [2025]
        share = context["tender_share"]
        assert (share.tenders, share.compliant) == (2, 1)
        assert share.value_pct == 40.0
        html = rendered(section, actors.luenen)
        assert "Notebooks 2025" in html and "Rahmenvertrag Bildschirme" in html
        assert "Früher" not in html  # 2024: outside the period
        assert "80.000\u00a0€" in html and "200.000\u00a0€" in html
        assert "40,0\u00a0%" in html and "50,0\u00a0%" in html
        assert "01.09.2025" in html
        assert_no_staff(html)

        table = section.table([actors.luenen, actors.herten], PERIOD)
        assert_open(table)
        rows = {r["title"]: r for r in table.rows}
        assert set(rows) == {"Notebooks 2025", "Rahmenvertrag Bildschirme"}
        assert rows["Notebooks 2025"] == {
            "municipality": "Lünen",
            "ags": "05978024",
            "title": "Notebooks 2025",
            "product_group": "IT-Geräte",
            "published_on": "2025-09-01",
            "value_eur": 80000.0,
            "counted": True,
            "with_criteria": True,
        }
        assert rows["Rahmenvertrag Bildschirme"]["with_criteria"] is False

    def test_a_tender_without_agreed_criteria_does_not_count(self, actors, data):
        row = TendersSection().table([actors.luenen], PERIOD).rows[0]
        assert row["counted"] is False and row["with_criteria"] is None

    def test_queries_do_not_grow(self, actors, data):
        section = TendersSection()
        small = _queries(section, actors)
        for n in range(4):
            tender = TenderFactory(membership=actors.luenen, product_group=data.group)
            tender.applied_criteria.add(data.criterion)
            TenderFactory(membership=actors.herten, published_on=date(2025, 7, n + 1))
        assert _queries(section, actors) == small


def test_sections_are_registered_in_app_order_with_unique_keys():
    sections = public_sections()
    keys = [s.key for s in sections]
    assert keys == ["roadmap", "criteria", "tenders", "projects"]
    assert len(set(keys)) == len(keys)
    for section in sections:
        assert str(section.title) and str(section.description).endswith(".")
        assert section.template.startswith(("procurement/public/", "building/public/"))


def test_period_end_decides_overdue(actors, data):
    """A past period: overdue as of its end, as the dashboard counts."""
    early = Period(date(2024, 1, 1), date(2024, 6, 1))
    row = RoadmapSection().table([actors.luenen], early).rows[0]
    assert row["overdue"] is False  # due 30.06.2024
    assert timezone.localdate() > date(2024, 6, 30)
