"""Rules every form of the portal keeps (issue 9: F7, F14, F18 and one-line fields).

F7: every date and datetime field accepts 1990–2100 only, with a German field error; a
test posts year 1 and year 9999 to every form with a date, as the page shows it. F14:
numbers no database can hold (a version, ids of a multi-select) give the conflict message
or a field error, on SQLite too. F18: a German 400 page; a long text over its limit gets a
field error and comes back whole. One-line fields refuse line breaks.
"""

import inspect
from datetime import date

import pytest
from django import forms as django_forms
from django.forms.models import model_to_dict
from django.test import Client, override_settings
from django.urls import reverse

from building.models import BuildingProject, Guideline
from network.forms import fields
from network.models import ActionItem, Decision, Meeting, Membership, Municipality
from procurement.models import Adoption, Milestone, Tender
from tests.building.factories import GuidelineFactory, ProjectFactory
from tests.factories import ActionItemFactory, MeetingFactory
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

YEAR_ONE = {"date": "01.01.0001", "datetime": "01.01.0001 10:00"}
YEAR_9999 = {"date": "31.12.9999", "datetime": "31.12.9999 10:00"}
RANGE_ERROR = "Bitte ein Datum zwischen 01.01.1990 und 31.12.2100 angeben."


def n(name, *args):
    return reverse(f"network:{name}", args=["knn", *args])


def p(name, *args):
    return reverse(f"procurement:{name}", args=["knn", *args])


def b(name, *args):
    return reverse(f"building:{name}", args=["knn", *args])


def _meeting(actors):
    return MeetingFactory(network=actors.network, title="Netzwerktreffen")


def _decision(actors):
    return Decision.objects.create(meeting=_meeting(actors), text="Kriterien beschließen")


def _tender(actors):
    group = ProductGroupFactory(network=actors.network)
    return TenderFactory(
        membership=actors.luenen, product_group=group, published_on=date(2025, 5, 2)
    )


def _milestone(actors):
    return MilestoneFactory(
        roadmap=RoadmapFactory(membership=actors.luenen), due_on=date(2026, 6, 30)
    )


def _adoption(actors):
    group = ProductGroupFactory(network=actors.network)
    return AdoptionFactory(
        membership=actors.luenen,
        criterion=CriterionFactory(network=actors.network, product_group=group),
    )


# (what, the form's page for the moderator, its date fields, the rows it could write)
DATE_FORMS = [
    ("meeting_create", lambda a: n("meeting_create"), ["starts_at", "ends_at"], Meeting),
    (
        "meeting_edit",
        lambda a: n("meeting_edit", _meeting(a).pk),
        ["starts_at", "ends_at"],
        Meeting,
    ),
    (
        "action_item_create",
        lambda a: n("action_item_create", (d := _decision(a)).meeting_id, d.pk),
        ["due_on"],
        ActionItem,
    ),
    (
        "action_item_edit",
        lambda a: n("action_item_edit", ActionItemFactory(network=a.network).pk),
        ["due_on"],
        ActionItem,
    ),
    (
        "membership_edit",
        lambda a: n("membership_edit", "luenen"),
        ["joined_on", "left_on"],
        Membership,
    ),
    ("member_add", lambda a: n("member_add"), ["joined_on"], Membership),
    ("tender_create", lambda a: p("tender_create", "luenen"), ["published_on"], Tender),
    ("tender_edit", lambda a: p("tender_edit", "luenen", _tender(a).pk), ["published_on"], Tender),
    (
        "milestone_create",
        lambda a: p("milestone_create", "luenen"),
        ["due_on", "completed_on"],
        Milestone,
    ),
    (
        "milestone_edit",
        lambda a: p("milestone_edit", "luenen", _milestone(a).pk),
        ["due_on", "completed_on"],
        Milestone,
    ),
    ("template_milestone_create", lambda a: p("template_milestone_create"), ["due_on"], Milestone),
    (
        "adoption_detail",
        lambda a: p("adoption_detail", "luenen", _adoption(a).pk),
        ["target_date"],
        Adoption,
    ),
    (
        "adoption_matrix (bulk)",
        lambda a: (_adoption(a), p("adoption_matrix", "luenen"))[1],
        ["target_date"],
        Adoption,
    ),
    (
        "project_create",
        lambda a: b("project_create"),
        ["application_date", "construction_start"],
        BuildingProject,
    ),
    (
        "project_edit",
        lambda a: b("project_edit", ProjectFactory(membership=a.luenen).pk),
        ["application_date", "construction_start"],
        BuildingProject,
    ),
]


def snapshot(model):
    return sorted(
        (row.pk, repr(sorted(model_to_dict(row).items(), key=lambda kv: kv[0])))
        for row in model.objects.all()
    )


@pytest.mark.parametrize("years", [YEAR_ONE, YEAR_9999], ids=["year 1", "year 9999"])
@pytest.mark.parametrize(
    ("what", "page", "date_fields", "model"), DATE_FORMS, ids=[f[0] for f in DATE_FORMS]
)
def test_every_form_with_a_date_refuses_dates_outside_1990_to_2100(
    actors, what, page, date_fields, model, years
):
    client = actors.client(actors.moderator)
    url = page(actors)
    response = client.get(url)
    assert response.status_code == 200, what
    for name in date_fields:
        form = form_with(response.content.decode(), name)
        data = dict(form.data)
        if what == "adoption_matrix (bulk)":
            data["action"] = "target"
            data["criteria"] = [
                str(pk) for pk in Adoption.objects.values_list("criterion_id", flat=True)
            ]
        kind = "datetime" if name in {"starts_at", "ends_at"} else "date"
        data[name] = years[kind]
        before = snapshot(model)
        answer = client.post(form.action or url, data)
        assert answer.status_code in {200, 400}, (what, name, answer.status_code)
        assert RANGE_ERROR in answer.content.decode(), (what, name)
        assert snapshot(model) == before, (what, name)


@pytest.mark.parametrize(
    ("field", "entry"),
    [
        (fields.DateField(), "31.12.1989"),
        (fields.DateField(), "01.01.2101"),
        (fields.DateTimeField(), "31.12.1989 23:59"),
        (fields.DateTimeField(), "01.01.2101 00:00"),
    ],
)
def test_the_range_is_in_the_field_itself(field, entry):
    with pytest.raises(django_forms.ValidationError) as error:
        field.clean(entry)
    assert RANGE_ERROR in error.value.messages


def test_the_range_ends_are_inside():
    assert fields.DateField().clean("01.01.1990") == date(1990, 1, 1)
    assert fields.DateField().clean("31.12.2100") == date(2100, 12, 31)


# --- every form uses the portal's fields --------------------------------------------------------


def portal_form_classes():
    import building.forms
    import building.weighting_forms
    import network.documents
    import network.exchange.forms
    import network.forms.accounts
    import network.forms.agenda_lines
    import network.forms.meetings
    import network.forms.minutes
    import network.forms.people
    import network.forms.reports
    import procurement.forms

    modules = [
        network.forms.accounts,
        network.forms.agenda_lines,
        network.forms.meetings,
        network.forms.minutes,
        network.exchange.forms,
        building.weighting_forms,
        network.forms.people,
        network.forms.reports,
        network.documents,
        procurement.forms,
        building.forms,
    ]
    for module in modules:
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, django_forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


PLAIN = {
    django_forms.DateField: "fields.DateField",
    django_forms.DateTimeField: "fields.DateTimeField",
    django_forms.DecimalField: "fields.DecimalField",
    django_forms.FloatField: "fields.DecimalField",
    django_forms.IntegerField: "fields.IntegerField",
    django_forms.ModelChoiceField: "fields.ModelChoiceField",
    django_forms.ModelMultipleChoiceField: "fields.ModelMultipleChoiceField",
}


def test_every_form_field_is_one_of_the_portals():
    """A plain Django date, number, id or one-line text field would bring back what the
    audit found (English numbers, year 1, overflowing ids, line breaks in titles)."""
    wrong = []
    classes = list(portal_form_classes())
    assert len(classes) > 25
    for cls in classes:
        for name, field in cls.base_fields.items():
            kind = type(field)
            if kind in PLAIN:
                wrong.append(f"{cls.__name__}.{name}: {kind.__name__} → {PLAIN[kind]}")
            if kind is django_forms.CharField and not isinstance(
                field.widget, (django_forms.PasswordInput, django_forms.HiddenInput)
            ):
                wrong.append(f"{cls.__name__}.{name}: CharField → fields.CharField/TextField")
    assert wrong == []


# --- numbers no database can hold ----------------------------------------------------------


HUGE = "99999999999999999999"


def test_a_version_no_database_can_hold_gives_the_conflict_message(actors):
    meeting = _meeting(actors)
    client = actors.client(actors.moderator)
    form = form_with(client.get(n("meeting_edit", meeting.pk)).content.decode(), "loaded_version")
    data = {**form.data, "title": "Neuer Titel", "loaded_version": HUGE}
    response = client.post(n("meeting_edit", meeting.pk), data)
    assert response.status_code == 200
    assert "Jemand anderes hat diesen Eintrag gespeichert" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "Netzwerktreffen"


def test_ids_no_database_can_hold_are_invalid_choices(actors):
    tender = _tender(actors)
    client = actors.client(actors.moderator)
    url = p("tender_edit", "luenen", tender.pk)
    form = form_with(client.get(url).content.decode(), "title")
    response = client.post(url, {**form.data, "applied_criteria": [HUGE]})
    assert response.status_code == 200
    assert f"„{HUGE}“ ist kein gültiger Wert." in response.content.decode()
    guideline = GuidelineFactory(network=actors.network)
    url = b("guideline_edit", guideline.pk)
    form = form_with(client.get(url).content.decode(), "title")
    response = client.post(url, {**form.data, "criteria": [HUGE, "-1"]})
    assert response.status_code == 200
    assert Guideline.objects.get(pk=guideline.pk).version == guideline.version


def test_single_choices_no_database_can_hold_are_invalid_too(actors):
    client = actors.client(actors.moderator)
    response = client.post(n("member_add"), {"existing": HUGE, "joined_on": "01.01.2026"})
    assert response.status_code in {200, 400}
    assert "Bitte eine gültige Auswahl treffen" in response.content.decode()


def test_integers_beyond_their_column_are_a_field_error(actors):
    client = actors.client(actors.moderator)
    form = form_with(client.get(n("member_add")).content.decode(), "population")
    data = {
        **form.data,
        "name": "Neustadt",
        "slug": "neustadt",
        "kind": "stadt",
        "ags": "05978099",
        "population": HUGE,
        "joined_on": "01.01.2026",
    }
    response = client.post(n("member_add"), data)
    assert "kleiner oder gleich" in response.content.decode()
    assert not Municipality.objects.filter(slug="neustadt").exists()


# --- one-line fields and long texts ---------------------------------------------------------


def test_a_title_with_a_line_break_is_refused(actors):
    client = actors.client(actors.moderator)
    form = form_with(client.get(n("meeting_create")).content.decode(), "title")
    data = {**form.data, "title": "Treffen\r\nBcc: alle@example.org"}
    data.update(starts_at="24.11.2026 10:00", ends_at="24.11.2026 12:00", kind="network")
    response = client.post(n("meeting_create"), data)
    assert "Bitte in einer Zeile eingeben, ohne Zeilenumbruch." in response.content.decode()
    assert not Meeting.objects.exists()


def test_long_minutes_get_a_field_error_and_come_back_whole(actors):
    meeting = _meeting(actors)
    client = actors.client(actors.moderator)
    url = n("minutes_edit", meeting.pk)
    form = form_with(client.get(url).content.decode(), "minutes")
    text = "Tagesordnungspunkt mit Umlauten äöü." * 3000  # 108.000 characters
    response = client.post(url, {**form.data, "minutes": text})
    page = response.content.decode()
    assert "Der Text ist 108.000 Zeichen lang; erlaubt sind höchstens 100.000." in page
    assert text in page  # nothing typed is lost
    assert 'maxlength="' not in page.split('name="minutes"')[0][-300:]
    meeting.refresh_from_db()
    assert meeting.minutes == ""


# --- the German 400 page --------------------------------------------------------------------


def test_a_bad_host_gets_the_german_400_page(db):
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["portal.example.org"]):
        response = Client(HTTP_HOST="boese.example.com").get("/konto/anmelden/")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Die Anfrage konnte nicht verarbeitet werden" in text
    assert "Bad Request" not in text


def test_a_request_over_the_size_limit_gets_the_german_400_page(actors, settings):
    meeting = _meeting(actors)
    client = actors.client(actors.moderator)
    body = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    with override_settings(DEBUG=False):
        response = client.post(n("minutes_edit", meeting.pk), {"minutes": body})
    assert response.status_code == 400
    text = response.content.decode()
    assert "zu groß" in text and "Bad Request" not in text
    meeting.refresh_from_db()
    assert meeting.minutes == ""


def test_the_limits_fit_together(settings):
    # One long text at its worst (9 bytes a character, %-encoded) stays under the limit.
    assert fields.TEXT_MAX_LENGTH * 9 < settings.DATA_UPLOAD_MAX_MEMORY_SIZE
