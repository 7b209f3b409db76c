"""Widgets the portal's forms share.

`GroupedCheckboxSelectMultiple` is the one picker for choosing several rows out of many
(criteria of a milestone, a tender or a guideline, action items): a checkbox per row,
grouped under a fieldset with a legend per group (product group, scoring board group,
meeting), and a text filter. Never a `<select multiple>`: there a plain click without
Ctrl wipes every existing choice, and 250 criteria in one list cannot be read.

Without JavaScript all groups are shown and every box works; static/js/picker.js adds the
filter (it hides options that do not match and says how many are shown, in a live region)
and, for a picker that `follows` a select (the tender's product group), shows only the
group chosen there plus any group with a ticked box, so nothing ticked is ever hidden
from the person who could untick it.
"""

from django import forms
from django.forms.widgets import ChoiceWidget
from django.template import loader
from django.utils.translation import gettext as _


class GroupedCheckboxSelectMultiple(ChoiceWidget):
    """Checkboxes grouped by `group_by(row)` (the group's label), in the order the
    queryset gives them — order it by the group first. `group_key(row)` names the group
    for `follows`, the id of a select whose value picks the group to show.

    Not a subclass of CheckboxSelectMultiple: crispy-forms renders those with its own
    flat template, which would drop the groups and the filter."""

    allow_multiple_selected = True
    input_type = "checkbox"
    template_name = "includes/_grouped_checkboxes.html"
    use_fieldset = True

    class Media:
        css = {"all": ["css/picker.css"]}
        js = [forms.Script("js/picker.js", defer=True)]

    def __init__(
        self, attrs=None, *, group_by, group_key=None, follows="", filter_label="", filter_help=""
    ):
        super().__init__(attrs)
        self.group_by = group_by
        self.group_key = group_key
        self.follows = follows
        self.filter_label = filter_label
        self.filter_help = filter_help

    def optgroups(self, name, value, attrs=None):
        """[(group label, options, index)], one entry per group, in the order of the rows."""
        groups: dict = {}
        index = 0
        for option_value, option_label in self.choices:
            if option_value in (None, ""):
                continue
            row = getattr(option_value, "instance", None)
            label = str(self.group_by(row)) if row is not None else ""
            key = str(self.group_key(row)) if row is not None and self.group_key else ""
            selected = str(option_value) in value
            option = self.create_option(
                name, option_value, option_label, selected, index, attrs=attrs
            )
            option["value_text"] = str(option_value)
            groups.setdefault((label, key), []).append(option)
            index += 1
        return [(label, options, key) for (label, key), options in groups.items()]

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        # Only the id: crispy-forms gives the widget "form-control", which is no checkbox's.
        option["attrs"] = {"id": option["attrs"].get("id", "")}
        return option

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        groups = [
            {"label": label, "key": key, "options": options, "number": n}
            for n, (label, options, key) in enumerate(widget.pop("optgroups"), start=1)
        ]
        total = sum(len(group["options"]) for group in groups)
        selected = sum(1 for g in groups for o in g["options"] if o["selected"])
        widget.update(
            groups=groups,
            total=total,
            selected=selected,
            follows=self.follows,
            filter_label=self.filter_label or _("Liste filtern"),
            filter_help=self.filter_help,
            # Filled in by picker.js; the braces are its placeholders.
            count_template=_("{shown} von {total} angezeigt, {selected} ausgewählt"),
            count_text=_("%(total)d zur Auswahl, %(selected)d ausgewählt")
            % {"total": total, "selected": selected},
        )
        widget["attrs"].pop("class", None)
        return context

    def _render(self, template_name, context, renderer=None):
        # The project's template engine, not the form renderer's own (which only sees the
        # apps' template directories): the widget's template lives with the others. A
        # rendered template is already a SafeString.
        return loader.render_to_string(template_name, context)

    def id_for_label(self, id_, index=None):
        # The field's label is the legend of the whole group, not a label of one box.
        if index is None:
            return ""
        return super().id_for_label(id_, index)

    def use_required_attribute(self, initial):
        return False

    def value_omitted_from_data(self, data, files, name):
        # Unticked boxes send nothing: an empty choice is never "omitted".
        return False
