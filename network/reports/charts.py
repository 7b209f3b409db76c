"""Small SVG charts rendered on the server (no JavaScript, no inline style attributes).

Numbers are always shown as text beside a chart, so the bars are decorative for screen
readers on the dashboard; the report charts carry a title and a description.
"""

import math

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


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


def bar_chart(
    title: str, items, unit: str = "", highlight: str | None = None, width: int = 460, chart_id=""
):
    """Horizontal bar chart: items are (label, value); labels and values as text, a scale
    from 0 to the top below the bars. `title` is the chart's alternative text (the SVG's
    <title>: screen readers read it, and the tagged PDF keeps it as the figure's /Alt)."""
    from network.reports.figures import format_figure

    items = list(items)
    label_width, value_width, row = 170, 70, 20
    plot = width - label_width - value_width
    maximum = scale_for(unit, max((v for _, v in items if v is not None), default=0))
    bars_height = row * len(items) + 4
    height = bars_height + 22
    chart_id = chart_id or f"chart-{abs(hash((title, tuple(items)))) % 10**8}"
    parts = [
        format_html(
            '<svg class="chart" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
            'aria-labelledby="{id}-t"><title id="{id}-t">{t}</title>',
            w=width,
            h=height,
            id=chart_id,
            t=title,
        )
    ]
    for index, (label, value) in enumerate(items):
        y = index * row + 2
        emphasis = highlight is not None and label == highlight
        css = "chart-bar chart-bar-highlight" if emphasis else "chart-bar"
        fill = "#12372a" if emphasis else "#2e7d5b"
        shown = format_figure(value, unit)
        parts.append(
            format_html(
                '<text class="chart-label" x="0" y="{ty}" font-size="11" fill="#111">{label}</text>'
                '<rect class="{css}" x="{x}" y="{y}" width="{bw}" height="{bh}" fill="{fill}">'
                "</rect>"
                '<text class="chart-value" x="{vx}" y="{ty}" font-size="11" fill="#111">'
                "{shown}</text>",
                ty=y + 13,
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
    # The scale: a line under the bars, 0 at its start and the top at its end.
    top = format_figure(maximum or 0, unit)
    parts.append(
        format_html(
            '<line x1="{x1}" x2="{x2}" y1="{y}" y2="{y}" stroke="{c}" stroke-width="1"></line>'
            '<text x="{x1}" y="{ty}" font-size="11" fill="#111">0</text>'
            '<text x="{x2}" y="{ty}" font-size="11" fill="#111" text-anchor="end">{top}</text>',
            x1=label_width,
            x2=label_width + plot,
            y=bars_height + 2,
            ty=bars_height + 16,
            c=TREND_AXIS,
            top=top,
        )
    )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - constant markup
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part escaped above


# Lines of the trend charts: both far above the 3:1 of WCAG 1.4.11 against white
# (tests/network/test_timeseries.py measures them), told apart by more than colour: the
# member's line is solid with round markers, the network median dashed with square ones.
TREND_OWN = "#0b6e4f"  # 6.2:1
TREND_MEDIAN = "#595959"  # 7.0:1
TREND_AXIS = "#6b6b6b"  # 5.3:1


def nice_maximum(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^n at or above `value` (a round top for an axis)."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover - the loop ends at 10


def trend_chart(*, title, unit, quarters, lines, chart_id, width=320, height=176):
    """A line chart of one key figure over quarter ends (`quarters`, dates).

    `lines` are dicts with `name`, `values` (one per quarter, None for a gap) and `own`
    (the member's line: solid; otherwise the network median: dashed). The SVG is an image
    with a title and a description that names the first and the last quarter and the last
    value of each line; the numbers themselves are in the table beside it (_trends.html).
    """
    from network.reports.figures import format_figure
    from network.timeseries import quarter_label

    values = [v for line in lines for v in line["values"] if v is not None]
    top_value = nice_maximum(scale_for(unit, max(values, default=0)) or 0)
    # Room on the left for the longest tick label („500.000 €“: about 6 px a character at
    # font size 10), at least the 52 px the short ones need.
    left = max(52, 6 * len(format_figure(top_value, unit)) + 8)
    right, top, bottom = 10, 18, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(quarters)

    def x(index):
        return left + (plot_w / 2 if count == 1 else plot_w * index / (count - 1))

    def y(value):
        return top + plot_h - plot_h * float(value) / top_value

    description = _trend_description(quarters, lines, unit, format_figure, quarter_label)
    parts = [
        format_html(
            '<svg class="chart trend-chart img-fluid" width="{w}" height="{h}" '
            'viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-t" aria-describedby="{id}-d">'
            '<title id="{id}-t">{t}</title><desc id="{id}-d">{d}</desc>',
            w=width,
            h=height,
            id=chart_id,
            t=title,
            d=description,
        ),
        # The axis caption: what the numbers are counted in.
        format_html(
            '<text x="0" y="10" font-size="10" fill="#111">{u}</text>',
            u=_("in %(unit)s") % {"unit": unit} if unit else _("Anzahl"),
        ),
    ]
    for fraction in (0, 0.5, 1):
        tick = top_value * fraction
        parts.append(
            format_html(
                '<line x1="{x1}" x2="{x2}" y1="{y}" y2="{y}" stroke="{c}" stroke-width="{sw}">'
                "</line>"
                '<text x="{tx}" y="{ty}" font-size="10" fill="#111" text-anchor="end">{v}</text>',
                x1=left,
                x2=left + plot_w,
                y=f"{y(tick):.1f}",
                c=TREND_AXIS if fraction == 0 else "#d0d0d0",
                sw=1,
                tx=left - 4,
                ty=f"{y(tick) + 3.5:.1f}",
                v=format_figure(tick, unit),
            )
        )
    # At most four quarter labels fit: the first, the last and evenly between.
    shown = sorted({0, count - 1, *range(0, count, max(1, math.ceil(count / 4)))})
    if count > 1 and len(shown) > 4:
        shown = [i for i in shown if i in (0, count - 1) or count - 1 - i >= count / 4]
    for index in shown:
        anchor = "start" if index == 0 and count > 1 else "end" if index == count - 1 else "middle"
        if count == 1:
            anchor = "middle"
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" font-size="10" fill="#111" text-anchor="{a}">{t}</text>',
                x=f"{x(index):.1f}",
                y=height - 10,
                a=anchor,
                t=quarter_label(quarters[index]),
            )
        )
    for line in lines:
        colour = TREND_OWN if line["own"] else TREND_MEDIAN
        dash = "" if line["own"] else ' stroke-dasharray="6 4"'
        for segment in _segments(line["values"]):
            points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in segment)
            if len(segment) > 1:
                parts.append(
                    format_html(
                        '<polyline points="{p}" fill="none" stroke="{c}" stroke-width="{w}"'
                        "{d}></polyline>",
                        p=points,
                        c=colour,
                        w=2.5 if line["own"] else 2,
                        d=mark_safe(dash),  # noqa: S308 - constant markup
                    )
                )
            for i, v in segment:
                if line["own"]:
                    marker = format_html(
                        '<circle cx="{x}" cy="{y}" r="3" fill="{c}"></circle>',
                        x=f"{x(i):.1f}",
                        y=f"{y(v):.1f}",
                        c=colour,
                    )
                else:
                    marker = format_html(
                        '<rect x="{x}" y="{y}" width="5" height="5" fill="{c}"></rect>',
                        x=f"{x(i) - 2.5:.1f}",
                        y=f"{y(v) - 2.5:.1f}",
                        c=colour,
                    )
                parts.append(marker)
    parts.append(mark_safe("</svg>"))  # noqa: S308 - constant markup
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part escaped above


def _segments(values):
    """Runs of consecutive values that are not None, with their index."""
    run = []
    for index, value in enumerate(values):
        if value is None:
            if run:
                yield run
            run = []
        else:
            run.append((index, value))
    if run:
        yield run


def _trend_description(quarters, lines, unit, format_figure, quarter_label) -> str:
    if not quarters:
        return ""
    if len(quarters) == 1:
        text = _("Stand %(quarter)s.") % {"quarter": quarter_label(quarters[0])}
    else:
        text = _("Verlauf von %(first)s bis %(last)s.") % {
            "first": quarter_label(quarters[0]),
            "last": quarter_label(quarters[-1]),
        }
    latest = []
    for line in lines:
        known = [v for v in line["values"] if v is not None]
        shown = format_figure(known[-1], unit) if known else "–"
        latest.append(_("%(name)s zuletzt %(value)s") % {"name": line["name"], "value": shown})
    return f"{text} {'; '.join(latest)}."


__all__ = [
    "bar_chart",
    "bar_width",
    "escape",
    "mini_bar",
    "nice_maximum",
    "scale_for",
    "trend_chart",
]
