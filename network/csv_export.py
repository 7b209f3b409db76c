"""CSV downloads of the portal: one response helper for every export, so every cell —
headers included — is written the same way.

German Excel reads a semicolon-separated file with a BOM as UTF-8. Excel and LibreOffice
run a cell that starts with "=", "+", "-", "@", a tab or a carriage return as a formula
(CSV injection, OWASP "CSV Injection"); names and titles come from users, so such a text
is written with a leading apostrophe and the spreadsheet shows it as text. Numbers the
portal formats itself (`de_number`) are written as they are, so "-5,0" stays a number.
"""

import csv
import re

from django.http import HttpResponse
from django.utils.functional import Promise

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?\d+(,\d+)?")


class Number(str):
    """A number formatted by the portal (German decimal comma), not user text."""


def de_number(value) -> str:
    """A number the German way ("12,5"); "" for None."""
    if value is None:
        return ""
    return Number(str(value).replace(".", ","))


def cell(value):
    """One cell as written: text that a spreadsheet would run as a formula is escaped."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, Number) and _PLAIN_NUMBER.fullmatch(value):
        return str(value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_response(filename: str, header, rows) -> HttpResponse:
    """A CSV download: BOM, semicolons, every cell (header and rows) through `cell`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # BOM: German Excel then reads UTF-8
    writer = csv.writer(response, delimiter=";")
    writer.writerow([cell(value) for value in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return response
