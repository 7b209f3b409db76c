"""The base of every model form: its fields come from network.forms.fields.

`PortalModelForm` gives each model field the portal's form field (German numbers and
dates, the sane date range, one-line texts, long-text limit, safe ids) without every form
naming them; a form may still declare a field or set `Meta.field_classes`/`widgets`.
"""

from django.db import models
from django.forms.models import ModelForm, ModelFormMetaclass

from . import fields


def _unit(db_field) -> tuple[str, bool]:
    """The unit typed after an amount of this model field, and whether it is money."""
    name = db_field.name
    label = str(db_field.verbose_name)
    if name.endswith("_eur") or "€" in label or "EUR" in label:
        return "€", True
    if name.endswith("_pct") or "%" in label:
        return "%", False
    if name.endswith("_m2"):
        return "m²", False
    if name.endswith("_kw"):
        return "kWp", False
    return "", False


def portal_formfield(db_field, **kwargs):
    """Meta.formfield_callback of every PortalModelForm."""
    if db_field.choices:
        return db_field.formfield(**kwargs)
    if isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", fields.DateTimeField)
    elif isinstance(db_field, models.DateField):
        kwargs.setdefault("form_class", fields.DateField)
    elif isinstance(db_field, models.DecimalField):
        unit, money = _unit(db_field)
        kwargs.setdefault("form_class", fields.DecimalField)
        kwargs.setdefault("unit", unit)
        kwargs.setdefault("money", money)
    elif isinstance(db_field, models.IntegerField) and not db_field.primary_key:
        kwargs.setdefault("form_class", fields.IntegerField)
        for key, value in fields.bounds_for(db_field).items():
            kwargs.setdefault(key, value)
    elif isinstance(db_field, models.TextField):
        kwargs.setdefault("form_class", fields.TextField)
    elif isinstance(
        db_field, (models.EmailField, models.URLField, models.SlugField)
    ):  # their own validators already refuse spaces and line breaks
        pass
    elif isinstance(db_field, models.CharField):
        kwargs.setdefault("form_class", fields.CharField)
    elif isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", fields.ModelMultipleChoiceField)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", fields.ModelChoiceField)
    return db_field.formfield(**kwargs)


class PortalModelFormMetaclass(ModelFormMetaclass):
    """Gives every Meta the portal's formfield_callback unless it names its own."""

    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = portal_formfield
        return super().__new__(mcs, name, bases, attrs)


class PortalModelForm(ModelForm, metaclass=PortalModelFormMetaclass):
    pass
