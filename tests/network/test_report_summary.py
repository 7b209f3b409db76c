"""What a council member reads: the first page's sentences, the network totals, the page
per member, „Zwischenstand“, the next steps and the file name — computed by hand for a
small network with the real sections (procurement, building, meetings)."""

import shutil
import subprocess
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from building.models import EnergyUse
from network.models import Attendance, FigureSnapshot, Meeting, Report
from network.progress import Period
from network.reports import summary
from network.reports.context import NEXT_STEPS, build_context, render_report_html
from network.reports.pdf import html_to_pdf
from procurement.models import Adoption, Criterion, Milestone
from tests.building.factories import EnergyUseFactory, ProjectFactory, VariantFactory
from tests.factories import (
    ActionItemFactory,
    AttendanceFactory,
    MeetingFactory,
    MembershipFactory,
    MunicipalityFactory,
    UserFactory,
)
from tests.procurement.factories import (
    AdoptionFactory,
    CriterionFactory,
    MilestoneFactory,
    ProductGroupFactory,
    RoadmapFactory,
    TenderFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 1)
YEAR = Period(date(2026, 1, 1), TODAY)
WHOLE_2026 = Period.year(2026)


def aware(day: date, hour=10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def small_network(actors):
    """Lünen and Herten, worked by hand:

    - 4 released criteria (and a draft, not counted), all in „Papier“: Lünen agreed 3 of
      them (agreed, adopted, applied; a fourth only open), Herten 1.
    - Tenders 2026: Lünen 30.000 € with all three agreed criteria applied and 10.000 €
      without; a tender of a group without agreed criteria does not count. Herten none.
    - Lünen's roadmap: 2 done, 1 overdue (due 01.06.2026), 1 due 2027.
    - Lünen's school: gas 10.000 kWh × 0,2 kg = 2 t a year, the chosen heat pump
      3.000 kWh × 0,4 kg = 1,2 t: 0,8 t avoided. Herten's project has no chosen variant.
    - One network meeting held on 05.05.2026: Lünen there, Herten not.
    """
    network = actors.network
    paper = ProductGroupFactory(network=network, name="Papier")
    criteria = [CriterionFactory(network=network, product_group=paper) for _ in range(4)]
    CriterionFactory(network=network, product_group=paper, status=Criterion.Status.DRAFT)
    statuses = [Adoption.Status.AGREED, Adoption.Status.ADOPTED, Adoption.Status.APPLIED]
    for criterion, status in zip(criteria, statuses, strict=False):
        AdoptionFactory(membership=actors.luenen, criterion=criterion, status=status)
    AdoptionFactory(membership=actors.luenen, criterion=criteria[3], status=Adoption.Status.OPEN)
    AdoptionFactory(membership=actors.herten, criterion=criteria[0], status=Adoption.Status.AGREED)
    with_criteria = TenderFactory(
        membership=actors.luenen,
        product_group=paper,
        estimated_value=30000,
        published_on=date(2026, 3, 1),
    )
    with_criteria.applied_criteria.set(criteria[:3])
    TenderFactory(
        membership=actors.luenen,
        product_group=paper,
        estimated_value=10000,
        published_on=date(2026, 4, 1),
    )
    TenderFactory(membership=actors.luenen, estimated_value=99000, published_on=date(2026, 5, 1))
    roadmap = RoadmapFactory(membership=actors.luenen)
    for status, due in [
        (Milestone.Status.DONE, date(2026, 2, 1)),
        (Milestone.Status.DONE, date(2026, 3, 1)),
        (Milestone.Status.PLANNED, date(2026, 6, 1)),
        (Milestone.Status.PLANNED, date(2027, 6, 1)),
    ]:
        MilestoneFactory(
            roadmap=roadmap,
            status=status,
            due_on=due,
            department=actors.luenen_department,
            title=f"Meilenstein fällig {due:%d.%m.%Y}",
        )
    school = ProjectFactory(membership=actors.luenen, name="Grundschule Nord")
    gas = VariantFactory(project=school, name="Gaskessel", is_reference=True)
    EnergyUseFactory(variant=gas, kwh_per_year=10000, emission_kg_per_kwh=Decimal("0.2"))
    pump = VariantFactory(project=school, name="Wärmepumpe", is_chosen=True)
    EnergyUseFactory(
        variant=pump,
        carrier=EnergyUse.Carrier.ELECTRICITY,
        kwh_per_year=3000,
        emission_kg_per_kwh=Decimal("0.4"),
    )
    ProjectFactory(membership=actors.herten, name="Kita Süd")
    meeting = MeetingFactory(
        network=network, status=Meeting.Status.HELD, starts_at=aware(date(2026, 5, 5))
    )
    AttendanceFactory(
        meeting=meeting,
        user=actors.coordinator,
        membership=actors.luenen,
        status=Attendance.Status.ATTENDED,
    )
    return actors


def progress_report(actors, **kwargs):
    return build_context(
        network=actors.network,
        kind=Report.Kind.MUNICIPALITY,
        membership=actors.luenen,
        period=YEAR,
        today=TODAY,
        **kwargs,
    )


def annual_report(actors, period=WHOLE_2026, **kwargs):
    return build_context(
        network=actors.network, kind=Report.Kind.ANNUAL, period=period, today=TODAY, **kwargs
    )


def test_progress_report_sentences_computed_by_hand(small_network):
    context = progress_report(small_network)
    assert context.headlines == [
        "3 von 4 Mindestkriterien sind mit allen Fachbereichen abgestimmt (75\u00a0%).",
        "1 von 2 Ausschreibungen im Zeitraum enthielt alle abgestimmten Kriterien ihrer "
        "Warengruppe: 30.000\u00a0€ von 40.000\u00a0€ Auftragswert (75\u00a0%).",
        "Fahrpläne: 2 von 4 Meilensteinen erledigt (50\u00a0%), 1 überfällig.",
        "0 von 1 Bauvorhaben sind abschließend bewertet.",
        "Die gewählten Varianten vermeiden 0,8 t CO₂ pro Jahr gegenüber ihren "
        "Referenzvarianten (aus 1 Bauvorhaben).",
        "Lünen war bei 1 von 1 Termin des Netzwerks vertreten (100\u00a0%).",
    ]


def test_annual_report_totals_and_sentences_computed_by_hand(small_network):
    context = annual_report(small_network)
    totals = {t.key: t for group in context.totals for t in group.totals}
    assert (totals["criteria_agreed"].value, totals["criteria_agreed"].of) == (4, 8)
    assert totals["criteria_agreed"].share_pct == 50
    assert (
        totals["tender_value_with_criteria"].value,
        totals["tender_value_with_criteria"].of,
    ) == (
        30000,
        40000,
    )
    assert totals["co2_avoided"].value == 0.8
    assert totals["meetings_held"].value == 1
    # Invited twice (both members), represented once.
    assert (totals["meetings_represented"].value, totals["meetings_represented"].of) == (1, 2)
    assert context.headlines[0] == (
        "Die 2 Kommunen haben zusammen 4 von 8 möglichen Mindestkriterien mit allen "
        "Fachbereichen abgestimmt (50\u00a0%)."
    )
    assert context.headlines[-1] == (
        "Das Netzwerk hat im Zeitraum 1 Termin abgehalten; die Kommunen waren bei 1 von 2 "
        "Einladungen vertreten (50\u00a0%)."
    )
    # The network's groups in the order of the sentences: topics first, meetings last.
    assert [g.title for g in context.totals] == [
        "Nachhaltige Beschaffung",
        "Nachhaltiges Bauen",
        "Netzwerktreffen und Workshops",
    ]


def test_a_page_per_member_with_its_own_sentences(small_network):
    context = annual_report(small_network)
    pages = {page.membership.municipality.name: page for page in context.member_pages}
    assert list(pages) == ["Herten", "Lünen"]
    assert pages["Herten"].headlines[0] == (
        "1 von 4 Mindestkriterien ist mit allen Fachbereichen abgestimmt (25\u00a0%)."
    )
    # Lünen agreed 3 criteria, Herten 1: the middle of two values is their mean, 2.
    assert "Kriterien zugestimmt" in pages["Lünen"].ahead
    assert "Kriterien zugestimmt" in pages["Herten"].behind
    # Fewer overdue milestones is better: Herten's 0 against Lünen's 1.
    assert "Meilensteine überfällig (weniger)" in pages["Herten"].ahead
    assert "Meilensteine überfällig" in pages["Lünen"].behind
    assert [s.item.title for s in pages["Lünen"].next_steps][:1] == [
        "Meilenstein fällig 01.06.2026"
    ]


def test_change_against_the_last_report(small_network):
    actors = small_network
    previous = Report.objects.create(
        network=actors.network,
        membership=actors.luenen,
        kind=Report.Kind.MUNICIPALITY,
        period_start=date(2026, 7, 1),
        period_end=date(2026, 9, 30),
        year=2026,
        number=1,
        status=Report.Status.DONE,
        figures={"members": {}, "totals": {str(actors.luenen.pk): {"criteria_agreed": 1}}},
    )
    context = progress_report(actors, previous=previous)
    assert context.headlines[0] == (
        "3 von 4 Mindestkriterien sind mit allen Fachbereichen abgestimmt (75\u00a0%), 2 mehr "
        "als im letzten Bericht (Stand 30.09.2026)."
    )
    # What the report keeps for the next one.
    assert context.figures_snapshot()["totals"][str(actors.luenen.pk)]["criteria_agreed"] == 3


def test_without_a_last_report_the_quarter_before_the_period_compares(small_network):
    actors = small_network
    for membership, agreed in [(actors.luenen, 1), (actors.herten, 1)]:
        FigureSnapshot.objects.create(
            membership=membership,
            section="procurement",
            key="criteria_agreed",
            period_end=date(2025, 12, 31),
            value=agreed,
        )
    assert progress_report(actors).headlines[0].endswith(", 2 mehr als am 31.12.2025.")
    # The network: 4 now against 1 + 1.
    assert annual_report(actors).headlines[0].endswith(", 2 mehr als am 31.12.2025.")


def test_compared_words():
    since = "am 31.12.2025"
    assert summary.compared(19, 12, since) == "7 mehr als am 31.12.2025"
    assert summary.compared(10, 12, since) == "2 weniger als am 31.12.2025"
    assert summary.compared(5, 5, since) == "genauso viele wie am 31.12.2025"
    assert summary.compared(52.5, 50, since, "%") == "2,5 Prozentpunkte mehr als am 31.12.2025"
    assert summary.compared(51, 50, since, "%") == "1 Prozentpunkt mehr als am 31.12.2025"
    assert summary.compared(5, None, since) == ""


@pytest.mark.parametrize(
    ("period", "today", "interim"),
    [
        (Period(date(2026, 1, 1), date(2026, 12, 1)), date(2026, 12, 1), True),  # year so far
        (Period.year(2026), date(2026, 12, 1), True),  # the year is not over
        (Period(date(2026, 7, 1), date(2026, 9, 30)), date(2026, 10, 1), False),  # a quarter
        (Period.year(2025), date(2026, 12, 1), False),
    ],
)
def test_interim(period, today, interim):
    assert summary.is_interim(period, today) is interim


def test_cover_says_zwischenstand_only_while_the_period_runs(small_network):
    running = render_report_html(annual_report(small_network))
    over = render_report_html(annual_report(small_network, period=Period.year(2025)))
    assert "Zwischenstand</strong>" in running and "Der Berichtszeitraum endet erst" in running
    assert "Zwischenstand</strong>" not in over


@pytest.mark.parametrize(
    ("kind", "name", "period", "expected"),
    [
        ("Fortschrittsbericht", "Lünen", YEAR, "Fortschrittsbericht-Luenen-2026-Q4.pdf"),
        ("Erfolgsbilanz", "", Period.year(2026), "Erfolgsbilanz-KNN-2026.pdf"),
        (
            "Fortschrittsbericht",
            "Kreis Recklinghausen",
            Period(date(2026, 7, 1), date(2026, 9, 30)),
            "Fortschrittsbericht-Kreis-Recklinghausen-2026-Q3.pdf",
        ),
        (
            "Fortschrittsbericht",
            "Öhringen-Süd",
            YEAR,
            "Fortschrittsbericht-Oehringen-Sued-2026-Q4.pdf",
        ),
    ],
)
def test_file_names(actors, kind, name, period, expected):
    assert (
        summary.report_filename(
            kind_label=kind, network=actors.network, municipality_name=name, period=period
        )
        == expected
    )


def test_next_steps_are_the_ten_most_urgent_with_owner_and_a_count_for_the_rest(actors):
    owner = UserFactory(first_name="Anna", last_name="Schmidt")
    for days in range(1, 15):
        ActionItemFactory(
            network=actors.network,
            membership=actors.luenen,
            owner=owner,
            title=f"Aufgabe in {days} Tagen",
            due_on=TODAY + timedelta(days=days),
        )
    ActionItemFactory(
        network=actors.network,
        membership=actors.luenen,
        title="Längst überfällig",
        due_on=TODAY - timedelta(days=40),
    )
    context = progress_report(actors)
    titles = [step.item.title for step in context.next_steps]
    assert len(titles) == NEXT_STEPS
    assert titles[:3] == ["Längst überfällig", "Aufgabe in 1 Tagen", "Aufgabe in 2 Tagen"]
    assert context.next_steps[1].item.owner == "Anna Schmidt"
    assert context.more_steps == 5
    html = render_report_html(context)
    assert "Dazu kommen 5 weitere offene Punkte." in html
    assert context.steps_url.endswith("/n/knn/kommunen/luenen/")
    assert f'href="{context.steps_url}"' in html


def test_the_requesters_text_is_sanitised_markdown(actors):
    intro = (
        "# Einordnung\n\nDas Jahr lief **gut**.\n\n- Papier\n- Strom\n\n"
        '<script>alert(1)</script><a href="javascript:alert(2)">Link</a>'
    )
    context = progress_report(actors, intro=intro, intro_author="Anna Schmidt")
    html = render_report_html(context)
    assert "<h3>Einordnung</h3>" in html
    assert "<strong>gut</strong>" in html and "<li>Papier</li>" in html
    assert "<script>" not in html and "javascript:" not in html
    assert "Anna Schmidt" in html and "Einordnung der Koordination" in html


def make_members(actors, count):
    """`count` more members with a little of everything, so every section has rows."""
    paper = ProductGroupFactory(network=actors.network)
    criterion = CriterionFactory(network=actors.network, product_group=paper)
    for index in range(count):
        member = MembershipFactory(
            network=actors.network,
            municipality=MunicipalityFactory(name=f"Gemeinde {index:02d}"),
        )
        AdoptionFactory(membership=member, criterion=criterion, status=Adoption.Status.AGREED)
        TenderFactory(membership=member, product_group=paper, published_on=date(2026, 3, 1))
        MilestoneFactory(roadmap=RoadmapFactory(membership=member), due_on=date(2026, 6, 1))
        ProjectFactory(membership=member)
        ActionItemFactory(network=actors.network, membership=member, owner=UserFactory())
        FigureSnapshot.objects.create(
            membership=member,
            section="procurement",
            key="criteria_agreed",
            period_end=date(2025, 12, 31),
            value=0,
        )


def queries_of_annual_report(actors) -> int:
    with CaptureQueriesContext(connection) as queries:
        render_report_html(annual_report(actors))
    return len(queries)


def test_annual_report_costs_the_same_queries_for_3_and_9_members(small_network):
    make_members(small_network, 1)
    few = queries_of_annual_report(small_network)
    make_members(small_network, 6)
    assert queries_of_annual_report(small_network) == few


def figures_with_alt(pdf: bytes) -> list[tuple[str, str]]:
    """(tag, alternative text) of every /Figure in the PDF's structure tree."""
    import io

    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject

    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"]
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, DictionaryObject):
            if node.get("/S") == "/Figure":
                found.append(("Figure", str(node.get("/Alt", ""))))
            if "/K" in node:
                walk(node["/K"])

    walk(root)
    return found


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_the_pdf_has_summary_chart_titles_glossary_and_figures_with_alt(small_network, tmp_path):
    actors = small_network
    for end, agreed in [(date(2025, 12, 31), 1), (date(2026, 3, 31), 2), (date(2026, 9, 30), 3)]:
        FigureSnapshot.objects.create(
            membership=actors.luenen,
            section="procurement",
            key="criteria_agreed",
            label="Kriterien zugestimmt",
            period_end=end,
            value=agreed,
        )
    pdf = html_to_pdf(render_report_html(progress_report(actors)))
    path = tmp_path / "bericht.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = " ".join(text.split())
    assert "Das Wichtigste in Kürze" in flat and "Zwischenstand" in flat
    assert "3 von 4 Mindestkriterien sind mit allen Fachbereichen abgestimmt" in flat
    assert "Kriterien zugestimmt im Verlauf" in flat  # a trend chart's title
    assert "Teilnahmequote in Prozent" in flat  # a bar chart's title
    assert "Ende Q3 2026: Lünen 3, Mitte des Netzwerks 3." in flat  # its caption in words
    assert "Begriffe" in flat and "Mitte des Netzwerks (Median)" in flat
    assert "Mindestkriterium" in flat  # a section's word in the glossary
    figures = figures_with_alt(pdf)
    alts = [alt for _tag, alt in figures]
    assert figures and all(alts), "every figure has an alternative text"
    assert any(
        alt.startswith("Liniendiagramm „Kriterien zugestimmt im Verlauf“ von Q4 2025 bis Q3 2026.")
        for alt in alts
    )
    assert any(alt.startswith("Balkendiagramm „Teilnahmequote in Prozent“.") for alt in alts)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing")
def test_a_built_report_keeps_an_html_version_with_the_same_numbers(
    small_network, settings, tmp_path
):
    from network.services.reports import report_build

    settings.MEDIA_ROOT = tmp_path
    actors = small_network
    report = Report.objects.create(
        network=actors.network,
        membership=actors.luenen,
        kind=Report.Kind.MUNICIPALITY,
        period_start=date(2026, 1, 1),
        # A period that has not ended whatever day the suite runs: the sections then
        # count today's state, which is what the factories made (a past period would be
        # read from the history at its end).
        period_end=date(2099, 12, 31),
        year=2099,
        number=1,
        requested_by=actors.coordinator,
        intro="Ein **gutes** Halbjahr.",
    )
    assert report_build(report_id=report.pk) == "done"
    report.refresh_from_db()
    html = report.html_file.read().decode()
    (tmp_path / "r.pdf").write_bytes(report.file.read())
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    for sentence in [
        "3 von 4 Mindestkriterien sind mit allen Fachbereichen abgestimmt (75 %).",
        "Lünen war bei 1 von 1 Termin des Netzwerks vertreten (100 %).",
    ]:
        assert sentence in text
        assert sentence.replace(" %", "\u00a0%") in html
    assert "Ein gutes Halbjahr." in text and "Ein <strong>gutes</strong> Halbjahr." in html
    # The HTML version is a page of its own: a way back into the portal, no PDF layout.
    assert f'href="/n/knn/berichte/{report.pk}/"' in html
    assert 'class="report report-municipality report-web"' in html
    # The period runs: „Zwischenstand“; the totals are kept for the next report.
    assert "Zwischenstand" in text
    assert report.figures["totals"][str(actors.luenen.pk)]["criteria_agreed"] == 3


def test_a_period_that_is_over_shows_the_state_at_its_end(actors):
    """Last half-year's report made today counts what was agreed by the end of June, not
    what has been agreed since (the sections' state_at_end, as for the snapshots)."""
    paper = ProductGroupFactory(network=actors.network)
    early, late = (CriterionFactory(network=actors.network, product_group=paper) for _ in "ab")
    for criterion, agreed_on in [(early, date(2026, 3, 1)), (late, date(2026, 9, 1))]:
        AdoptionFactory(
            membership=actors.luenen,
            criterion=criterion,
            status=Adoption.Status.AGREED,
            agreed_on=agreed_on,
        )
    first_half = Period(date(2026, 1, 1), date(2026, 6, 30))
    then = build_context(
        network=actors.network,
        kind=Report.Kind.MUNICIPALITY,
        membership=actors.luenen,
        period=first_half,
        today=TODAY,
    )
    assert then.headlines[0].startswith("1 von 2 Mindestkriterien ist mit allen Fachbereichen")
    assert then.table.row_for(actors.luenen.pk).values["criteria_agreed"] == 1
    assert not then.interim
    now = progress_report(actors)
    assert now.headlines[0].startswith("2 von 2 Mindestkriterien sind")
