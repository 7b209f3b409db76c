"""A whole agenda typed or pasted at once, one item per line.

Moderators write the agenda of a meeting in the invitation letter first; typing it again
item by item costs four interactions per item. Here each line is an item:

    Begrüßung; 15; Miriam Albers
    TOP 2: Lebenszykluskosten in der Wertung	30 Min.	Jana Wiesmann
    Verschiedenes

Title, duration and speaker are separated by a semicolon or a tab (what a table copied
from Word or Excel gives); duration and speaker may be left out. Numbering („1.“, „TOP 2:“)
and clock times at the start of a line („10:00–10:15“) are dropped: the portal numbers the
items and computes the clock times itself.
"""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from network.forms import fields

MAX_LINES = 40
MAX_MINUTES = 24 * 60
TITLE_LENGTH = 200
PRESENTER_LENGTH = 200
DEFAULT_MINUTES = 15

# „TOP 2:“, „2.“, „2)“ – a bare number stays: „3 Fragen an die Kämmerei“ is a title.
_NUMBERING = re.compile(r"^\s*(?:TOP\s*\d{1,2}\s*[.:)-]?|\d{1,2}[.)])\s*", re.I)
_CLOCK = re.compile(r"^\s*\d{1,2}[:.]\d{2}(?:\s*(?:[-–—]|bis)\s*\d{1,2}[:.]\d{2})?\s*(?:Uhr)?\s*")
_MINUTES = re.compile(r"^(\d{1,4})\s*(?:min\.?|minuten|')?$", re.I)
_HOURS = re.compile(r"^(\d{1,2}(?:[,.]\d{1,2})?)\s*(?:h|std\.?|stunden?)$", re.I)
_HOURS_MINUTES = re.compile(r"^(\d{1,2}):(\d{2})\s*(?:h|std\.?)?$", re.I)


@dataclass(frozen=True)
class AgendaLine:
    title: str
    duration_minutes: int
    presenter: str


def _minutes(text: str) -> int | None:
    """„30“, „30 Min.“, „1,5 h“, „1:30“ → minutes; None when it is none of these."""
    text = text.strip()
    if match := _MINUTES.match(text):
        return int(match.group(1))
    if match := _HOURS.match(text):
        try:
            return int(Decimal(match.group(1).replace(",", ".")) * 60)
        except InvalidOperation:  # pragma: no cover - the pattern admits only digits
            return None
    if match := _HOURS_MINUTES.match(text):
        return int(match.group(1)) * 60 + int(match.group(2))
    return None


def _title(text: str) -> str:
    text = _CLOCK.sub("", text, count=1)
    text = _NUMBERING.sub("", text, count=1)
    return " ".join(text.split())


def parse_agenda_lines(text: str) -> list[AgendaLine]:
    """The items of `text`; a ValidationError names every line that cannot be read."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if len(lines) > MAX_LINES:
        raise ValidationError(
            gettext("Bitte höchstens %(max)d Tagesordnungspunkte auf einmal eingeben.")
            % {"max": MAX_LINES}
        )
    items, errors = [], []
    for number, line in enumerate(lines, start=1):
        parts = [part.strip() for part in re.split(r"\t|;", line)]
        title = _title(parts[0])
        duration = DEFAULT_MINUTES
        presenter = ""
        rest = [part for part in parts[1:] if part]
        if rest and (_minutes(rest[0]) is not None or re.match(r"^\d", rest[0])):
            duration = _minutes(rest[0])
            if duration is None:
                errors.append(
                    gettext(
                        "Zeile %(line)d: „%(text)s“ ist keine Dauer. Bitte Minuten angeben, "
                        "z. B. 30 oder 30 Min. oder 1,5 h."
                    )
                    % {"line": number, "text": rest[0][:40]}
                )
                continue
            rest = rest[1:]
        if rest:
            presenter = " ".join(" ".join(rest).split())
        if not title:
            errors.append(gettext("Zeile %(line)d: Der Titel fehlt.") % {"line": number})
        elif len(title) > TITLE_LENGTH:
            errors.append(
                gettext("Zeile %(line)d: Der Titel ist länger als %(max)d Zeichen.")
                % {"line": number, "max": TITLE_LENGTH}
            )
        elif not 1 <= duration <= MAX_MINUTES:
            errors.append(
                gettext("Zeile %(line)d: Die Dauer muss zwischen 1 und %(max)d Minuten liegen.")
                % {"line": number, "max": MAX_MINUTES}
            )
        elif len(presenter) > PRESENTER_LENGTH:
            errors.append(
                gettext("Zeile %(line)d: Der Name der vortragenden Person ist zu lang.")
                % {"line": number}
            )
        else:
            items.append(AgendaLine(title, duration, presenter))
    if errors:
        raise ValidationError(errors)
    return items


class AgendaLinesForm(forms.Form):
    lines = fields.TextField(
        label=_("Mehrere Tagesordnungspunkte auf einmal"),
        help_text=_(
            "Eine Zeile je Punkt: Titel; Dauer in Minuten; vortragende Person – Dauer und "
            "Person dürfen fehlen (dann 15 Minuten). Aus Word oder Excel kopierte Tabellen "
            "gehen auch. Nummern und Uhrzeiten am Zeilenanfang werden übergangen."
        ),
        max_length=MAX_LINES * (TITLE_LENGTH + PRESENTER_LENGTH + 20),
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Bitte geben Sie mindestens einen Tagesordnungspunkt ein.")},
    )

    def clean_lines(self) -> list[AgendaLine]:
        return parse_agenda_lines(self.cleaned_data["lines"])
