"""Build one report: context → HTML → PDF, and the HTML version from the same context.
Slow; called outside any transaction."""

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from network.models import Report

from .context import context_for_report, render_report_html
from .pdf import html_to_pdf


@dataclass(frozen=True)
class Built:
    pdf: bytes
    html: str  # the accessible HTML version
    figures: dict  # the snapshot the next report compares with


def render_report(report: Report, on_progress=None) -> Built:
    # A report is a German document for a council, whoever asks for it in whatever
    # language (an in-process build runs in the requester's request).
    with translation.override(settings.LANGUAGE_CODE):
        return _render(report, on_progress)


def _render(report: Report, on_progress) -> Built:
    context = context_for_report(report, on_progress=on_progress)
    html = render_report_html(context)
    if on_progress:
        on_progress(85)
    back = reverse("network:report_detail", args=[report.network.slug, report.pk])
    web = render_report_html(context, web=True, back_url=back)
    return Built(html_to_pdf(html), web, context.figures_snapshot())
