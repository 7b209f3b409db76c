"""The departments' inbox of approval requests and their answers."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network.views.common import network_view, page_context

from .. import access as scoped
from .. import services
from ..forms import (
    DecisionForm,
)
from ..models import (
    DepartmentApproval,
)


@network_view
def approval_inbox(request, access):
    pending = (
        scoped.answerable_approvals(
            access,
            DepartmentApproval.objects.filter(
                status=DepartmentApproval.Status.PENDING,
                adoption__membership__network=access.network,
            ),
        )
        .select_related(
            "department",
            "requested_by",
            "adoption__criterion__product_group",
            "adoption__membership__municipality",
        )
        .annotate(staffed=scoped.staffed_q())
        .order_by("requested_at", "pk")
    )
    page = Paginator(pending, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/approval_inbox.html",
        page_context(access, approvals=page, page_obj=page, form=DecisionForm()),
    )


@network_view
def approval_detail(request, access, pk):
    """One request to a department, with the criterion's full text (what is agreed to),
    and the answer form for whoever may decide it. Everyone in the network reads it."""
    approval = access.get(
        scoped.approvals_of(access)
        .select_related(
            "department",
            "requested_by",
            "decided_by",
            "adoption__criterion__product_group",
            "adoption__membership__municipality",
        )
        .annotate(staffed=scoped.staffed_q()),
        pk=pk,
    )
    pending = approval.status == DepartmentApproval.Status.PENDING
    return render(
        request,
        "procurement/approval_detail.html",
        page_context(
            access,
            approval=approval,
            adoption=approval.adoption,
            criterion=approval.adoption.criterion,
            may_decide=pending and scoped.may_decide(access, approval),
            own_request=approval.requested_by_id == request.user.pk,
            form=DecisionForm(),
        ),
    )


@network_view
@require_POST
def approval_decide(request, access, pk):
    approval = scoped.approval(access, pk)
    access.require(scoped.may_decide(access, approval))
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.approval_decide(
                approval=approval,
                agree=form.cleaned_data["decision"] == "agree",
                comment=form.cleaned_data["comment"],
                user=request.user,
            )
            messages.success(request, _("Ihre Antwort wurde gespeichert."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(_safe_next(request, access.network.slug))


def _safe_next(request, network_slug):
    """Back to where the answer was given (inbox or adoption page), never off-site."""
    target = request.POST.get("next", "")
    prefix = reverse("procurement:index", args=[network_slug])
    if target.startswith(prefix) and "//" not in target:
        return target
    return reverse("procurement:approval_inbox", args=[network_slug])
