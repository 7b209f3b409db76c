"""The annual report shows every member in short form: sections drop their long lists.

This test renders the real topic sections (procurement, building) through the report's
SectionPart, once as in a member's progress report and once compact as in the annual
report, and reads what each shows.
"""

from datetime import date

import pytest

from network.progress import Period, sections
from network.reports.sections_html import SectionPart
from tests.building.factories import ProjectFactory
from tests.procurement.factories import MilestoneFactory, RoadmapFactory

pytestmark = pytest.mark.django_db

PERIOD = Period(date(2026, 1, 1), date(2026, 12, 31))


def render(key, membership, compact):
    section = next(s for s in sections() if s.key == key)
    return SectionPart.render(section, membership, PERIOD, compact=compact).html


def test_procurement_leaves_out_milestones_in_the_annual_report(actors):
    roadmap = RoadmapFactory(membership=actors.luenen)
    MilestoneFactory(roadmap=roadmap, title="Leitfaden Papierbeschaffung beschließen")
    full = render("procurement", actors.luenen, compact=False)
    short = render("procurement", actors.luenen, compact=True)
    assert "Leitfaden Papierbeschaffung beschließen" in full
    assert "Leitfaden Papierbeschaffung beschließen" not in short
    # The summary by product group stays in both.
    assert "Kriterien nach Warengruppe" in full and "Kriterien nach Warengruppe" in short


def test_building_lists_projects_only_in_the_member_report(actors):
    ProjectFactory(membership=actors.luenen, name="Grundschule Nord, Sanierung")
    ProjectFactory(membership=actors.luenen, name="Kita Sonnenblume, Neubau")
    full = render("building", actors.luenen, compact=False)
    short = render("building", actors.luenen, compact=True)
    assert "Grundschule Nord, Sanierung" in full
    assert "Grundschule Nord, Sanierung" not in short
    assert "2 Bauvorhaben erfasst" in short
