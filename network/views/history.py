"""The "Verlauf" of one object: who changed what and when, field by field.

Reusable by every app whose models keep a django-simple-history `history`:

    from network.views.history import render_history

    @login_required
    def project_history(request, network_slug, pk):
        access = get_access(request.user, network_slug)
        projects = BuildingProject.objects.filter(membership__network=access.network)
        project = access.get(projects, pk=pk)
        return render_history(request, access, project, back_url=project.get_absolute_url())

`history_entries(obj)` gives the same data for embedding the partial
`network/history/_changes.html` into another page. The cost is a fixed number of queries:
one for the records, one per many-to-many field, one per related model named in a change.
"""

from dataclasses import dataclass, field

from django.db import models
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

# Bookkeeping fields that say nothing to a reader.
HIDDEN_FIELDS = {"id", "version", "uid"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)


def _tracked_fields(model):
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS and not f.auto_created and f.editable
    ]


def _m2m_relations(history_model):
    """(m2m field, accessor on the historical record, attribute naming the target id)."""
    result = []
    for m2m in getattr(history_model, "_history_m2m_fields", []):
        for relation in history_model._meta.related_objects:
            if relation.related_model.__name__.endswith(f"_{m2m.name}"):
                target = m2m.related_model._meta.model_name
                result.append((m2m, relation.get_accessor_name(), f"{target}_id"))
    return result


def _display(model_field, value, related_names) -> str:
    if value is None or value == "":
        return "–"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return related_names.get((model_field.related_model, value), f"#{value}")
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    if isinstance(model_field, models.DateTimeField):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(model_field, models.DateField):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def _names(m2m_field, ids, related_names) -> str:
    model = m2m_field.related_model
    return ", ".join(sorted(related_names.get((model, i), f"#{i}") for i in ids)) or "–"


def history_entries(obj) -> list[HistoryEntry]:
    """The history of `obj`, newest first, each entry with its field-by-field changes."""
    model = type(obj)
    history_model = model.history.model
    fields = _tracked_fields(model)
    m2m = _m2m_relations(history_model)
    records = obj.history.select_related("history_user").order_by("history_date", "history_id")
    for _m2m_field, accessor, _attr in m2m:
        records = records.prefetch_related(accessor)
    records = list(records)

    # Collect what related objects the changes name, then fetch each model's once.
    wanted: dict[type, set] = {}
    for f in fields:
        if isinstance(f, models.ForeignKey):
            ids = {getattr(r, f.attname) for r in records} - {None}
            wanted.setdefault(f.related_model, set()).update(ids)
    m2m_values = []
    for record in records:
        values = {}
        for m2m_field, accessor, attr in m2m:
            ids = frozenset(getattr(row, attr) for row in getattr(record, accessor).all())
            values[m2m_field.name] = ids
            wanted.setdefault(m2m_field.related_model, set()).update(ids)
        m2m_values.append(values)
    related_names = {}
    for related_model, ids in wanted.items():
        if ids:
            # select_related(): str() of a member names its municipality and network.
            for related in related_model._default_manager.filter(pk__in=ids).select_related():
                related_names[(related_model, related.pk)] = str(related)

    actions = {"+": _("angelegt"), "~": _("geändert"), "-": _("gelöscht")}
    entries = []
    previous, previous_m2m = None, {}
    for record, record_m2m in zip(records, m2m_values, strict=True):
        changes = []
        for f in fields:
            new = getattr(record, f.attname)
            old = getattr(previous, f.attname) if previous is not None else None
            if previous is None and new in (None, ""):
                continue
            if previous is None or old != new:
                changes.append(
                    FieldChange(
                        str(f.verbose_name),
                        _display(f, old, related_names) if previous is not None else "–",
                        _display(f, new, related_names),
                    )
                )
        for m2m_field, _accessor, _attr in m2m:
            new_ids = record_m2m[m2m_field.name]
            old_ids = previous_m2m.get(m2m_field.name, frozenset())
            if new_ids != old_ids:
                changes.append(
                    FieldChange(
                        str(m2m_field.verbose_name),
                        _names(m2m_field, old_ids, related_names),
                        _names(m2m_field, new_ids, related_names),
                    )
                )
        if record.history_type == "-":
            changes = []
        entries.append(
            HistoryEntry(
                when=record.history_date,
                who=str(record.history_user) if record.history_user else _("System"),
                action=actions.get(record.history_type, record.history_type),
                changes=changes,
            )
        )
        previous, previous_m2m = record, record_m2m
    entries.reverse()
    return entries


def _m2m_ids(m2m_field, rows) -> frozenset:
    """Target ids of a many-to-many value in a history diff: simple_history gives the rows
    of the through table as dicts ({"meeting": 1, "membership": 2})."""
    key = m2m_field.m2m_reverse_field_name()
    return frozenset(row[key] if isinstance(row, dict) else row for row in rows or ())


def readable_changes(conflict) -> list[FieldChange]:
    """The other person's changes of an EditConflict with display values (choice texts,
    names instead of ids, German dates) for `network/history/_conflict.html`. A change
    that reads the same before and after (seconds cut off a time) is left out."""
    model = type(conflict.current)
    fields = {f.name: f for f in [*model._meta.concrete_fields, *model._meta.many_to_many]}
    values, wanted = [], {}
    for change in conflict.changes:
        field = fields.get(change.field)
        if field is None:
            continue
        old, new = change.old, change.new
        if field.many_to_many:
            old, new = _m2m_ids(field, old), _m2m_ids(field, new)
            wanted.setdefault(field.related_model, set()).update(old | new)
        elif isinstance(field, models.ForeignKey):
            wanted.setdefault(field.related_model, set()).update({old, new} - {None})
        values.append((change.label, field, old, new))
    related_names = {}
    for related_model, ids in wanted.items():
        # select_related(): str() of a member names its municipality and network.
        for related in related_model._default_manager.filter(pk__in=ids).select_related():
            related_names[(related_model, related.pk)] = str(related)
    rows = []
    for label, field, old, new in values:
        if field.many_to_many:
            shown = _names(field, old, related_names), _names(field, new, related_names)
        else:
            shown = _display(field, old, related_names), _display(field, new, related_names)
        if shown[0] != shown[1]:
            rows.append(FieldChange(label, *shown))
    return rows


def render_history(request, access, obj, back_url, template="network/history/history.html"):
    """A full page with the history of `obj`. The caller has checked read access."""
    return render(
        request,
        template,
        {
            "access": access,
            "network": access.network,
            "object": obj,
            "object_type": obj._meta.verbose_name,
            "entries": history_entries(obj),
            "back_url": back_url,
        },
    )
