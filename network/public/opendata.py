"""The open data of a network: its public tables as German CSV and as JSON, described by a
Frictionless Data Package (https://specs.frictionlessdata.io/data-package/).

What is in it: for every public section (network.public.public_sections) the rows of the
members that released it and whose release the moderator approved (`released`), from the
section's `table()`; plus two tables of the network itself:

- `members`: the members (still members today) with at least one public section
  (municipality, AGS, kind, population, joined on, which sections). A member that released
  nothing is not named.
- `key-figures`: the network median of every key figure per quarter end, from the same
  snapshots the dashboards and the public page's trend charts draw
  (network.timeseries). No member's own value: a median of the whole network, and only
  where at least `MIN_MEMBERS` members have a value, so a median never is one member's
  (or two members' average) figure.

The CSV is written the portal's German way (network.csv_export: BOM, ";", decimal comma,
dates dd.mm.yyyy, formula-looking text escaped); the table schema says so (delimiter,
`decimalChar`, date `format`, `trueValues`), so a Frictionless reader casts it back to
numbers and dates. The header row carries the field names, as the Table Schema requires
(a reader matches header and schema by them); the German titles and descriptions are in
the schema and on the data page. The JSON twin of a table has the same field names, with
JSON numbers and booleans and ISO dates.

The tables are computed once per change of the network's data and per day (network.freshness
NetworkCache: a release, an approval or a new figure moves the stamp).
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from network import freshness, public, timeseries
from network.csv_export import de_number
from network.models import Membership
from network.models.people import still_member_q
from network.overview import period_of

from . import OpenField, OpenTable, Publication

# Fewer members than this with a value in a quarter: the median is left empty.
MIN_MEMBERS = 3

LICENCE_PATHS = {
    Publication.Licence.DL_DE_BY: "https://www.govdata.de/dl-de/by-2-0",
    Publication.Licence.DL_DE_ZERO: "https://www.govdata.de/dl-de/zero-2-0",
    Publication.Licence.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    Publication.Licence.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
}

CSV_DATE = "%d.%m.%Y"
TRUE, FALSE = "ja", "nein"


def resource_name(table: OpenTable) -> str:
    """A Data Package resource name ("^[-a-z0-9._/]+$": no underscore)."""
    return table.name.lower().replace("_", "-")


# --- the tables ----------------------------------------------------------------------------


def open_tables(network, *, today: date | None = None) -> list[OpenTable]:
    """Every open-data table of a network whose page is on, in a fixed order: the public
    sections' (only those at least one member released), then `members` and `key-figures`.
    Kept under the network's data stamp; titles in German whatever the reader's language."""
    today = today or timezone.localdate()
    sections = public.public_sections()  # through the module: tests replace it
    kept = freshness.NetworkCache(network.pk)
    return kept.get(
        "opendata",
        lambda: _compute(network, sections, kept, today),
        today.isoformat(),
        "+".join(section.key for section in sections),
    )


def table_of(network, name: str) -> OpenTable | None:
    """The table whose files are `name`.csv and `name`.json."""
    return next((t for t in open_tables(network) if t.name == name), None)


def _compute(network, sections, kept, today) -> list[OpenTable]:
    with translation.override(settings.LANGUAGE_CODE):
        installed = {section.key for section in sections}
        shown = {  # a section of an app no longer installed shows nothing
            m: keys & installed for m, keys in public.released(network).items() if keys & installed
        }
        memberships = list(
            Membership.objects.filter(network=network, pk__in=shown)
            .filter(still_member_q(today))  # as the public page: who left is not shown
            .select_related("municipality")
            .order_by("municipality__name", "pk")
        )
        period = period_of(network, today)
        tables, titles = [], {}
        for section in sections:
            titles[section.key] = str(section.title)
            members = [m for m in memberships if section.key in shown[m.pk]]
            table = (
                section.table(members, period) if members and hasattr(section, "table") else None
            )
            if table is not None:
                tables.append(_plain(table))
        tables += [_members(memberships, shown, titles), _key_figures(network, kept)]
    names = [resource_name(t) for t in tables]
    if len(set(names)) != len(names):
        raise ValueError(f"Two open-data tables share a name: {names}")
    return tables


def _plain(table: OpenTable) -> OpenTable:
    """The table with its lazy translations made plain text (kept in the cache)."""
    fields = [
        OpenField(f.name, f.type, str(f.title), str(f.description), str(f.unit))
        for f in table.fields
    ]
    return OpenTable(table.name, str(table.title), str(table.description), fields, table.rows)


def _members(memberships, shown, titles) -> OpenTable:
    return OpenTable(
        name="members",
        title=_("Mitglieder"),
        description=_(
            "Die Kommunen des Netzwerks, die mindestens einen Abschnitt veröffentlicht haben."
        ),
        fields=[
            OpenField("municipality", "string", _("Kommune")),
            OpenField(
                "ags",
                "string",
                _("Amtlicher Gemeindeschlüssel"),
                _("Achtstellig, mit führender Null (Text, keine Zahl)."),
            ),
            OpenField("kind", "string", _("Art"), _("Stadt, Gemeinde oder Kreis.")),
            OpenField("population", "integer", _("Einwohnerzahl")),
            OpenField("joined_on", "date", _("Beigetreten am")),
            OpenField(
                "sections",
                "string",
                _("Veröffentlichte Abschnitte"),
                _("Die Abschnitte, die die Kommune veröffentlicht hat, durch Komma getrennt."),
            ),
        ],
        rows=[
            {
                "municipality": m.municipality.name,
                "ags": m.municipality.ags,
                "kind": m.municipality.get_kind_display(),
                "population": m.municipality.population,
                "joined_on": m.joined_on,
                "sections": ", ".join(titles[key] for key in titles if key in shown[m.pk]),
            }
            for m in memberships
        ],
    )


def _key_figures(network, kept) -> OpenTable:
    series, _populations = timeseries.kept_series(kept, network)
    rows = []
    for found in series.values():
        for point in found.points:
            enough = len(point.values) >= MIN_MEMBERS
            rows.append(
                {
                    "key": found.key,
                    "figure": found.title,
                    "unit": found.unit,
                    "quarter_end": point.period_end,
                    "quarter": point.label,
                    "median": round(point.median, 2) if enough else None,
                    "members": len(point.values),
                }
            )
    return OpenTable(
        name="key_figures",
        title=_("Kennzahlen im Zeitverlauf"),
        description=_(
            "Der Median des Netzwerks je Kennzahl und Quartalsende, wie in den Verlaufsgrafiken. "
            "Werte einzelner Kommunen sind nicht enthalten; haben weniger als %(min)s Kommunen "
            "einen Wert, bleibt der Median leer."
        )
        % {"min": MIN_MEMBERS},
        fields=[
            OpenField(
                "key", "string", _("Schlüssel"), _("Bleibt gleich, wenn sich der Titel ändert.")
            ),
            OpenField("figure", "string", _("Kennzahl")),
            OpenField("unit", "string", _("Einheit")),
            OpenField("quarter_end", "date", _("Quartalsende")),
            OpenField("quarter", "string", _("Quartal")),
            OpenField("median", "number", _("Median des Netzwerks")),
            OpenField("members", "integer", _("Kommunen mit Wert")),
        ],
        rows=rows,
    )


# --- CSV and JSON ----------------------------------------------------------------------------


def _day(value) -> date:
    """A date field's value: a date, or its ISO text (sections may give either)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def csv_value(field: OpenField, value):
    """One value the German way, for network.csv_export.csv_response (which escapes text)."""
    if value is None:
        return ""
    if field.type == "number":
        return de_number(value)
    if field.type == "date":
        return _day(value).strftime(CSV_DATE)
    if field.type == "boolean":
        return TRUE if value else FALSE
    return value


def json_value(field: OpenField, value):
    if value is None:
        return None
    if field.type == "number":
        return float(value) if isinstance(value, Decimal) else value
    if field.type == "date":
        return _day(value).isoformat()
    return value


def csv_table(table: OpenTable) -> tuple[list[str], list[list]]:
    """Header (the field names) and rows, for csv_response."""
    return (
        [f.name for f in table.fields],
        [[csv_value(f, row.get(f.name)) for f in table.fields] for row in table.rows],
    )


def json_table(table: OpenTable) -> list[dict]:
    return [{f.name: json_value(f, row.get(f.name)) for f in table.fields} for row in table.rows]


# --- the Data Package ------------------------------------------------------------------------


def schema_field(field: OpenField, *, csv: bool) -> dict:
    """A Table Schema field; `csv`: as the German CSV writes it."""
    found = {"name": field.name, "type": field.type, "title": field.title}
    if field.description or field.unit:
        unit = _("Einheit: %(unit)s.") % {"unit": field.unit} if field.unit else ""
        found["description"] = " ".join(part for part in (field.description, unit) if part)
    if csv and field.type == "number":
        found["decimalChar"] = ","
    if csv and field.type == "date":
        found["format"] = CSV_DATE
    if csv and field.type == "boolean":
        found["trueValues"], found["falseValues"] = [TRUE], [FALSE]
    return found


def licence(publication: Publication) -> dict:
    code = Publication.Licence(publication.licence)
    return {"name": code.value, "path": LICENCE_PATHS[code], "title": str(code.label)}


def citation(publication: Publication, address: str) -> str:
    """How to name the source (Datenlizenz Deutschland § 2: Bereitsteller, Lizenz, Adresse)."""
    network = publication.network
    return _("Datenquelle: %(organisation)s, %(network)s, %(licence)s, %(address)s") % {
        "organisation": network.moderating_organisation,
        "network": network.name,
        "licence": publication.licence,
        "address": address,
    }


def data_package(publication: Publication, tables: list[OpenTable], address: str) -> dict:
    """The datapackage.json of a network: one tabular resource per table (its CSV file,
    relative to the package, so a downloaded copy reads too). `address`: the absolute URL
    of the data page. The JSON twins are not resources of their own: Frictionless reads
    JSON only with an extra parser; the page names them."""
    network = publication.network
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "profile": "tabular-data-package",
            "name": network.slug,
            "title": _("Offene Daten: %(network)s") % {"network": network.name},
            "description": network.description
            or _("Die veröffentlichten Daten des Netzwerks %(network)s.")
            % {"network": network.name},
            "homepage": address,
            "licenses": [licence(publication)],
            "contributors": [
                {"title": network.moderating_organisation, "role": "publisher"},
            ],
            "created": timezone.now().replace(microsecond=0).isoformat(),
            "resources": [
                {
                    "profile": "tabular-data-resource",
                    "name": resource_name(table),
                    "path": f"{table.name}.csv",
                    "title": table.title,
                    "description": table.description,
                    "format": "csv",
                    "mediatype": "text/csv",
                    "encoding": "utf-8",
                    "dialect": {"delimiter": ";", "quoteChar": '"', "header": True},
                    "schema": {"fields": [schema_field(f, csv=True) for f in table.fields]},
                }
                for table in tables
            ],
        }
