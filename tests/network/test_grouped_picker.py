"""Issue 10, „Formulare, die zur Arbeit passen“: no Ctrl+click multi-select anywhere; the
one grouped, filterable checkbox picker (network.forms.widgets.GroupedCheckboxSelectMultiple)
and what it renders without JavaScript."""

import re
from html.parser import HTMLParser

import pytest
from django import forms as django_forms
from django.forms.models import ModelMultipleChoiceField

from network.forms.widgets import GroupedCheckboxSelectMultiple
from procurement.forms import MilestoneForm
from procurement.models import Milestone
from tests.network.test_form_rules import portal_form_classes
from tests.procurement.factories import (
    CriterionFactory,
    MilestoneFactory,
    ProductGroupFactory,
    RoadmapFactory,
)

pytestmark = pytest.mark.django_db


def test_no_form_of_the_portal_offers_a_ctrl_click_multi_select():
    """A <select multiple> loses every existing choice on a plain click; every choice of
    several rows is a set of checkboxes (the grouped picker or Django's plain list)."""
    wrong = []
    for cls in portal_form_classes():
        for name, field in cls.base_fields.items():
            multiple = isinstance(
                field, (ModelMultipleChoiceField, django_forms.MultipleChoiceField)
            )
            if multiple and isinstance(field.widget, django_forms.SelectMultiple):
                wrong.append(f"{cls.__name__}.{name}")
    assert wrong == []


def test_the_long_lists_use_the_grouped_picker():
    import building.forms
    import procurement.forms

    for form, name in [
        (procurement.forms.MilestoneForm, "criteria"),
        (procurement.forms.MilestoneForm, "action_items"),
        (procurement.forms.TenderForm, "applied_criteria"),
        (building.forms.GuidelineForm, "criteria"),
    ]:
        assert isinstance(form.base_fields[name].widget, GroupedCheckboxSelectMultiple), name


class _Outline(HTMLParser):
    """Fieldsets with their legend, and the labels of the checkboxes inside them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.groups, self.labels, self.ids = [], {}, []
        self._in_legend = self._in_label = None
        self.inputs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "fieldset" and "data-picker-group" in attrs:
            self.groups.append({"legend": "", "key": attrs.get("data-group-key"), "boxes": []})
        elif tag == "legend" and self.groups:
            self._in_legend = True
        elif tag == "input" and attrs.get("type") == "checkbox" and self.groups:
            self.groups[-1]["boxes"].append(attrs)
        elif tag == "input":
            self.inputs.append(attrs)
        elif tag == "label":
            self._in_label = attrs.get("for")
            self.labels[self._in_label] = ""

    def handle_endtag(self, tag):
        if tag == "legend":
            self._in_legend = None
        elif tag == "label":
            self._in_label = None

    def handle_data(self, data):
        if self._in_legend and self.groups:
            self.groups[-1]["legend"] += data
        if self._in_label is not None:
            self.labels[self._in_label] += data


def outline(html):
    parser = _Outline()
    parser.feed(html)
    return parser


@pytest.fixture
def milestone_form(actors):
    paper = ProductGroupFactory(network=actors.network, name="Papier", position=1)
    it = ProductGroupFactory(network=actors.network, name="IT-Geräte", position=2)
    recycled = CriterionFactory(network=actors.network, product_group=paper, title="Recycling")
    CriterionFactory(network=actors.network, product_group=it, title="Monitore")
    CriterionFactory(network=actors.network, product_group=it, title="Notebooks")
    milestone = MilestoneFactory(roadmap=RoadmapFactory(membership=actors.luenen))
    milestone.criteria.add(recycled)
    return MilestoneForm(instance=Milestone.objects.get(pk=milestone.pk)), recycled


def test_groups_are_fieldsets_with_legends_and_every_box_has_its_label(milestone_form):
    form, recycled = milestone_form
    html = str(form["criteria"])
    parsed = outline(html)
    assert [(g["legend"], len(g["boxes"])) for g in parsed.groups] == [
        ("Papier", 1),
        ("IT-Geräte", 2),
    ]
    boxes = [box for g in parsed.groups for box in g["boxes"]]
    assert all(box["id"] and parsed.labels[box["id"]].strip() for box in boxes)
    assert len({box["id"] for box in boxes}) == 3
    assert [b["value"] for b in boxes if "checked" in b] == [str(recycled.pk)]
    assert parsed.labels[boxes[0]["id"]] == "Recycling (Technische Spezifikation, Kernkriterium)"
    assert "<select" not in html


def test_the_filter_has_a_label_a_live_count_and_waits_for_javascript(milestone_form):
    form, _recycled = milestone_form
    html = str(form["criteria"])
    parsed = outline(html)
    (search,) = [i for i in parsed.inputs if i.get("type") == "search"]
    assert "name" not in search  # the filter is never sent with the form
    assert parsed.labels[search["id"]].startswith("Kriterien filtern")
    # hidden until picker.js shows it: without JavaScript the page simply lists every group
    assert re.search(r'<div class="picker-filter mb-2" data-picker-filter hidden>', html)
    count = re.search(r'<p [^>]*id="([^"]+)" aria-live="polite"[^>]*>([^<]*)</p>', html)
    assert count and count.group(2) == "3 zur Auswahl, 1 ausgewählt"
    assert search["aria-describedby"].split() == [f"{search['id']}_help", count.group(1)]
    assert "Sucht in Titel, Vergabestufe" in html
    assert "{shown} von {total} angezeigt, {selected} ausgewählt" in html


def test_crispy_puts_the_picker_in_a_fieldset_with_the_fields_label(actors, milestone_form):
    from crispy_forms.utils import render_crispy_form

    form, _recycled = milestone_form
    html = render_crispy_form(form)
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>\s*Kriterien\s*</legend>", html)
    # no label points at the whole group (it has no single control)
    assert 'for="id_criteria"' not in html


def test_nothing_ticked_is_posted_as_an_empty_choice_not_as_missing():
    from django.http import QueryDict

    widget = GroupedCheckboxSelectMultiple(group_by=str)
    assert widget.value_omitted_from_data(QueryDict(), {}, "criteria") is False
    assert widget.value_from_datadict(QueryDict("criteria=1&criteria=2"), {}, "criteria") == [
        "1",
        "2",
    ]
    assert widget.value_from_datadict(QueryDict(), {}, "criteria") == []


def test_the_page_loads_the_picker_script_from_its_own_static_files(actors, milestone_form):
    from django.urls import reverse

    _form, _recycled = milestone_form
    milestone = Milestone.objects.get()
    page = (
        actors.client(actors.coordinator)
        .get(reverse("procurement:milestone_edit", args=["knn", "luenen", milestone.pk]))
        .content.decode()
    )
    assert re.search(r'<script src="/static/js/picker\.js" defer></script>', page)
    assert '<link href="/static/css/picker.css"' in page
    assert "<script>" not in page  # no inline script (the CSP forbids it)
