"""Recent changes of a network from django-simple-history: one query per model, so the
dashboard costs the same for 6 or 60 members."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from network.models import (
    ActionItem,
    AgendaItem,
    Decision,
    Document,
    Meeting,
    Membership,
    Network,
    Role,
)

HISTORY_TYPES = {"+": _("angelegt"), "~": _("geändert"), "-": _("gelöscht")}


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str  # the person's name as shown, "" when unknown
    what: str
    title: str
    action: str


def _title(model, record) -> str:
    if model is Network:
        return record.name
    if model is Membership:
        return record.municipality.name if record.municipality else ""
    if model is Role:
        return f"{record.user or ''} – {record.get_kind_display()}"
    if model is Decision:
        return record.text[:80]
    return record.title


# (model, filter to the network, related rows read with the record)
SOURCES = [
    (Network, "id", ()),
    (Membership, "network_id", ("municipality",)),
    (Role, "network_id", ("user",)),
    (Meeting, "network_id", ()),
    (AgendaItem, "meeting__network_id", ()),
    (Decision, "meeting__network_id", ()),
    (ActionItem, "network_id", ()),
    (Document, "network_id", ()),
]


def recent_changes(network, limit: int = 15) -> list[HistoryEntry]:
    entries = []
    for model, lookup, related in SOURCES:
        records = (
            model.history.filter(**{lookup: network.pk})
            .select_related("history_user", *related)
            .order_by("-history_date")[:limit]
        )
        for record in records:
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=str(record.history_user or ""),
                    what=str(model._meta.verbose_name),
                    title=_title(model, record),
                    action=str(HISTORY_TYPES.get(record.history_type, "")),
                )
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]
