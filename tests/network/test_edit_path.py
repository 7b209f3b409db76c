"""One edit path (network.views.edit.form_page), one behaviour on every form page that
edits a versioned object, whatever the app:

1. someone else saves the object while the form is open;
2. saving the stale form changes nothing, says so in German and shows the other person's
   change (includes/_conflict.html), with the person's own input still in the form;
3. saving the re-shown form once more overwrites deliberately (procurement and building
   refused it again before the one edit path).
"""

import pytest
from django.urls import reverse

from building.models import BuildingSettings
from network.concurrency import save_versioned
from procurement.models import Adoption
from tests.building.factories import GuidelineFactory, ProjectFactory, VariantFactory, small_board
from tests.factories import ActionItemFactory, AgendaItemFactory, DepartmentFactory, MeetingFactory
from tests.forms_html import form_with
from tests.procurement.factories import (
    AdoptionFactory,
    CriterionFactory,
    MilestoneFactory,
    ProductGroupFactory,
    RoadmapFactory,
    TenderFactory,
)

pytestmark = pytest.mark.django_db

CONFLICT = "Jemand anderes hat diesen Eintrag gespeichert"
SHOWN = "Nicht gespeichert: jemand anderes hat diesen Eintrag inzwischen geändert"


def n(name, *args):
    return reverse(f"network:{name}", args=["knn", *args])


def p(name, *args):
    return reverse(f"procurement:{name}", args=["knn", *args])


def b(name, *args):
    return reverse(f"building:{name}", args=["knn", *args])


def _draft_board(a):
    return small_board(a.network, active=False)


# name: (object, its form page, the field the person changes, the field the other person
# changes, and what they type)
PAGES = {
    "meeting": (
        lambda a: MeetingFactory(network=a.network, title="Treffen"),
        lambda o: n("meeting_edit", o.pk),
        "title",
        ("location", "Rathaus Lünen"),
    ),
    "agenda item": (
        lambda a: AgendaItemFactory(meeting=MeetingFactory(network=a.network), title="Begrüßung"),
        lambda o: n("agenda_item_edit", o.meeting_id, o.pk),
        "title",
        ("presenter", "Frau Dr. Beispiel"),
    ),
    "minutes": (
        lambda a: MeetingFactory(network=a.network, title="Treffen"),
        lambda o: n("minutes_edit", o.pk),
        "minutes",
        ("location", "Rathaus Werne"),
    ),
    "action item": (
        lambda a: ActionItemFactory(network=a.network, title="Vorlage schreiben"),
        lambda o: n("action_item_edit", o.pk),
        "title",
        ("status", "done"),
    ),
    "membership": (
        lambda a: a.luenen,
        lambda o: n("membership_edit", "luenen"),
        "joined_on",
        ("left_on", None),
    ),
    "department": (
        lambda a: DepartmentFactory(municipality=a.luenen.municipality, name="Umweltamt"),
        lambda o: n("department_edit", "luenen", o.pk),
        "name",
        ("email", "umwelt@luenen.example"),
    ),
    "product group": (
        lambda a: ProductGroupFactory(network=a.network, name="Möbel"),
        lambda o: p("product_group_edit", o.pk),
        "name",
        ("position", 7),
    ),
    "criterion (draft)": (
        lambda a: CriterionFactory(
            network=a.network,
            product_group=ProductGroupFactory(network=a.network),
            title="Holz aus legaler Quelle",
            status="draft",
        ),
        lambda o: p("criterion_edit", o.pk),
        "title",
        ("verification", "FSC oder PEFC"),
    ),
    "tender": (
        lambda a: TenderFactory(
            membership=a.luenen, product_group=ProductGroupFactory(network=a.network)
        ),
        lambda o: p("tender_edit", "luenen", o.pk),
        "title",
        ("reference", "VG-2026-99"),
    ),
    "milestone": (
        lambda a: MilestoneFactory(roadmap=RoadmapFactory(membership=a.luenen), title="Start"),
        lambda o: p("milestone_edit", "luenen", o.pk),
        "title",
        ("description", "Von der anderen Person."),
    ),
    "adoption": (
        lambda a: AdoptionFactory(
            membership=a.luenen,
            criterion=CriterionFactory(
                network=a.network, product_group=ProductGroupFactory(network=a.network)
            ),
            status=Adoption.Status.CONSULTATION,
        ),
        lambda o: p("adoption_detail", "luenen", o.pk),
        "target_date",
        ("add_milestone", True),
    ),
    "building project": (
        lambda a: ProjectFactory(membership=a.luenen, name="Grundschule"),
        lambda o: b("project_edit", o.pk),
        "name",
        ("address", "Schulstraße 1, Lünen"),
    ),
    "variant": (
        lambda a: VariantFactory(project=ProjectFactory(membership=a.luenen), name="Gas"),
        lambda o: b("variant_edit", o.project_id, o.pk),
        "name",
        ("lifetime_years", 25),
    ),
    "building settings": (
        lambda a: BuildingSettings.for_network(a.network),
        lambda o: b("settings"),
        "period_years",
        ("co2_price_eur_per_t", 99),
    ),
    "board": (
        _draft_board,
        lambda o: b("board_edit", o.pk),
        "name",
        ("description", "Von der anderen Person."),
    ),
    "board group": (
        lambda a: _draft_board(a).groups.first(),
        lambda o: b("group_edit", o.board_id, o.pk),
        "name",
        ("position", 5),
    ),
    "board level": (
        lambda a: _draft_board(a).levels.first(),
        lambda o: b("level_edit", o.board_id, o.pk),
        "name",
        ("min_total_pct", 61),
    ),
    "guideline": (
        lambda a: GuidelineFactory(network=a.network, title="Wärme"),
        lambda o: b("guideline_edit", o.pk),
        "title",
        ("summary", "Von der anderen Person."),
    ),
}


def typed(field, current):
    if field in {"joined_on", "target_date"}:
        return "01.02.2024"
    if field == "period_years":
        return "30"
    return f"{current} (meine Fassung)"


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_stale_save_is_refused_shown_and_a_second_save_overwrites(actors, name):
    make, page, mine, (theirs, their_value) = PAGES[name]
    obj = make(actors)
    if name == "building settings" and obj.pk is None:
        obj.save()
    client = actors.client(actors.moderator)
    url = page(obj)
    form = form_with(client.get(url).content.decode(), mine)
    data = dict(form.data)
    data[mine] = typed(mine, data.get(mine, ""))

    # Someone else saves meanwhile.
    other = type(obj).objects.get(pk=obj.pk)
    setattr(other, theirs, their_value)
    save_versioned(other, loaded_version=other.version)

    stale = client.post(form.action or url, data)
    text = stale.content.decode()
    assert stale.status_code == 200, name
    assert CONFLICT in text and SHOWN in text, name
    assert data[mine] in text or mine == "target_date", name  # the input is kept
    refreshed = type(obj).objects.get(pk=obj.pk)
    assert refreshed.version == other.version, name  # nothing saved

    again = form_with(text, mine)
    assert again.data["loaded_version"] == str(other.version), name
    saved = client.post(form.action or url, again.data)
    assert saved.status_code == 302, (name, saved.content.decode()[:3000])
    assert type(obj).objects.get(pk=obj.pk).version == other.version + 1, name


def test_every_form_view_goes_through_the_edit_path():
    """No view of the portal saves a VersionedModelForm by itself any more."""
    import inspect
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for app in ("network", "procurement", "building"):
        for path in (root / app / "views").rglob("*.py"):
            if path.name == "edit.py":
                continue
            text = path.read_text(encoding="utf-8")
            if "keep_conflict_version(" in text or "form.save_checked()\n    if" in text:
                offenders.append(path.relative_to(root).as_posix())
    assert offenders == []
    from network.views import edit

    assert "save_checked" in inspect.getsource(edit)
