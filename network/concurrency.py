"""Optimistic locking: two people editing the same object never silently overwrite each other.

Every editable domain model carries a `version` that grows by one with each save through
`save_versioned`. A form remembers the version it was loaded with; if the row has moved on
in the meantime, the save is refused and the person is shown what the other one changed
(from the history that django-simple-history keeps).
"""

from dataclasses import dataclass

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from network.forms.base import PortalModelForm
from network.forms.fields import VersionField


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: object
    new: object


class EditConflict(Exception):
    """The object was saved by someone else after this form was loaded."""

    def __init__(self, current, changes: list[Change]):
        super().__init__("edit conflict")
        self.current = current
        self.changes = changes


def changes_since(instance, version: int) -> list[Change]:
    """What changed in `instance` since it had `version` (needs a `history` on the model)."""
    history = getattr(type(instance), "history", None)
    if history is None:
        return []
    records = list(
        instance.history.filter(version__in=[version, instance.version]).order_by("history_id")
    )
    old = next((r for r in records if r.version == version), None)
    new = next((r for r in reversed(records) if r.version == instance.version), None)
    if old is None or new is None:
        return []
    delta = new.diff_against(old, excluded_fields=["version"])
    result = []
    for change in delta.changes:
        field = type(instance)._meta.get_field(change.field)
        result.append(Change(change.field, str(field.verbose_name), change.old, change.new))
    return result


def save_versioned(instance, *, loaded_version: int, update_fields=None):
    """Save `instance` unless someone else saved it after `loaded_version` was read.

    Raises EditConflict with the other person's changes; nothing is written then.
    """
    model = type(instance)
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=instance.pk)
        if current.version != loaded_version:
            raise EditConflict(current, changes_since(current, loaded_version))
        instance.version = current.version + 1
        if update_fields is not None:
            update_fields = [*update_fields, "version"]
        instance.save(update_fields=update_fields)
    return instance


class VersionedModelForm(PortalModelForm):
    """A ModelForm that carries the version it was loaded with and refuses stale saves.

    Views call `form.save_checked()` instead of `form.save()`; on a conflict the form gets
    a non-field error in German and `form.conflict` holds the other person's changes.
    """

    loaded_version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict: EditConflict | None = None
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

    def save_checked(self, commit=True):
        if not self.instance.pk:
            return self.save(commit=commit)
        loaded = self.loaded_version_of()  # an old form without the field: no check
        instance = super().save(commit=False)
        try:
            save_versioned(instance, loaded_version=loaded)
        except EditConflict as conflict:
            self.refuse(conflict)
            return None
        self.save_m2m()
        return instance

    def refuse(self, conflict: EditConflict) -> None:
        """Nothing was saved because of `conflict`: say so on the form, which keeps the
        person's input (network.views.edit then shows the other person's changes)."""
        self.conflict = conflict
        self.add_error(
            None,
            _(
                "Jemand anderes hat diesen Eintrag gespeichert, während Sie ihn bearbeitet "
                "haben. Ihre Änderungen wurden nicht gespeichert. Bitte prüfen Sie die "
                "Änderungen unten und geben Sie Ihre Änderungen erneut ein."
            ),
        )

    def loaded_version_of(self) -> int:
        loaded = self.cleaned_data.get("loaded_version")
        return self.instance.version if loaded is None else loaded
