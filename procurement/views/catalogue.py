"""The criteria catalogue: overview, criteria, product groups, EU GPP import."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network.models import Membership
from network.views.common import network_view, page_context

from .. import access as scoped
from .. import services
from ..forms import (
    CRITERION_EDIT_FIELDS,
    CriterionFilter,
    CriterionForm,
    ImportForm,
    ProductGroupForm,
)
from ..importer import ImportRefused, import_criteria
from ..models import (
    Adoption,
    Criterion,
    DepartmentApproval,
    ProductGroup,
)
from .common import _documents


@network_view
def index(request, access):
    memberships = Membership.objects.filter(network=access.network).select_related("municipality")
    pending = DepartmentApproval.objects.filter(
        status=DepartmentApproval.Status.PENDING,
        adoption__membership__network=access.network,
    )
    return render(
        request,
        "procurement/index.html",
        page_context(
            access,
            memberships=memberships,
            own_ids=access.own_membership_ids,
            pending_count=scoped.answerable_approvals(access, pending).count(),
            criteria_count=Criterion.objects.filter(network=access.network).current().count(),
        ),
    )


@network_view
def criterion_list(request, access):
    queryset = (
        Criterion.objects.filter(network=access.network).current().select_related("product_group")
    )
    filterset = CriterionFilter(request.GET or None, queryset=queryset, network=access.network)
    results = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procurement/criterion_list.html",
        page_context(
            access,
            filter=filterset,
            page_obj=page,
            query=query.urlencode(),
            product_groups=ProductGroup.objects.filter(network=access.network).annotate(
                n=Count("criteria", filter=Q(criteria__is_current=True))
            ),
        ),
    )


@network_view
def criterion_detail(request, access, pk):
    criterion = scoped.criterion(access, pk)
    revisions = Criterion.objects.filter(network=access.network, family=criterion.family).order_by(
        "-revision"
    )
    history = criterion.history.select_related("history_user").order_by("-history_date")[:50]
    adoptions = (
        Adoption.objects.filter(criterion=criterion)
        .select_related("membership__municipality")
        .order_by("membership__municipality__name")
    )
    return render(
        request,
        "procurement/criterion_detail.html",
        page_context(
            access,
            criterion=criterion,
            revisions=revisions,
            history=history,
            adoptions=adoptions,
            can_manage=access.can_manage_network(),
        ),
    )


@network_view
def criterion_edit(request, access, pk=None):
    access.require(access.can_manage_network())
    criterion = scoped.criterion(access, pk) if pk else None
    if criterion and not criterion.is_current:
        messages.error(
            request, _("Nur die aktuelle Fassung eines Kriteriums kann geändert werden.")
        )
        return redirect("procurement:criterion_detail", access.network.slug, criterion.pk)
    form = CriterionForm(request.POST or None, instance=criterion, network=access.network)
    if request.method == "POST" and form.is_valid():
        if criterion and criterion.status != Criterion.Status.DRAFT:
            original = Criterion.objects.get(pk=criterion.pk)
            if form.cleaned_data.get("loaded_version") not in (None, original.version):
                form.add_error(None, _("Jemand anderes hat dieses Kriterium inzwischen geändert."))
            else:
                changes = {f: form.cleaned_data[f] for f in CRITERION_EDIT_FIELDS}
                try:
                    new = services.criterion_revise(criterion=original, changes=changes)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(
                        request,
                        _(
                            "Neue Fassung %(n)d angelegt (Entwurf). Übernahmen behalten ihre "
                            "Fassung."
                        )
                        % {"n": new.revision},
                    )
                    return redirect("procurement:criterion_detail", access.network.slug, new.pk)
        else:
            saved = form.save_checked()
            if saved:
                messages.success(request, _("Kriterium gespeichert."))
                return redirect("procurement:criterion_detail", access.network.slug, saved.pk)
    return render(
        request,
        "procurement/criterion_form.html",
        page_context(access, form=form, criterion=criterion),
    )


@network_view
@require_POST
def criterion_status(request, access, pk):
    access.require(access.can_manage_network())
    criterion = scoped.criterion(access, pk)
    status = request.POST.get("status")
    if status not in Criterion.Status.values:
        messages.error(request, _("Bitte wählen Sie einen gültigen Status."))
    elif not criterion.is_current:
        messages.error(
            request, _("Nur die aktuelle Fassung eines Kriteriums kann geändert werden.")
        )
    else:
        criterion.status = status
        criterion.version += 1
        criterion.save(update_fields=["status", "version"])
        messages.success(
            request, _("Status geändert: %(s)s") % {"s": criterion.get_status_display()}
        )
    return redirect("procurement:criterion_detail", access.network.slug, criterion.pk)


@network_view
def product_group_edit(request, access, pk=None):
    access.require(access.can_manage_network())
    group = scoped.product_group(access, pk) if pk else None
    form = ProductGroupForm(request.POST or None, instance=group, network=access.network)
    if request.method == "POST" and form.is_valid() and form.save_checked():
        messages.success(request, _("Warengruppe gespeichert."))
        return redirect("procurement:criterion_list", access.network.slug)
    return render(
        request, "procurement/product_group_form.html", page_context(access, form=form, group=group)
    )


@network_view
def import_upload(request, access):
    access.require(access.can_manage_network())
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    summary = problems = None
    if request.method == "POST" and form.is_valid():
        try:
            summary = import_criteria(
                access.network, form.cleaned_data["file"].read(), _documents()
            )
        except ImportRefused as refused:
            problems = refused.problems
    return render(
        request,
        "procurement/import.html",
        page_context(access, form=form, summary=summary, problems=problems),
    )
