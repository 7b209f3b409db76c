"""Build one report: context → HTML → PDF. Slow; called outside any transaction."""

from network.models import Report

from .context import context_for_report, render_report_html
from .pdf import html_to_pdf


def render_report(report: Report, on_progress=None) -> tuple[bytes, dict]:
    """The PDF of `report` and the figures snapshot to store with it."""
    context = context_for_report(report, on_progress=on_progress)
    html = render_report_html(context)
    if on_progress:
        on_progress(92)
    return html_to_pdf(html), context.figures_snapshot()
