"""Small SVG charts rendered on the server (no JavaScript, no inline style attributes).

Numbers are always shown as text beside a chart, so the bars are decorative for screen
readers on the dashboard; the report charts carry a title and a description.
"""

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from network.templatetags.portal import num


def bar_width(value, maximum, width: int) -> int:
    """Length in pixels of a bar for `value` on a scale 0…maximum (never negative)."""
    if value is None or not maximum or maximum <= 0:
        return 0
    return max(0, min(width, round(width * float(value) / float(maximum))))


def scale_for(unit: str, maximum):
    """Percentages run to 100; everything else to the largest value shown."""
    if unit == "%":
        return 100
    return maximum


def mini_bar(value, maximum, width: int = 80, height: int = 10):
    """One small horizontal bar for a table cell."""
    filled = bar_width(value, maximum, width)
    return format_html(
        '<svg class="mini-bar" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        'aria-hidden="true" focusable="false">'
        '<rect class="mini-bar-track" width="{w}" height="{h}"></rect>'
        '<rect class="mini-bar-fill" width="{f}" height="{h}"></rect></svg>',
        w=width,
        h=height,
        f=filled,
    )


def bar_chart(title: str, items, unit: str = "", highlight: str | None = None, width: int = 460):
    """Horizontal bar chart: items are (label, value); labels and values as text."""
    items = list(items)
    label_width, value_width, row = 170, 70, 18
    plot = width - label_width - value_width
    maximum = scale_for(unit, max((v for _, v in items if v is not None), default=0))
    height = row * len(items) + 4
    parts = [
        format_html(
            '<svg class="chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
            'aria-labelledby="{id}-t"><title id="{id}-t">{t}</title>',
            w=width,
            h=height,
            id=f"chart-{abs(hash((title, tuple(items)))) % 10**8}",
            t=title,
        )
    ]
    for index, (label, value) in enumerate(items):
        y = index * row + 2
        emphasis = highlight is not None and label == highlight
        css = "chart-bar chart-bar-highlight" if emphasis else "chart-bar"
        fill = "#12372a" if emphasis else "#2e7d5b"
        shown = "–" if value is None else f"{num(value, 1)}{(' ' + unit) if unit else ''}"
        parts.append(
            format_html(
                '<text class="chart-label" x="0" y="{ty}" font-size="9" fill="#111">{label}</text>'
                '<rect class="{css}" x="{x}" y="{y}" width="{bw}" height="{bh}" fill="{fill}">'
                "</rect>"
                '<text class="chart-value" x="{vx}" y="{ty}" font-size="9" fill="#111">'
                "{shown}</text>",
                ty=y + 12,
                label=label[:28],
                css=css,
                fill=fill,
                x=label_width,
                y=y,
                bw=bar_width(value, maximum, plot),
                bh=row - 5,
                vx=label_width + plot + 6,
                shown=shown,
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - constant markup
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part escaped above


__all__ = ["bar_chart", "bar_width", "escape", "mini_bar", "scale_for"]
