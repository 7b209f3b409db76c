"""Filters of the dashboards and reports: key figures with their unit, small SVG bars."""

from django import template

from network.reports.charts import mini_bar, scale_for
from network.reports.figures import format_figure
from network.templatetags.portal import eur

register = template.Library()


@register.filter
def figure(value, unit=""):
    """12 → "12"; 42.25 with "%" → "42,3 %"; None → "–" (whole numbers without decimals)."""
    return format_figure(value, unit)


@register.filter
def amount(value, unit=""):
    """A total: euros without cents ("1.234.568 €"), everything else as `figure`."""
    return eur(value, 0) if unit == "€" else format_figure(value, unit)


@register.simple_tag
def figure_bar(value, column, maxima):
    """A mini bar for `value` in `column`, scaled to 100 % or the column's largest value."""
    return mini_bar(value, scale_for(column.unit, maxima.get(column.key)))
