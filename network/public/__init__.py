"""The public side of a network: opt-in pages, the embeddable view and the open data.

What is public is stored in network.models.public (`Publication`, `Release`); what a
public section shows comes from the topic apps through the `public_sections` hook
(network.plugins), as their progress sections do: `network` never imports them.

A public section names no staff: only the municipality and the moderating organisation.
"""

from dataclasses import dataclass, field
from typing import Protocol

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from network import plugins
from network.models.public import Publication, Release


@dataclass(frozen=True)
class OpenField:
    """One column of an open-data table, as a Frictionless table schema field."""

    name: str  # "criteria_agreed"
    type: str  # "string", "integer", "number", "date", "boolean"
    title: str  # German: the schema's title and the data page's (the CSV header is `name`)
    description: str = ""
    unit: str = ""  # "%", "€", "t CO₂/Jahr"


def open_field(name, kind, title, description="", unit="") -> OpenField:
    """An open-data column with its German words as plain strings (for the JSON)."""
    return OpenField(name, kind, str(title), str(description), unit)


def place_fields() -> list[OpenField]:
    """The two columns every row of a public section's table carries, so the open data
    can be joined: the municipality's name and its official key."""
    return [
        open_field("municipality", "string", _("Kommune")),
        open_field("ags", "string", _("Amtlicher Gemeindeschlüssel")),
    ]


@dataclass
class OpenTable:
    """One resource of a network's Data Package: a CSV file and its JSON twin."""

    name: str  # the file name without extension, lower case: "tenders"
    title: str
    description: str
    fields: list[OpenField]
    rows: list[dict] = field(default_factory=list)


class PublicSection(Protocol):
    key: str  # stored in Release.section: never rename a key that is in use
    title: str
    description: str  # what the member releases, in a sentence for the release page
    template: str  # the public fragment of one membership

    def context(self, membership, period) -> dict:
        """What `template` shows of one membership; no names of people."""

    def table(self, memberships, period) -> OpenTable | None:
        """The section's rows of all `memberships` (those that released it) for the open
        data, with a fixed number of queries. Optional."""


def public_sections() -> list[PublicSection]:
    """Every installed app's public sections, in app order."""
    return [section() for section in plugins.objects("public_sections")]


def publication_of(network) -> Publication | None:
    """The network's publication with its published Erfolgsbilanz (one query)."""
    return (
        Publication.objects.filter(network=network).select_related("annual_report__network").first()
    )


def published(network_slug: str) -> Publication:
    """The publication (with its network) of the network with this slug whose public page
    is on; 404 for a network that does not exist or whose page is off (the same answer,
    so a closed network's existence is not revealed). One query."""
    found = (
        Publication.objects.filter(network__slug=network_slug, is_public=True)
        .select_related("network")
        .first()
    )
    if found is None:
        raise Http404
    return found


def released(network) -> dict[int, set[str]]:
    """{membership id: keys of its public sections} of a network whose page is on: what
    the member released and the moderator approved. One query; {} when the page is off."""
    found: dict[int, set[str]] = {}
    for membership_id, section in (
        Release.objects.public()
        .filter(membership__network=network)
        .values_list("membership_id", "section")
    ):
        found.setdefault(membership_id, set()).add(section)
    return found
