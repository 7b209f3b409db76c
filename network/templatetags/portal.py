"""Formatting in German office conventions, independent of USE_THOUSAND_SEPARATOR.

The thousands separator is not switched on globally because it would also turn ids in
templates into "1.234"; numbers meant for people go through these filters instead.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.urls import reverse
from django.utils.formats import number_format

from network import plugins

register = template.Library()


def _number(value, places):
    try:
        value = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def eur(value, places=2):
    """1234.5 → "1.234,50 €"; None → "–"."""
    if value is None or value == "":
        return "–"
    text = _number(value, int(places))
    return "–" if text is None else f"{text}\u00a0€"


@register.filter
def num(value, places=0):
    """1234.5 → "1.235" (places=0) or "1.234,5" (places=1); None → "–"."""
    if value is None or value == "":
        return "–"
    text = _number(value, int(places))
    return "–" if text is None else text


@register.filter
def pct(value, places=0):
    """42.25 → "42 %"; None → "–"."""
    if value is None or value == "":
        return "–"
    text = _number(value, int(places))
    return "–" if text is None else f"{text}\u00a0%"


@register.simple_tag
def area_links(network):
    """(url, label) of every area of the network, from the `nav_links` of installed apps."""
    # A link that does not resolve is refused at start-up by the check in network.plugins.
    return [
        (reverse(name, args=[network.slug]), label) for name, label in plugins.values("nav_links")
    ]
