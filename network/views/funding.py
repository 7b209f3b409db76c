"""The funding register of a network: every member reads it, the moderation keeps it."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network.forms.funding import FundingProgrammeForm
from network.models import FundingProgramme
from network.views.common import network_view, page_context, posted
from network.views.edit import form_page


def _list_url(access):
    return reverse("network:funding_list", args=[access.network.slug])


def _crumbs(access):
    return [(_("Förderprogramme"), _list_url(access))]


@network_view
def funding_list(request, access):
    today = timezone.localdate()
    programmes = FundingProgramme.objects.filter(network=access.network).order_by("name")
    return render(
        request,
        "network/funding/funding_list.html",
        page_context(
            access,
            rows=[(p, p.is_valid_on(today)) for p in programmes],
            can_manage=access.can_manage_network(),
        ),
    )


@network_view
def funding_create(request, access):
    access.require(access.can_manage_network())
    return form_page(
        request,
        access,
        FundingProgrammeForm(posted(request), instance=FundingProgramme(network=access.network)),
        title=_("Förderprogramm anlegen"),
        breadcrumbs=_crumbs(access),
        back_url=_list_url(access),
        success_url=_list_url(access),
        message=_("Das Förderprogramm wurde angelegt."),
    )


@network_view
def funding_edit(request, access, pk):
    programme = access.get(FundingProgramme.objects.filter(network=access.network), pk=pk)
    access.require(access.can_manage_network())
    return form_page(
        request,
        access,
        FundingProgrammeForm(posted(request), instance=programme),
        title=_("Förderprogramm bearbeiten"),
        breadcrumbs=_crumbs(access),
        back_url=_list_url(access),
        success_url=_list_url(access),
        message=_("Das Förderprogramm wurde gespeichert."),
    )
