"""Reports: request, watch the job, download the PDF, retry a failed job, HTML preview."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from network.documents import file_response
from network.forms.reports import ReportRequestForm
from network.markdown import render_markdown
from network.models import Report
from network.reports.context import context_for_report, render_report_html
from network.reports.summary import filename_of
from network.services.reports import builds_in_process
from network.services.reports import report_request as request_report
from network.services.reports import report_retry as retry_report
from network.views.common import network_view, page_context


def _reports(access):
    return Report.objects.filter(network=access.network).select_related(
        "membership__municipality", "requested_by"
    )


def _report(access, pk) -> Report:
    return access.get(_reports(access), pk=pk)


def _list(request, access, form, status=200):
    page = Paginator(_reports(access).order_by("-requested_at", "-pk"), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "network/reports/list.html",
        page_context(access, page_obj=page, form=form),
        status=status,
    )


@network_view
@require_GET
def report_list(request, access):
    form = ReportRequestForm(access=access) if access.may_request_some_report() else None
    return _list(request, access, form)


@network_view
@require_POST
def report_request(request, access):
    access.require(access.may_request_some_report())
    form = ReportRequestForm(request.POST, access=access)
    if not form.is_valid():
        return _list(request, access, form, status=400)
    membership = form.cleaned_data["membership"]
    access.require(access.can_request_report(membership))
    report, created = request_report(
        network=access.network,
        kind=form.cleaned_data["kind"],
        membership=membership,
        period=form.period(),
        requested_by=request.user,
        intro=form.cleaned_data["intro"],
    )
    report.refresh_from_db(fields=["status", "sent_at"])
    if not created:
        messages.info(
            request,
            _(
                "Dieser Bericht ist schon angefordert und wird erstellt. Hier sehen Sie "
                "seinen Stand; ein zweiter wurde nicht angelegt."
            ),
        )
    elif report.status == Report.Status.PENDING and report.sent_at is None:
        messages.warning(request, _broker_down_notice())
    else:
        messages.success(request, _("Der Bericht wurde angefordert."))
    return redirect("network:report_detail", network_slug=access.network.slug, pk=report.pk)


def _broker_down_notice() -> str:
    return _(
        "Der Bericht ist vorgemerkt, aber der Hintergrunddienst ist gerade nicht "
        "erreichbar. Er wird automatisch erstellt, sobald der Dienst wieder läuft; Sie "
        "müssen nichts weiter tun."
    )


def _status_context(access, report) -> dict:
    """What the status partial needs, and what the person may expect to wait."""
    if builds_in_process():
        # In-process builds have no worker that would take a dead build over.
        report.give_up_if_lost(nobody_takes_over=True)
    minutes = -(-(settings.REPORT_LEASE_SECONDS + settings.REPORT_SWEEP_SECONDS) // 60)
    return {
        "network": access.network,
        "report": report,
        "can_retry": access.can_request_report(report.membership),
        "takeover_minutes": minutes,
        "broker_down": report.status == Report.Status.PENDING and report.sent_at is None,
        "filename": filename_of(report),
    }


@network_view
@require_GET
def report_detail(request, access, pk):
    report = _report(access, pk)
    return render(
        request,
        "network/reports/detail.html",
        {
            "access": access,
            **_status_context(access, report),
            "intro_html": mark_safe(render_markdown(report.intro, first_heading=3)),  # noqa: S308 - nh3
            "intro_label": _("Text für die erste Seite"),
        },
    )


@network_view
@require_GET
def report_status(request, access, pk):
    report = _report(access, pk)
    return render(request, "network/reports/_status.html", _status_context(access, report))


@network_view
@require_GET
def report_download(request, access, pk):
    report = _report(access, pk)
    if report.status != Report.Status.DONE or not report.file:
        raise Http404
    return file_response(report.file, filename=filename_of(report), content_type="application/pdf")


@network_view
@require_GET
def report_html(request, access, pk):
    """The accessible HTML version of a done report: stored with its PDF, same numbers."""
    report = _report(access, pk)
    if report.status != Report.Status.DONE or not report.html_file:
        raise Http404
    with report.html_file.open("rb") as stored:
        html = stored.read().decode()
    response = HttpResponse(html)
    response["Cache-Control"] = "private, no-store"
    return response


@network_view
@require_POST
def report_retry(request, access, pk):
    report = _report(access, pk)
    access.require(access.can_request_report(report.membership))
    if retry_report(report=report):
        messages.success(request, _("Der Bericht wird erneut erstellt."))
    elif report.status == Report.Status.FAILED:
        messages.error(
            request,
            _(
                "Derselbe Bericht wurde inzwischen neu angefordert und wird schon erstellt; "
                "dieser bleibt fehlgeschlagen."
            ),
        )
    else:
        messages.error(request, _("Nur fehlgeschlagene Berichte können erneut erstellt werden."))
    return redirect("network:report_detail", network_slug=access.network.slug, pk=report.pk)


@network_view
@require_GET
def report_preview(request, access, pk):
    """The report as HTML, from the same context object the PDF is made of."""
    report = _report(access, pk)
    back = reverse("network:report_detail", args=[access.network.slug, report.pk])
    # In German like the report it previews (network.reports.build).
    with translation.override(settings.LANGUAGE_CODE):
        html = render_report_html(context_for_report(report), preview=True, back_url=back)
    return HttpResponse(html)
