"""The criteria catalogue: overview, criteria, product groups, EU GPP import."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
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
            criteria_count=Criterion.objects.filter(network=access.network)
            .released()
            .agreed()
            .count(),
        ),
    )


@network_view
def criterion_list(request, access):
    """The catalogue. By default the network's agreed criteria in force (for each, the
    released revision: while a new one is drafted, the last agreed wording). Drafts are
    the moderation's working set: only moderators and experts see them, under their own
    tab; for members a draft is simply not there."""
    sees_drafts = scoped.sees_drafts(access)
    network_criteria = Criterion.objects.filter(network=access.network)
    released = network_criteria.released()
    data = request.GET.copy()
    data.setdefault("status", Criterion.Status.AGREED)
    status = data["status"]
    if sees_drafts and status == Criterion.Status.DRAFT:
        queryset = network_criteria.current()
    elif sees_drafts and status == "":
        queryset = network_criteria.filter(Q(is_current=True) | Q(pk__in=released.values("pk")))
    else:
        queryset = released
    queryset = queryset.select_related("product_group")
    filterset = CriterionFilter(
        data, queryset=queryset, network=access.network, sees_drafts=sees_drafts
    )
    results = filterset.qs if filterset.is_valid() else queryset
    page = Paginator(results, 50).get_page(request.GET.get("page"))
    query = data.copy()
    query.pop("page", None)
    tabs = []
    if sees_drafts:
        counts = network_criteria.aggregate(
            agreed=Count("pk", filter=Q(pk__in=released.agreed().values("pk"))),
            retired=Count(
                "pk", filter=Q(pk__in=released.filter(status=Criterion.Status.RETIRED).values("pk"))
            ),
            draft=Count("pk", filter=Q(is_current=True, status=Criterion.Status.DRAFT)),
        )
        tabs = [
            (Criterion.Status.AGREED, _("Abgestimmt"), counts["agreed"]),
            (Criterion.Status.DRAFT, _("Entwürfe"), counts["draft"]),
            (Criterion.Status.RETIRED, _("Zurückgezogen"), counts["retired"]),
            ("", _("Alle"), None),
        ]
    agreed_ids = released.agreed().values("pk")
    return render(
        request,
        "procurement/criterion_list.html",
        page_context(
            access,
            filter=filterset,
            page_obj=page,
            query=query.urlencode(),
            tabs=tabs,
            status=status,
            product_groups=ProductGroup.objects.filter(network=access.network).annotate(
                n=Count("criteria", filter=Q(criteria__in=agreed_ids))
            ),
        ),
    )


@network_view
def criterion_detail(request, access, pk):
    criterion = scoped.visible_criterion(access, pk)
    revisions = scoped.visible_criteria(
        access, Criterion.objects.filter(network=access.network, family=criterion.family)
    ).order_by("-revision")
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
            status_actions=status_actions(criterion),
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


# What each status button of a criterion does, said on the button and beside it.
# (from, to): (button, what happens)
STATUS_ACTIONS = {
    (Criterion.Status.DRAFT, Criterion.Status.AGREED): (
        gettext_lazy("Für alle Mitglieder freigeben (gilt ab sofort als abgestimmt)"),
        gettext_lazy(
            "Das Kriterium erscheint sofort bei jeder Kommune zur Übernahme und zählt in der "
            "Netzwerk-Matrix mit. Die Zustimmung ihrer Fachbereiche holt jede Kommune selbst "
            "ein; Übernahmen früherer Fassungen behalten ihre Fassung."
        ),
    ),
    (Criterion.Status.DRAFT, Criterion.Status.RETIRED): (
        gettext_lazy("Entwurf verwerfen (zurückziehen)"),
        gettext_lazy("Der Entwurf wird nie freigegeben; er bleibt im Verlauf."),
    ),
    (Criterion.Status.AGREED, Criterion.Status.RETIRED): (
        gettext_lazy("Zurückziehen (nicht mehr zur Übernahme anbieten)"),
        gettext_lazy(
            "Neue Übernahmen sind nicht mehr möglich; begonnene Übernahmen und Ausschreibungen "
            "behalten das Kriterium."
        ),
    ),
    (Criterion.Status.AGREED, Criterion.Status.DRAFT): (
        gettext_lazy("Freigabe zurücknehmen (wieder Entwurf)"),
        gettext_lazy(
            "Mitglieder sehen das Kriterium nicht mehr im Katalog, bis es wieder freigegeben ist."
        ),
    ),
    (Criterion.Status.RETIRED, Criterion.Status.AGREED): (
        gettext_lazy("Wieder für alle Mitglieder freigeben"),
        gettext_lazy("Das Kriterium wird wieder bei jeder Kommune zur Übernahme angeboten."),
    ),
    (Criterion.Status.RETIRED, Criterion.Status.DRAFT): (
        gettext_lazy("Zurück in den Entwurf"),
        gettext_lazy("Zur Überarbeitung durch die Moderation; Mitglieder sehen es nicht."),
    ),
}
STATUS_MESSAGES = {
    Criterion.Status.AGREED: gettext_lazy("Das Kriterium ist für alle Mitglieder freigegeben."),
    Criterion.Status.RETIRED: gettext_lazy("Das Kriterium ist zurückgezogen."),
    Criterion.Status.DRAFT: gettext_lazy("Das Kriterium ist wieder ein Entwurf."),
}


def status_actions(criterion) -> list[tuple[str, str, str]]:
    """(status, button, explanation) of the changes offered for this criterion."""
    return [
        (to, str(button), str(explanation))
        for (start, to), (button, explanation) in STATUS_ACTIONS.items()
        if start == criterion.status
    ]


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
        criterion = services.criterion_set_status(
            criterion=criterion, status=status, user=request.user
        )
        messages.success(request, str(STATUS_MESSAGES[criterion.status]))
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
