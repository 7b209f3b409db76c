"""The criteria catalogue: overview, criteria, product groups, EU GPP import."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network.concurrency import EditConflict, changes_since
from network.models import Membership
from network.views.common import network_view, page_context, posted
from network.views.edit import form_page

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
    revises = criterion is not None and criterion.status != Criterion.Status.DRAFT

    def save(form):
        if not revises:
            return form.save_checked()
        # A criterion past its draft is never changed: saving makes the next revision.
        original = Criterion.objects.get(pk=criterion.pk)
        loaded = form.loaded_version_of()
        if loaded != original.version:
            form.refuse(EditConflict(original, changes_since(original, loaded)))
            return None
        changes = {f: form.cleaned_data[f] for f in CRITERION_EDIT_FIELDS}
        return services.criterion_revise(criterion=original, changes=changes)

    def detail(saved):
        return reverse("procurement:criterion_detail", args=[access.network.slug, saved.pk])

    return form_page(
        request,
        access,
        CriterionForm(posted(request), instance=criterion, network=access.network),
        template="procurement/criterion_form.html",
        title=_("Kriterium bearbeiten") if criterion else _("Kriterium anlegen"),
        back_url=detail(criterion)
        if criterion
        else reverse("procurement:criterion_list", args=[access.network.slug]),
        save=save,
        success_url=detail,
        message=lambda saved: (
            _("Neue Fassung %(n)d angelegt (Entwurf). Übernahmen behalten ihre Fassung.")
            % {"n": saved.revision}
            if revises
            else _("Kriterium gespeichert.")
        ),
        criterion=criterion,
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
    catalogue = reverse("procurement:criterion_list", args=[access.network.slug])
    return form_page(
        request,
        access,
        ProductGroupForm(posted(request), instance=group, network=access.network),
        title=_("Warengruppe %(name)s") % {"name": group.name}
        if group
        else _("Warengruppe anlegen"),
        back_url=catalogue,
        success_url=catalogue,
        message=_("Warengruppe gespeichert."),
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
