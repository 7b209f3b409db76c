"""The form fields every form of the portal uses (network.forms.base picks them for model
fields; declared fields name them directly, and tests/network/test_form_fields.py fails
for a form that uses a plain Django field where one of these belongs).

- Numbers and dates are text inputs read the German way on the server (network.numbers),
  whatever the browser's locale: „60,5“ is sixty and a half in an English Chromium too.
- Dates lie in a sane range (1990–2100): year 1 or 9999 is a typing error, and far dates
  break calendars and time zones downstream.
- One-line texts refuse line breaks; long texts have a limit well below the request
  limit, so an overlong text gets a field error and comes back in the form.
- Ids from choice fields that no database could hold are an invalid choice, not a 500.
"""

from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from network import numbers

FIRST_DATE = date(1990, 1, 1)
LAST_DATE = date(2100, 12, 31)
# Characters of a long text; the request limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 5 MB) holds
# several of them even at 9 bytes a character (a %-encoded three-byte character).
TEXT_MAX_LENGTH = 100_000
# Ids the database can hold (bigint); larger ones cannot name a row.
_MAX_ID = 2**63 - 1


def _date_range_error():
    return ValidationError(
        _("Bitte ein Datum zwischen %(first)s und %(last)s angeben."),
        code="date_range",
        params={"first": FIRST_DATE.strftime("%d.%m.%Y"), "last": LAST_DATE.strftime("%d.%m.%Y")},
    )


class DateInput(forms.TextInput):
    """A date as text, tt.mm.jjjj, so no browser shows it in its own order."""

    def __init__(self, attrs=None):
        super().__init__(
            {
                "inputmode": "numeric",
                "autocomplete": "off",
                "placeholder": "tt.mm.jjjj",
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        if isinstance(value, date):
            return value.strftime("%d.%m.%Y")
        return super().format_value(value)


class DateTimeInput(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__(
            {"autocomplete": "off", "placeholder": "tt.mm.jjjj hh:mm", **(attrs or {})}
        )

    def format_value(self, value):
        if isinstance(value, datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%d.%m.%Y %H:%M")
        return super().format_value(value)


class DateField(forms.DateField):
    """A German date (24.11.2026) between 1990 and 2100."""

    widget = DateInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Format: TT.MM.JJJJ, z. B. 24.11.2026"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            parsed = numbers.parse_date(str(value) if value is not None else "")
        except numbers.NumberError as error:
            raise ValidationError(str(error), code="invalid") from None
        return parsed

    def validate(self, value):
        super().validate(value)
        if value is not None and not FIRST_DATE <= value <= LAST_DATE:
            raise _date_range_error()


class DateTimeField(forms.DateTimeField):
    """A German date and time (24.11.2026 14:30) between 1990 and 2100, in the portal's
    time zone."""

    widget = DateTimeInput

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Format: TT.MM.JJJJ HH:MM, z. B. 24.11.2026 14:30"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            moment = value
        else:
            try:
                moment = numbers.parse_datetime(str(value))
            except numbers.NumberError as error:
                raise ValidationError(str(error), code="invalid") from None
        # Checked before the time zone is applied: year 1 in Berlin has no UTC time.
        if not FIRST_DATE <= moment.date() <= LAST_DATE:
            raise _date_range_error()
        return super().to_python(moment)


def _invalid(field, error) -> ValidationError:
    """The field's own message for an unreadable entry where the form gave one (it knows
    the unit: „Dauer als ganze Zahl von Minuten“), else what the parser found."""
    if field.own_invalid_message:
        return ValidationError(field.error_messages["invalid"], code="invalid")
    return ValidationError(str(error), code="invalid")


class NumberInput(forms.TextInput):
    """A number as text with the decimal keyboard on phones; shown the German way."""

    input_type = "text"

    def __init__(self, attrs=None, *, decimal_places=None, grouping=True):
        self.decimal_places = decimal_places
        self.grouping = grouping
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            if not self.grouping:
                return str(value)
            return numbers.format_number(value, decimal_places=self.decimal_places)
        return super().format_value(value)


class DecimalField(forms.DecimalField):
    """An amount, area, share or factor, typed the German way („1.250,5“, „420.000,00 €“,
    „12 %“). `unit` may follow the number and is ignored; it is also named in the help."""

    widget = NumberInput

    def __init__(self, *, unit="", money=False, **kwargs):
        self.unit = unit
        self.own_invalid_message = "invalid" in (kwargs.get("error_messages") or {})
        super().__init__(**kwargs)
        self.widget.decimal_places = 2 if money else None
        # Django's own messages speak of "digits" in the English sense; these say what
        # was read.
        self.error_messages["max_decimal_places"] = ngettext_lazy(
            "Bitte höchstens %(max)s Stelle nach dem Komma angeben.",
            "Bitte höchstens %(max)s Stellen nach dem Komma angeben.",
            "max",
        )
        self.error_messages["max_whole_digits"] = ngettext_lazy(
            "Die Zahl ist zu groß: höchstens %(max)s Stelle vor dem Komma.",
            "Die Zahl ist zu groß: höchstens %(max)s Stellen vor dem Komma.",
            "max",
        )

    def widget_attrs(self, widget):
        # Not Django's step/min/max: those belong to <input type=number>, which the
        # browser would read in its own locale.
        return {}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            return Decimal(value)
        try:
            number = numbers.parse_number(str(value), units=(self.unit,) if self.unit else ())
        except numbers.NumberError as error:
            raise _invalid(self, error) from None
        return number


class IntegerField(forms.IntegerField):
    """A whole number, thousands grouped or not („111.000“), within what the database can
    hold (the model field's range also on SQLite, which would otherwise fail on save)."""

    widget = NumberInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_value", 2**31 - 1)
        kwargs.setdefault("min_value", -(2**31))
        self.own_invalid_message = "invalid" in (kwargs.get("error_messages") or {})
        super().__init__(**kwargs)
        self.widget.attrs["inputmode"] = "numeric"

    def widget_attrs(self, widget):
        return {}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        try:
            number = numbers.parse_number(str(value))
        except numbers.NumberError as error:
            raise _invalid(self, error) from None
        if number is None:
            return None
        if number != number.to_integral_value():
            raise _invalid(self, _("Bitte eine ganze Zahl eingeben (ohne Komma)."))
        return int(number)


class YearField(IntegerField):
    """A year: four digits, shown without a thousands point (2026, not 2.026)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", FIRST_DATE.year)
        kwargs.setdefault("max_value", LAST_DATE.year)
        super().__init__(**kwargs)
        self.widget.grouping = False


class VersionField(forms.IntegerField):
    """The hidden version an edit form was loaded with. Anything that is no version (a
    tampered or overlong number) reads as 0, which no saved row has: the normal conflict
    message follows instead of an error on an invisible field."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        text = str(value or "").strip()
        if text.isascii() and text.isdigit() and int(text) <= 2**31 - 1:
            return int(text)
        return 0 if text else None


def _no_line_break(value):
    if value and ("\n" in value or "\r" in value):
        raise ValidationError(
            _("Bitte in einer Zeile eingeben, ohne Zeilenumbruch."), code="line_break"
        )


class CharField(forms.CharField):
    """A one-line text (title, name): line breaks are refused — they would end up in mail
    headers and CSV cells — and surrounding spaces dropped."""

    default_validators = [_no_line_break]


class TextField(forms.CharField):
    """A long text in a textarea, with a limit well below the request limit; the limit is
    checked on the server, not cut off by the browser, so an overlong paste comes back in
    full with the message."""

    widget = forms.Textarea

    def __init__(self, *, max_length=None, **kwargs):
        super().__init__(max_length=max_length or TEXT_MAX_LENGTH, **kwargs)
        # Checked in validate(), with a message that says how long the text is.
        self.validators = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs

    def validate(self, value):
        super().validate(value)
        if value and len(value) > self.max_length:
            raise ValidationError(
                _(
                    "Der Text ist %(length)s Zeichen lang; erlaubt sind höchstens %(max)s. "
                    "Bitte kürzen Sie ihn oder legen Sie ihn als Dokument ab."
                ),
                code="max_length",
                params={
                    "length": numbers.format_number(len(value)),
                    "max": numbers.format_number(self.max_length),
                },
            )


def _valid_id(value) -> bool:
    text = str(value).strip()
    return text.isascii() and text.isdigit() and int(text) <= _MAX_ID


class ModelChoiceField(forms.ModelChoiceField):
    """A choice of one row; an id no database could hold is an invalid choice."""

    def to_python(self, value):
        if value not in self.empty_values and self.to_field_name is None and not _valid_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several rows; ids no database could hold are invalid choices."""

    def _check_values(self, value):
        if self.to_field_name is None:
            for pk in value if isinstance(value, (list, tuple, set, frozenset)) else [value]:
                if not _valid_id(pk):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": str(pk)[:20]},
                    )
        return super()._check_values(value)


def bounds_for(model_field) -> dict:
    """min_value/max_value of the database column behind an integer model field (the
    PostgreSQL ranges, also on SQLite), plus the bounds of its own validators."""
    from django.db import models

    ranges = [
        (models.PositiveSmallIntegerField, 0, 32767),
        (models.PositiveBigIntegerField, 0, 2**63 - 1),
        (models.PositiveIntegerField, 0, 2**31 - 1),
        (models.SmallIntegerField, -32768, 32767),
        (models.BigIntegerField, -(2**63), 2**63 - 1),
        (models.IntegerField, -(2**31), 2**31 - 1),
    ]
    low, high = next((lo, hi) for cls, lo, hi in ranges if isinstance(model_field, cls))
    for validator in model_field.validators:
        if isinstance(validator, MinValueValidator) and not callable(validator.limit_value):
            low = max(low, validator.limit_value)
        if isinstance(validator, MaxValueValidator) and not callable(validator.limit_value):
            high = min(high, validator.limit_value)
    return {"min_value": low, "max_value": high}
