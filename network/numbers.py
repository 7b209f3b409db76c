"""Numbers and dates as German office staff type and read them, whatever their browser.

The portal's one convention: a comma separates the decimals, a point groups thousands
(„1.234,50 €“), a date reads 24.11.2026. The browser's locale never decides how a comma
is read, so nothing here looks at the request; an English interface uses the same
convention (one convention means no entry is ever read two ways).

Pure functions over text, tested without a database (tests/network/test_numbers.py).
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

# Written after a number and ignored: what people copy along from letters and tables.
UNIT_SUFFIXES = ("€", "eur", "euro", "%", "prozent", "kwp", "kw", "kwh", "m²", "m2", "qm", "t")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")
_PLAIN = re.compile(r"\d+")


class NumberError(ValueError):
    """An entry that is not a German number; the message says what was read and why."""


def parse_number(text: str, *, units=()) -> Decimal | None:
    """The number meant by `text`, None for an empty entry.

    „60,5“ → 60.5; „1.250“ → 1250; „1.250,5“ → 1250.5; „6.200.000“ → 6200000;
    „420.000,00 €“ → 420000.00; „12 %“ → 12; „-3,5“ and „−3,5“ → -3.5. Refused, with a
    message that shows the entry: more than one comma („1,2,3“), a point that cannot group
    thousands („60.5“, „1.25“), points after the comma, letters.
    """
    raw = (text or "").strip()
    if not raw:
        return None
    value = _SPACES.sub("", raw).lower()
    for suffix in sorted({*UNIT_SUFFIXES, *(u.lower() for u in units)}, key=len, reverse=True):
        if suffix and value.endswith(suffix) and len(value) > len(suffix):
            value = value[: -len(suffix)]
            break
    sign = ""
    if value[:1] in {"-", "−", "+"}:
        sign, value = ("-" if value[0] != "+" else ""), value[1:]
    whole, comma, fraction = value.partition(",")
    if "," in fraction:
        raise NumberError(
            _("„%(entry)s“ ist keine Zahl: Sie enthält mehr als ein Komma. Beispiel: 1.250,5")
            % {"entry": raw}
        )
    if comma and not fraction.isdigit():
        raise NumberError(
            _("„%(entry)s“ ist keine Zahl: Nach dem Komma dürfen nur Ziffern stehen.")
            % {"entry": raw}
        )
    if "." in whole:
        if not _THOUSANDS.fullmatch(whole):
            guess = whole.replace(".", ",", 1) if whole.count(".") == 1 else None
            if guess and not comma and _PLAIN.fullmatch(guess.replace(",", "")):
                raise NumberError(
                    _(
                        "„%(entry)s“ ist nicht eindeutig: Der Punkt trennt Tausender "
                        "(1.250 = eintausendzweihundertfünfzig), Dezimalstellen stehen nach "
                        "einem Komma. Meinten Sie %(guess)s?"
                    )
                    % {"entry": raw, "guess": sign + guess}
                )
            raise NumberError(
                _(
                    "„%(entry)s“ ist keine Zahl: Ein Punkt trennt nur Tausender in Dreiergruppen "
                    "(1.250.000), das Komma die Dezimalstellen (1.250,5)."
                )
                % {"entry": raw}
            )
        whole = whole.replace(".", "")
    if not _PLAIN.fullmatch(whole or ("0" if comma else "")):
        raise NumberError(
            _("„%(entry)s“ ist keine Zahl. Beispiele: 60,5 · 1.250 · 420.000,00 €") % {"entry": raw}
        )
    try:
        return Decimal(f"{sign}{whole or '0'}.{fraction}" if comma else f"{sign}{whole}")
    except InvalidOperation:  # pragma: no cover - the patterns above admit only digits
        raise NumberError(_("„%(entry)s“ ist keine Zahl.") % {"entry": raw}) from None


def format_number(value, *, decimal_places: int | None = None) -> str:
    """`value` the German way: „1.250,5“, „6.200.000“, „0,12“. With `decimal_places`
    exactly that many decimals („420.000,00“), else as many as the value has, without
    trailing zeros."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if decimal_places is not None:
        number = number.quantize(Decimal(1).scaleb(-decimal_places))
        text = f"{number:,.{decimal_places}f}"
    else:
        normal = number.normalize()
        places = max(0, -normal.as_tuple().exponent)
        text = f"{normal:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


# --- dates ----------------------------------------------------------------------------------

_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME = re.compile(r"(\d{1,2})(?:[:.](\d{2}))?(?:\s*uhr)?")


def parse_date(text: str) -> date | None:
    """24.11.2026, 1.2.2026, 24.11.26 (20xx), or ISO 2026-11-24; None when empty."""
    raw = (text or "").strip()
    if not raw:
        return None
    if match := _DATE.fullmatch(raw):
        day, month, year = (int(part) for part in match.groups())
        if len(match.group(3)) == 2:
            year += 2000
    elif match := _ISO_DATE.fullmatch(raw):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise NumberError(
            _("„%(entry)s“ ist kein Datum. Bitte als TT.MM.JJJJ eingeben, z. B. 24.11.2026.")
            % {"entry": raw}
        )
    try:
        return date(year, month, day)
    except ValueError:
        raise NumberError(
            _("Den %(entry)s gibt es nicht. Bitte Tag und Monat prüfen.") % {"entry": raw}
        ) from None


def parse_datetime(text: str) -> datetime | None:
    """„24.11.2026 14:30“ (also „24.11.2026, 14:30“, „… 14 Uhr“, ISO „2026-11-24T14:30“),
    naive; None when empty. A date without a time is refused: a meeting needs its hour."""
    raw = (text or "").strip()
    if not raw:
        return None
    day_part, _sep, time_part = re.sub(r"[,T]\s*|\s+", " ", raw, count=1).partition(" ")
    time_part = time_part.strip().lower()
    match = _TIME.fullmatch(time_part) if time_part else None
    if match is None:
        raise NumberError(
            _(
                "„%(entry)s“: Bitte Datum und Uhrzeit als TT.MM.JJJJ HH:MM eingeben, "
                "z. B. 24.11.2026 14:30."
            )
            % {"entry": raw}
        )
    day = parse_date(day_part)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise NumberError(_("„%(entry)s“: Die Uhrzeit gibt es nicht.") % {"entry": raw})
    return datetime(day.year, day.month, day.day, hour, minute)
