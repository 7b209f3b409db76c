"""Economic efficiency: a project's variants with their energy uses, and the network's
settings (discount rate, period, CO₂ price)."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network.views.common import network_view, page_context

from .. import presentation
from ..forms import (
    EnergyUseFormSet,
    SettingsForm,
    VariantForm,
)
from ..models import (
    BuildingSettings,
    EnergyUse,
    Variant,
)
from .common import _project


@network_view
def project_economics(request, access, pk):
    project = _project(access, pk)
    settings_obj = BuildingSettings.for_network(access.network)
    table = presentation.variant_table(
        project.variants.prefetch_related("energy_uses"), settings_obj.assumptions()
    )
    return render(
        request,
        "building/economics.html",
        page_context(
            access,
            project=project,
            table=table,
            sensitivity=table.sensitivity() if table else [],
            settings_obj=settings_obj,
            can_edit=access.can_edit_membership(project.membership),
        ),
    )


def _variant_form(request, access, project, variant):
    access.require(access.can_edit_membership(project.membership))
    variant = variant or Variant(project=project)
    form = VariantForm(request.POST or None, instance=variant)
    formset = EnergyUseFormSet(
        request.POST or None,
        instance=variant,
        queryset=EnergyUse.objects.filter(variant=variant)
        if variant.pk
        else EnergyUse.objects.none(),
        prefix="energy",
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        with transaction.atomic():
            saved = form.save_checked()
            if saved is not None:
                formset.instance = saved
                formset.save()
        if saved is not None:
            messages.success(request, _("Die Variante wurde gespeichert."))
            return redirect("building:project_economics", access.network.slug, project.pk)
    return render(
        request,
        "building/variant_form.html",
        page_context(access, project=project, variant=variant, form=form, formset=formset),
    )


@network_view
def variant_create(request, access, pk):
    return _variant_form(request, access, _project(access, pk), None)


@network_view
def variant_edit(request, access, pk, variant_pk):
    project = _project(access, pk)
    variant = access.get(Variant.objects.filter(project=project), pk=variant_pk)
    return _variant_form(request, access, project, variant)


@network_view
@require_POST
def variant_delete(request, access, pk, variant_pk):
    project = _project(access, pk)
    variant = access.get(Variant.objects.filter(project=project), pk=variant_pk)
    access.require(access.can_edit_membership(project.membership))
    variant.delete()
    messages.success(request, _("Die Variante wurde gelöscht."))
    return redirect("building:project_economics", access.network.slug, project.pk)


@network_view
def settings_edit(request, access):
    settings_obj = BuildingSettings.for_network(access.network)
    if request.method == "POST":
        access.require(access.can_manage_network())
    form = SettingsForm(request.POST or None, instance=settings_obj)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = form.save_checked()
        except IntegrityError:
            # Two first saves in the same instant: the other one created the settings.
            form.add_error(
                None,
                _(
                    "Die Einstellungen wurden gerade von jemand anderem angelegt. Bitte laden "
                    "Sie die Seite neu und prüfen Sie die Werte."
                ),
            )
            saved = None
        if saved is not None:
            messages.success(request, _("Die Einstellungen wurden gespeichert."))
            return redirect("building:settings", access.network.slug)
    return render(
        request,
        "building/settings.html",
        page_context(access, form=form, can_edit=access.can_manage_network()),
    )
