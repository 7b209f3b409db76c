"""Filters of the dashboards and reports: key figures with their unit, small SVG bars."""

from django import template

from network.reports.charts import mini_bar, scale_for
from network.templatetags.portal import num

register = template.Library()


@register.filter
def figure(value, unit=""):
    """12 → "12"; 42.25 with "%" → "42,3 %"; None → "–" (whole numbers without decimals)."""
    if value is None or value == "":
        return "–"
    places = 0 if float(value).is_integer() else 1
    text = num(value, places)
    return f"{text}\u00a0{unit}" if unit else text


@register.simple_tag
def figure_bar(value, column, maxima):
    """A mini bar for `value` in `column`, scaled to 100 % or the column's largest value."""
    return mini_bar(value, scale_for(column.unit, maxima.get(column.key)))


@register.filter
def cells(row, columns):
    """(column, value) pairs of a dashboard row, in column order."""
    return row.cells(columns)
