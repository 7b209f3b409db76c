"""The public side of a network: opt-in pages, the embeddable view and the open data.

What is public is stored in network.models.public (`Publication`, `Release`); what a
public section shows comes from the topic apps through the `public_sections` hook
(network.plugins), as their progress sections do: `network` never imports them.

A public section names no staff: only the municipality and the moderating organisation.
"""

from dataclasses import dataclass, field
from typing import Protocol

from network import plugins
from network.models.public import Publication, Release


@dataclass(frozen=True)
class OpenField:
    """One column of an open-data table, as a Frictionless table schema field."""

    name: str  # "criteria_agreed"
    type: str  # "string", "integer", "number", "date", "boolean"
    title: str  # German, as the CSV's header reads
    description: str = ""
    unit: str = ""  # "%", "€", "t CO₂/Jahr"


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
    return Publication.objects.filter(network=network).first()


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
