"""No CSV export of the portal hands a spreadsheet a formula: every user text that reaches a
cell — product group names in the network matrix's header included — is written as text
when it starts like a formula ("=", "+", "-", "@", tab, carriage return). Numbers the portal
formats itself stay numbers.

Every export is read back with the csv module (";" as delimiter, BOM stripped) and every
cell is checked, header first. Read as Herten's coordinator (`other`): every member of the
network reads every export.
"""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from procurement.models import Roadmap
from tests.procurement.factories import MilestoneFactory

pytestmark = pytest.mark.django_db

# What Excel and LibreOffice run as a formula (OWASP "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
FORMULAS = ['=HYPERLINK("http://x")', "+1", "-1+2", "@SUM(A1)", "\t=1+1", "\r=1+1"]
PLAIN_NUMBER = re.compile(r"-?\d+(,\d+)?")


def url(name, *args):
    return reverse(f"procurement:{name}", args=["knn", *args])


def exports():
    """Every CSV export of the portal (test_every_csv_export_is_covered keeps this list
    complete)."""
    return {
        "adoption_csv": (url("adoption_csv", "luenen"), {}),
        "network_matrix": (url("network_matrix"), {"format": "csv"}),
        "tender_csv": (url("tender_csv", "luenen"), {}),
        "roadmap": (url("roadmap", "luenen"), {"format": "csv"}),
        "roadmap_template": (url("roadmap_template"), {"format": "csv"}),
    }


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";"))


def poison(actors, data, text):
    """Put `text` at the start of every user-controlled text that reaches a cell."""
    data.group.name = text  # adoption, tender: a cell; network matrix: the header
    data.group.save()
    data.criterion.title = text  # adoption; tender and roadmap: the list of criteria
    data.criterion.save()
    department = actors.luenen_department
    department.name = text  # adoption: lead department; roadmap: responsible department
    department.save()
    data.adoption.department = department
    data.adoption.save()
    data.tender.title = text
    data.tender.reference = text
    data.tender.save()
    data.tender.applied_criteria.add(data.criterion)
    data.milestone.title = text
    data.milestone.department = department
    data.milestone.save()
    data.milestone.criteria.add(data.criterion)
    municipality = actors.luenen.municipality
    municipality.name = text  # network matrix: the first column
    municipality.save()
    template = Roadmap.objects.create(network=actors.network, membership=None)
    MilestoneFactory(roadmap=template, title=text, department=department)


@pytest.mark.parametrize("formula", FORMULAS)
def test_no_cell_of_any_export_starts_a_formula(actors, data, formula):
    poison(actors, data, formula)
    client = actors.client(actors.other)
    for name, (address, query) in exports().items():
        rows = read_csv(client.get(address, query))
        assert len(rows) >= 2, name
        escaped = 0
        for number, row in enumerate(rows):
            for value in row:
                if PLAIN_NUMBER.fullmatch(value):
                    continue  # the portal's own numbers
                assert not value.startswith(FORMULA_START), (name, number, value)
                if value.startswith("'" + formula):
                    escaped += 1
        # the user text is there, as text (not dropped or mangled)
        assert escaped >= 1, name


def test_matrix_header_is_escaped_like_its_cells(actors, data):
    data.group.name = '=HYPERLINK("http://x")'
    data.group.save()
    rows = read_csv(actors.client(actors.other).get(url("network_matrix"), {"format": "csv"}))
    assert rows[0][1] == '\'=HYPERLINK("http://x"): zugestimmt %'


def test_the_portals_numbers_stay_numbers(actors, data):
    """Decision: only text is escaped. A number the portal formats (de_number) is written
    as it is, also when negative; the same characters typed by a user are text."""
    from network.csv_export import cell, de_number

    assert cell(de_number(Decimal("-5.0"))) == "-5,0"
    assert cell(de_number(120000)) == "120000"
    assert cell(de_number(None)) == ""
    assert cell("-5,0") == "'-5,0"  # user text that looks like a number
    assert cell(de_number("=1+1")) == "'=1+1"  # not a number after all: escaped
    assert cell(3) == 3
    rows = read_csv(actors.client(actors.other).get(url("tender_csv", "luenen")))
    assert rows[1][5] == "120000,00"


def test_every_csv_export_is_covered():
    """A new CSV export (a call of csv_response, or text/csv written anywhere else) fails
    here until it is added to `exports()` above."""
    root = Path(__file__).resolve().parents[2]
    calls, raw = {}, set()
    for app in ("network", "building", "procurement"):
        for path in (root / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            name = path.relative_to(root).as_posix()
            found = re.findall(r"(?<!def )\bcsv_response\(", text)
            if found:
                calls[name] = len(found)
            if "text/csv" in text:
                raw.add(name)
    # The Data Package only names the media type of its CSV files, which csv_export writes.
    assert raw == {"network/csv_export.py", "network/public/opendata.py"}
    # adoption_csv, network_matrix, tender_csv and roadmap (member and template: one call)
    assert calls == {
        "procurement/views/adoptions.py": 1,
        "procurement/views/matrix.py": 1,
        "procurement/views/tenders.py": 1,
        "procurement/views/roadmaps.py": 1,
        # The open data's CSV files: its formula escaping is tested in
        # tests/network/test_opendata.py (the rows exist only once a release is approved).
        "network/views/opendata.py": 1,
    }
    assert len(exports()) == 5
