"""The demo tells the KNN's story relative to the day it is seeded (issue 12, „A living demo
on any date“): seeded as of three different days, each time the network is at work.

The day is given to `seed_demo --today`, the clock the seeders read; every check below
counts from that day.
"""

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Max

from building.models import BuildingProject
from building.progress import BuildingSection
from network import overview, progress
from network.models import Attendance, Meeting, Membership, Report, Role, User
from procurement.models import Criterion, DepartmentApproval, Milestone, Tender

pytestmark = pytest.mark.django_db

DAYS = [date(2026, 12, 1), date(2027, 3, 10), date(2029, 8, 20)]
# EU thresholds for supplies and services of sub-central authorities (net, € ), by the
# year they apply from; written out here independently of procurement.demo.
THRESHOLDS = [(2022, 215_000), (2024, 221_000), (2026, 216_000)]
EU = {"open_eu", "restricted_eu", "negotiated_eu"}
ROLE_WORDS = ("Koordination", "Vergabestelle", "Moderatorin", "Experte", "Expertin", "Außen")


def seed(settings, day):
    settings.DEBUG = True  # seed_demo refuses without debug
    call_command("seed_demo", today=day, stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.DEBUG = False


def threshold(year):
    return max(value for start, value in THRESHOLDS if start <= year)


def members():
    return list(
        Membership.objects.filter(network__slug="knn").select_related("municipality", "network")
    )


def check_roadmaps(today):
    knn = Milestone.objects.filter(roadmap__membership__network__slug="knn")
    soon = knn.open().filter(due_on__gte=today, due_on__lte=today + timedelta(days=30))
    due = Counter(soon.values_list("roadmap__membership__municipality__slug", flat=True))
    assert set(due) == {m.municipality.slug for m in members()}, due
    open_count, overdue = knn.open().count(), knn.overdue(today).count()
    assert 1 <= overdue <= 0.1 * open_count, (overdue, open_count)
    # Early milestones are done, and done before today.
    firsts = knn.filter(position=1)
    assert all(m.status == "done" and m.completed_on < today for m in firsts)
    assert not knn.filter(status="done", completed_on__gt=today).exists()
    # What the moderator's overview counts as overdue (milestones and open approvals past
    # their target date) stays as small: no „Überfällig 106“ with items from 2023.
    items = overview.open_items(progress.sections(), members(), today)
    late = [i for i in items if i.overdue]
    assert len(late) <= 0.1 * open_count, late
    assert all(i.due_on >= today - timedelta(days=90) for i in late), late


def check_meetings(today):
    meetings = Meeting.objects.filter(network__slug="knn")
    recent = meetings.filter(
        status="held",
        starts_at__date__gte=today - timedelta(days=90),
        starts_at__date__lt=today,
    )
    attended = Attendance.objects.filter(meeting__in=recent, status="attended")
    assert attended.exists(), list(recent)
    assert all(m.minutes for m in recent)
    assert meetings.filter(
        status="planned",
        starts_at__date__gte=today,
        starts_at__date__lte=today + timedelta(days=60),
    ).exists()
    # Nothing in the past is still planned, nothing in the future held.
    assert not meetings.filter(status="planned", starts_at__date__lt=today).exists()
    assert not meetings.filter(status="held", starts_at__date__gte=today).exists()
    per_year = Counter(
        meetings.exclude(status="cancelled").values_list("starts_at__year", flat=True)
    )
    assert per_year[2022] >= 3  # from the start in September
    full_years = range(2023, today.year)
    assert all(5 <= per_year[year] <= 7 for year in full_years), per_year
    assert len({per_year[year] for year in full_years}) > 1, per_year  # not a fixed grid


def check_approvals(today):
    approvals = DepartmentApproval.objects.filter(adoption__membership__network__slug="knn")
    total = approvals.count()
    pending = approvals.filter(status="pending")
    assert pending.exists()
    assert pending.count() <= 0.15 * total, (pending.count(), total)
    assert all(today - timedelta(days=30) <= a.requested_at.date() <= today for a in pending), (
        "the open requests are recent"
    )
    decided = approvals.exclude(status="pending")
    assert not decided.filter(decided_by__isnull=True).exists()
    assert not approvals.filter(decided_by=F("requested_by")).exists()
    # Whoever answered works in the department that was asked.
    staff = set(
        Role.objects.filter(kind="staff", department__isnull=False).values_list(
            "user_id", "department_id"
        )
    )
    answers = set(decided.values_list("decided_by_id", "department_id"))
    assert answers <= staff, answers - staff
    assert all(a.decided_at > a.requested_at for a in decided.only("decided_at", "requested_at"))


def check_tenders(today):
    tenders = list(Tender.objects.filter(membership__network__slug="knn"))
    assert len(tenders) >= 30
    assert all(t.published_on <= today for t in tenders)
    years = {t.published_on.year for t in tenders}
    assert set(range(2023, today.year)) <= years
    for tender in tenders:
        european = tender.estimated_value >= Decimal(threshold(tender.published_on.year))
        assert (tender.procedure in EU) == european, (tender, tender.estimated_value)
        assert tender.procedure != "direct" or tender.estimated_value <= 1000


def check_projects(today):
    memberships = members()
    figures = BuildingSection().figures(memberships, progress.Period(date(2022, 9, 1), today))
    rows = [tuple(f.value for f in figures[m.pk]) for m in memberships]
    assert len(set(rows)) == len(rows), rows
    projects = list(BuildingProject.objects.filter(membership__in=memberships))
    shapes = [(p.gross_floor_area_m2, p.roof_area_m2, p.budget_eur, p.pv_peak_kw) for p in projects]
    assert len(set(shapes)) == len(shapes)
    assert len({p.name for p in projects}) == len(projects)
    for project in projects:
        assert "Musterstraße" not in project.address
        assert project.address[-1].isalpha() and any(ch.isdigit() for ch in project.address)
        if project.application_date:
            assert project.application_date >= date(2024, 1, 1)
    assert BuildingProject.objects.filter(legal_status="problem").exists()


def check_people_and_criteria():
    for email in ("moderator@example.org", "luenen@example.org", "vergabe.herten@example.org"):
        user = User.objects.get(email=email)
        assert user.first_name and user.last_name
        assert not any(word in user.get_full_name() for word in ROLE_WORDS), user
    names = [u.get_full_name() for u in User.objects.filter(email__endswith="@example.org")]
    assert len(set(names)) == len(names)
    own = Criterion.objects.filter(network__slug="knn", source="own")
    assert own.count() == 40 and all(c.status == "agreed" for c in own)
    assert all(c.description.startswith("Mindestkriterium des KNN") for c in own)
    gpp = Criterion.objects.filter(network__slug="knn", source="eu_gpp")
    assert gpp.exists() and not gpp.released().exists()


def check_years_in_charts(today):
    """seed_demo fills every ended quarter, and the figures rise over the years (the
    history of the adoptions is dated when their state was reached, not at seeding)."""
    from network.models import FigureSnapshot
    from network.timeseries import last_ended_quarter

    rows = FigureSnapshot.objects.filter(membership__network__slug="knn")
    assert rows.aggregate(last=Max("period_end"))["last"] == last_ended_quarter(today)
    for key in ("criteria_agreed", "criteria_adopted", "criteria_applied", "roadmap_done_pct"):
        values = [
            v
            for _end, v in rows.filter(key=key, membership__municipality__slug="luenen")
            .order_by("period_end")
            .values_list("period_end", "value")
        ]
        assert len(values) >= 16, key
        assert values[0] == 0 and values[-1] > values[len(values) // 2] > 0, (key, values)


def check_reports(today):
    """Two finished reports a moderator can hand on: last year's Erfolgsbilanz with the
    moderation's text, and Lünen's report of the quarter that ended last."""
    from network.services.reports import quarter_before

    done = Report.objects.filter(network__slug="knn", status=Report.Status.DONE)
    annual = done.get(kind=Report.Kind.ANNUAL)
    assert (annual.period_start, annual.period_end) == (
        date(today.year - 1, 1, 1),
        date(today.year - 1, 12, 31),
    )
    quarter = done.get(kind=Report.Kind.MUNICIPALITY, membership__municipality__slug="luenen")
    assert (quarter.period_start, quarter.period_end) == tuple(
        quarter_before(today).__dict__.values()
    )
    for report in (annual, quarter):
        assert report.file and report.html_file and report.intro
        assert report.figures["totals"]  # the next report's sentences compare with them
    assert "Einordnung der Moderation" in annual.html_file.read().decode()


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_demo_is_alive_on(settings, today):
    seed(settings, today)
    check_roadmaps(today)
    check_meetings(today)
    check_approvals(today)
    check_tenders(today)
    check_projects(today)
    check_people_and_criteria()
    check_years_in_charts(today)
    check_reports(today)


def counts():
    return [
        model.objects.count()
        for model in (
            User,
            Meeting,
            Attendance,
            Milestone,
            DepartmentApproval,
            Tender,
            BuildingProject,
            Report,
        )
    ]


def test_a_second_run_on_the_same_day_changes_nothing(settings):
    seed(settings, DAYS[1])
    before = counts()
    titles = sorted(Meeting.objects.values_list("title", "status"))
    seed(settings, DAYS[1].isoformat())  # as `seed_demo --today 2027-03-10` gives it
    assert counts() == before
    assert sorted(Meeting.objects.values_list("title", "status")) == titles


def test_today_is_a_date_or_refused(settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="JJJJ-MM-TT"):
        call_command("seed_demo", today="15.06.2027")
    with pytest.raises(CommandError, match="2023-01-01"):
        call_command("seed_demo", "--today", "1999-01-01")
    assert not Meeting.objects.exists()
