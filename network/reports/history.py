"""Recent changes of a network from django-simple-history: one query per model, so the
dashboard costs the same for 6 or 60 members.

The network's own models are listed here; every topic app lists its own through the
`history_models` hook on its AppConfig (network.plugins), as `HistorySource`s, so
„Letzte Änderungen“ shows a changed tender or building project as it shows a meeting,
and `network` still imports no topic app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from network import plugins

HISTORY_TYPES = {"+": _("angelegt"), "~": _("geändert"), "-": _("gelöscht")}


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str  # the person's name as shown, "" when unknown
    what: str
    title: str
    action: str
    url: str = ""  # the page of the changed object ("" when deleted or without a page)


def _title(record) -> str:
    return str(record.title)


@dataclass(frozen=True)
class HistorySource:
    """One historical model in „Letzte Änderungen“.

    model: "app_label.Model" of the tracked model (its `history` manager is read);
    network: lookup from a historical record to its network's id ("membership__network_id");
    related: what `title`/`url` read besides the record (select_related, one query);
    title: record → what the entry names; url: (record, network slug) → its page, or "".
    """

    model: str
    network: str
    related: tuple = ()
    title: Callable = field(default=_title)
    url: Callable | None = None

    def records(self, network, limit: int):
        model = apps.get_model(self.model)
        return (
            model.history.filter(**{self.network: network.pk})
            .select_related("history_user", *self.related)
            .order_by("-history_date")[:limit]
        )


def _meeting_url(record, slug):
    return reverse("network:meeting_detail", args=[slug, record.id])


OWN = [
    HistorySource("network.Network", "id", title=lambda r: r.name),
    HistorySource(
        "network.Membership",
        "network_id",
        ("municipality",),
        title=lambda r: r.municipality.name if r.municipality else "",
        url=lambda r, slug: (
            reverse("network:membership", args=[slug, r.municipality.slug])
            if r.municipality
            else ""
        ),
    ),
    HistorySource(
        "network.Role",
        "network_id",
        ("user",),
        title=lambda r: f"{r.user or ''} – {r.get_kind_display()}",
    ),
    HistorySource("network.Meeting", "network_id", url=_meeting_url),
    HistorySource(
        "network.AgendaItem",
        "meeting__network_id",
        url=lambda r, slug: reverse("network:meeting_detail", args=[slug, r.meeting_id]),
    ),
    HistorySource(
        "network.Decision",
        "meeting__network_id",
        title=lambda r: r.text[:80],
        url=lambda r, slug: reverse("network:meeting_detail", args=[slug, r.meeting_id]),
    ),
    HistorySource("network.ActionItem", "network_id"),
    HistorySource("network.Document", "network_id"),
]


def sources() -> list[HistorySource]:
    """The network's own sources and those of every installed topic app."""
    return OWN + plugins.objects("history_models")


def recent_changes(network, limit: int = 15) -> list[HistoryEntry]:
    entries = []
    for source in sources():
        model = apps.get_model(source.model)
        for record in source.records(network, limit):
            url = ""
            if source.url is not None and record.history_type != "-":
                url = source.url(record, network.slug)
            entries.append(
                HistoryEntry(
                    when=record.history_date,
                    who=str(record.history_user or ""),
                    what=str(model._meta.verbose_name),
                    title=source.title(record),
                    action=str(HISTORY_TYPES.get(record.history_type, "")),
                    url=url,
                )
            )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries[:limit]
