"""A member's adoptions of criteria: the matrix with its bulk actions, the CSV, one
adoption with its request to the departments and its status."""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from network.csv_export import csv_response
from network.views.common import network_view, page_context, posted
from network.views.edit import form_page

from .. import access as scoped
from .. import services
from ..forms import (
    AdoptionForm,
    BulkForm,
    DepartmentsForm,
    StatusForm,
)
from ..models import (
    Adoption,
    Criterion,
    DepartmentApproval,
)


def _matrix_criteria(access, membership):
    """Agreed current criteria of the network plus any criterion the member took up."""
    # EXISTS, not a join with DISTINCT: a join would first pair every criterion with the
    # adoptions of every member (3,000 rows for 60 members) only to fold them again.
    taken_up = Adoption.objects.filter(membership=membership, criterion=OuterRef("pk"))
    return (
        Criterion.objects.filter(network=access.network)
        .filter(Q(is_current=True, status=Criterion.Status.AGREED) | Q(Exists(taken_up)))
        .select_related("product_group")
        .order_by("product_group__position", "product_group__name", "stage", "title")
    )


@network_view
def adoption_matrix(request, access, municipality_slug):
    membership = access.membership(municipality_slug)
    can_edit = access.can_edit_membership(membership)
    criteria = _matrix_criteria(access, membership)
    form = None
    if can_edit:
        form = BulkForm(request.POST or None, membership=membership, criteria=criteria)
    if request.method == "POST":
        access.require(can_edit)
        if form.is_valid():
            data = form.cleaned_data
            if data["action"] == "start" and request.POST.get("confirmed") != "1":
                return _start_confirmation(request, access, membership, data)
            try:
                count = _bulk(data, membership, request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(n)d Übernahmen bearbeitet.") % {"n": count})
                if data["action"] in ("start", "request") and data["departments"]:
                    _tell_about_moderation(request, membership, data["departments"])
                return redirect(
                    "procurement:adoption_matrix", access.network.slug, municipality_slug
                )
    adoptions = {
        a.criterion_id: a
        for a in Adoption.objects.filter(membership=membership)
        .select_related("department")
        .prefetch_related(
            Prefetch("approvals", queryset=DepartmentApproval.objects.select_related("department"))
        )
    }
    groups = defaultdict(list)
    for criterion in criteria:
        groups[criterion.product_group].append((criterion, adoptions.get(criterion.pk)))
    return render(
        request,
        "procurement/adoption_matrix.html",
        page_context(
            access,
            membership=membership,
            groups=dict(groups),
            form=form,
            can_edit=can_edit,
            statuses=Adoption.Status,
        ),
    )


def _start_confirmation(request, access, membership, data):
    """„Übernahme beginnen“ creates adoptions (and with departments asks them at once):
    the page first shows what will happen and sends the same choice again, confirmed."""
    criteria = list(data["criteria"])
    started = set(
        Adoption.objects.filter(membership=membership, criterion__in=criteria).values_list(
            "criterion_id", flat=True
        )
    )
    departments = list(data["departments"])
    return render(
        request,
        "procurement/adoption_start_confirm.html",
        page_context(
            access,
            membership=membership,
            new=[c for c in criteria if c.pk not in started],
            already=[c for c in criteria if c.pk in started],
            criteria=criteria,
            departments=departments,
            moderation=scoped.moderation_decides(
                membership=membership, departments=departments, requester=request.user
            ),
            target_date=data["target_date"],
        ),
    )


def _tell_about_moderation(request, membership, departments):
    """Departments with nobody but the requester on their staff: the moderation decides."""
    moderation = scoped.moderation_decides(
        membership=membership, departments=list(departments), requester=request.user
    )
    if moderation:
        messages.info(
            request,
            ngettext(
                "Im Fachbereich %(departments)s ist außer Ihnen niemand im Portal "
                "eingetragen: Die Moderation entscheidet für ihn und wurde benachrichtigt.",
                "In den Fachbereichen %(departments)s ist außer Ihnen niemand im Portal "
                "eingetragen: Die Moderation entscheidet für sie und wurde benachrichtigt.",
                len(moderation),
            )
            % {"departments": ", ".join(d.name for d in moderation)},
        )


@transaction.atomic
def _bulk(data, membership, user) -> int:
    criteria = list(data["criteria"])
    action = data["action"]
    if action == "start":
        started = services.adoptions_start(
            membership=membership,
            criteria=criteria,
            target_date=data["target_date"],
            departments=data["departments"],
            user=user,
        )
        return len(started)
    adoptions = list(
        Adoption.objects.filter(membership=membership, criterion__in=criteria).select_related(
            "membership__municipality", "membership__network", "criterion"
        )
    )
    if not adoptions:
        raise ValidationError(_("Für diese Kriterien gibt es noch keine Übernahme."))
    for adoption in adoptions:
        if action == "request":
            services.adoption_request_approvals(
                adoption=adoption, departments=data["departments"], user=user
            )
        elif action in ("adopted", "applied"):
            services.adoption_set_status(adoption=adoption, status=action)
        elif action == "target":
            adoption.target_date = data["target_date"]
            adoption.version += 1
            adoption.save(update_fields=["target_date", "version"])
    return len(adoptions)


@network_view
def adoption_csv(request, access, municipality_slug):
    membership = access.membership(municipality_slug)
    adoptions = {
        a.criterion_id: a
        for a in Adoption.objects.filter(membership=membership).select_related("department")
    }
    rows = []
    for criterion in _matrix_criteria(access, membership):
        adoption = adoptions.get(criterion.pk)
        rows.append(
            [
                criterion.product_group.name,
                criterion.title,
                criterion.revision,
                criterion.get_stage_display(),
                criterion.get_level_display(),
                adoption.get_status_display() if adoption else _("nicht begonnen"),
                adoption.target_date.strftime("%d.%m.%Y")
                if adoption and adoption.target_date
                else "",
                adoption.department.name if adoption and adoption.department else "",
            ]
        )
    header = [
        _("Warengruppe"),
        _("Kriterium"),
        _("Fassung"),
        _("Vergabestufe"),
        _("Anspruchsniveau"),
        _("Status"),
        _("Zieldatum"),
        _("Federführender Fachbereich"),
    ]
    return csv_response(f"uebernahmen-{membership.municipality.slug}.csv", header, rows)


@network_view
def adoption_detail(request, access, municipality_slug, pk):
    membership = access.membership(municipality_slug)
    adoption = scoped.adoption(membership, pk)
    can_edit = access.can_edit_membership(membership)
    if request.method == "POST":
        access.require(can_edit)
    approvals = adoption.approvals.select_related("department", "decided_by", "requested_by")
    history = (
        DepartmentApproval.history.filter(adoption_id=adoption.pk)
        .select_related("history_user", "department")
        .order_by("-history_date")[:50]
    )
    here = reverse("procurement:adoption_detail", args=[access.network.slug, municipality_slug, pk])
    return form_page(
        request,
        access,
        AdoptionForm(posted(request), instance=adoption),
        template="procurement/adoption_detail.html",
        title=adoption.criterion.title,
        success_url=here,
        message=_("Übernahme gespeichert."),
        membership=membership,
        adoption=adoption,
        approvals=approvals,
        history=history,
        adoption_history=adoption.history.select_related("history_user").order_by("-history_date")[
            :30
        ],
        can_edit=can_edit,
        departments_form=DepartmentsForm(municipality=membership.municipality)
        if can_edit
        else None,
        status_form=StatusForm() if can_edit else None,
    )


@network_view
@require_POST
def adoption_request(request, access, municipality_slug, pk):
    membership = access.membership(municipality_slug)
    adoption = scoped.adoption(membership, pk)
    access.require(access.can_edit_membership(membership))
    form = DepartmentsForm(request.POST, municipality=membership.municipality)
    if form.is_valid():
        try:
            asked = services.adoption_request_approvals(
                adoption=adoption, departments=form.cleaned_data["departments"], user=request.user
            )
            messages.success(request, _("%(n)d Fachbereiche angefragt.") % {"n": len(asked)})
            _tell_about_moderation(request, membership, [a.department for a in asked])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("procurement:adoption_detail", access.network.slug, municipality_slug, pk)


@network_view
@require_POST
def adoption_status(request, access, municipality_slug, pk):
    membership = access.membership(municipality_slug)
    adoption = scoped.adoption(membership, pk)
    access.require(access.can_edit_membership(membership))
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.adoption_set_status(
                adoption=adoption,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Status geändert."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("procurement:adoption_detail", access.network.slug, municipality_slug, pk)
