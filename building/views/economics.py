"""Economic efficiency: a project's variants with their energy uses, and the network's
settings (discount rate, period, CO₂ price)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network.views.common import network_view, page_context, posted
from network.views.edit import form_page

from .. import presentation
from ..forms import (
    CarrierDefaultForm,
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
    defaults = BuildingSettings.for_network(access.network).defaults_by_carrier()
    formset = EnergyUseFormSet(
        posted(request),
        instance=variant,
        queryset=EnergyUse.objects.filter(variant=variant)
        if variant.pk
        else EnergyUse.objects.none(),
        prefix="energy",
        form_kwargs={"defaults": defaults},
    )

    def save(form):
        try:
            with transaction.atomic():
                saved = form.save_checked()
                if saved is not None:
                    formset.instance = saved
                    formset.save()
                return saved
        except IntegrityError:
            # Two people marked another variant as reference or as chosen at the same
            # moment: the form's check passed for both, the database keeps one.
            raise ValidationError(
                _(
                    "Gerade wurde eine andere Variante als Referenz oder als gewählt "
                    "markiert. Bitte laden Sie die Seite neu und prüfen Sie die Auswahl."
                )
            ) from None

    economics = reverse("building:project_economics", args=[access.network.slug, project.pk])
    return form_page(
        request,
        access,
        VariantForm(posted(request), instance=variant),
        also=(formset,),
        template="building/variant_form.html",
        title=_("Variante „%(name)s“ bearbeiten") % {"name": variant.name}
        if variant.pk
        else _("Variante anlegen"),
        back_url=economics,
        submit_label=_("Variante speichern"),
        save=save,
        success_url=economics,
        message=_("Die Variante wurde gespeichert."),
        project=project,
        variant=variant,
        formset=formset,
        carrier_defaults=defaults.values(),
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


def _posted_for(request, prefix):
    """The POST data for the form with `prefix`, or None when the request carries none of
    its fields: a carrier the page did not send is left as it is."""
    data = posted(request)
    if data is None or not any(key.startswith(f"{prefix}-") for key in data):
        return None
    return data


@network_view
def settings_edit(request, access):
    settings_obj = BuildingSettings.for_network(access.network)
    if request.method == "POST":
        access.require(access.can_manage_network())
    carrier_forms = [
        CarrierDefaultForm(_posted_for(request, carrier), instance=default, prefix=carrier)
        for carrier, default in settings_obj.defaults_by_carrier().items()
    ]

    def save(form):
        try:
            with transaction.atomic():
                saved = form.save_checked()
                if saved is not None:
                    # The settings' version check above guards these rows too: they are
                    # edited on this page only. Built-in values are stored on the first
                    # save, with their sources, so the history shows where they came from.
                    for carrier_form in carrier_forms:
                        if carrier_form.is_bound and (
                            not carrier_form.instance.pk or carrier_form.has_changed()
                        ):
                            carrier_form.instance.settings = saved
                            carrier_form.save()
                return saved
        except IntegrityError:
            # Two first saves in the same instant: the other one created the settings.
            raise ValidationError(
                _(
                    "Die Einstellungen wurden gerade von jemand anderem angelegt. Bitte laden "
                    "Sie die Seite neu und prüfen Sie die Werte."
                )
            ) from None

    here = reverse("building:settings", args=[access.network.slug])
    return form_page(
        request,
        access,
        SettingsForm(posted(request), instance=settings_obj),
        also=[f for f in carrier_forms if f.is_bound],
        template="building/settings.html",
        title=_("Annahmen zur Wirtschaftlichkeit"),
        save=save,
        success_url=here,
        message=_("Die Einstellungen wurden gespeichert."),
        can_edit=access.can_manage_network(),
        carrier_forms=carrier_forms,
    )
