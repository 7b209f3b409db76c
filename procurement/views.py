"""Views of the procurement area. Every view starts from get_access (404 for outsiders)
and looks objects up through procurement.access, scoped by the network or membership."""

from collections import defaultdict
from pathlib import Path

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from network.csv_export import csv_response, de_number
from network.models import Membership
from network.views.common import network_view, page_context

from . import access as scoped
from . import services, stats
from .figures import TenderFacts, progress_pct
from .forms import (
    CRITERION_EDIT_FIELDS,
    AdoptionForm,
    BulkForm,
    CriterionFilter,
    CriterionForm,
    DecisionForm,
    DepartmentsForm,
    ImportForm,
    MilestoneForm,
    ProductGroupForm,
    StatusForm,
    TenderForm,
)
from .importer import ImportRefused, import_criteria, load_documents
from .models import (
    Adoption,
    Criterion,
    DepartmentApproval,
    Milestone,
    ProductGroup,
    Roadmap,
    Tender,
)

# A copy of shared/data ships with the app (MIT licence beside it), so a deployment without
# the shared folder still knows the EU GPP documents.
DOCUMENTS_FILE = Path(__file__).resolve().parent / "data" / "eu-gpp-criteria-documents.json"


def _documents():
    """CPV codes of the EU GPP documents."""
    return load_documents(DOCUMENTS_FILE)


# --- overview and catalogue -----------------------------------------------------------------


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
            pending_count=_inbox_queryset(access, pending).count(),
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


# --- adoption by a member ----------------------------------------------------------------


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
            try:
                count = _bulk(form.cleaned_data, membership, request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(n)d Übernahmen bearbeitet.") % {"n": count})
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


@transaction.atomic
def _bulk(data, membership, user) -> int:
    criteria = list(data["criteria"])
    action = data["action"]
    if action == "start":
        return services.adoptions_start(membership=membership, criteria=criteria)
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
    form = AdoptionForm(request.POST or None, instance=adoption)
    if request.method == "POST":
        access.require(can_edit)
        if form.is_valid() and form.save_checked():
            messages.success(request, _("Übernahme gespeichert."))
            return redirect(
                "procurement:adoption_detail", access.network.slug, municipality_slug, pk
            )
    approvals = adoption.approvals.select_related("department", "decided_by", "requested_by")
    history = (
        DepartmentApproval.history.filter(adoption_id=adoption.pk)
        .select_related("history_user", "department")
        .order_by("-history_date")[:50]
    )
    return render(
        request,
        "procurement/adoption_detail.html",
        page_context(
            access,
            membership=membership,
            adoption=adoption,
            approvals=approvals,
            history=history,
            adoption_history=adoption.history.select_related("history_user").order_by(
                "-history_date"
            )[:30],
            can_edit=can_edit,
            form=form if can_edit else None,
            departments_form=DepartmentsForm(municipality=membership.municipality)
            if can_edit
            else None,
            status_form=StatusForm() if can_edit else None,
        ),
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


# --- department approvals ---------------------------------------------------------------


def _inbox_queryset(access, queryset):
    """Approvals this user may answer: own departments (staff), own members (coordinator),
    all (moderator); never those of a member that left (read-only, as Access says)."""
    today = timezone.localdate()
    queryset = queryset.filter(
        Q(adoption__membership__left_on__isnull=True) | Q(adoption__membership__left_on__gt=today)
    )
    if access.is_moderator:
        return queryset
    return queryset.filter(
        Q(department_id__in=access.department_ids)
        | Q(adoption__membership_id__in=access.coordinated_membership_ids)
    ).filter(adoption__membership_id__in=access.own_membership_ids)


@network_view
def approval_inbox(request, access):
    pending = (
        _inbox_queryset(
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
        .order_by("requested_at", "pk")
    )
    page = Paginator(pending, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/approval_inbox.html",
        page_context(access, approvals=page, page_obj=page, form=DecisionForm()),
    )


@network_view
@require_POST
def approval_decide(request, access, pk):
    approval = scoped.approval(access, pk)
    membership = approval.adoption.membership
    access.require(access.can_approve_for(approval.department, membership))
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


# --- network matrix ------------------------------------------------------------------------


@network_view
def network_matrix(request, access):
    network = access.network
    memberships = list(Membership.objects.filter(network=network).select_related("municipality"))
    groups = list(
        ProductGroup.objects.filter(network=network).annotate(
            agreed_criteria=Count(
                "criteria",
                filter=Q(criteria__is_current=True, criteria__status=Criterion.Status.AGREED),
            )
        )
    )
    counts = defaultdict(dict)
    for row in (
        Adoption.objects.filter(membership__network=network)
        .values("membership_id", "criterion__product_group_id")
        .annotate(
            agreed=Count("pk", filter=Q(status__in=stats.AGREED)),
            adopted=Count("pk", filter=Q(status__in=stats.ADOPTED)),
            applied=Count("pk", filter=Q(status=Adoption.Status.APPLIED)),
        )
    ):
        counts[row["membership_id"]][row["criterion__product_group_id"]] = row
    shares = stats.shares_for([m.pk for m in memberships])
    years = sorted({year for (_m, year) in shares if year is not None})

    def pct(n, total):
        return round(100 * n / total) if total else None

    rows = []
    for membership in memberships:
        cells = []
        for group in groups:
            row = counts[membership.pk].get(group.pk, {})
            cells.append(
                {
                    "group": group,
                    "agreed": pct(row.get("agreed", 0), group.agreed_criteria),
                    "adopted": pct(row.get("adopted", 0), group.agreed_criteria),
                    "applied": pct(row.get("applied", 0), group.agreed_criteria),
                }
            )
        rows.append(
            {
                "membership": membership,
                "cells": cells,
                "share": shares.get((membership.pk, None)),
                "years": [shares.get((membership.pk, year)) for year in years],
            }
        )
    network_years = [(year, shares.get((None, year))) for year in years]
    if request.GET.get("format") == "csv":
        header = [_("Kommune")]
        for group in groups:
            header += [
                f"{group.name}: " + _("zugestimmt %"),
                f"{group.name}: " + _("übernommen %"),
                f"{group.name}: " + _("angewendet %"),
            ]
        header += [_("Ausschreibungen mit Kriterien (Anzahl) %"), _("(Wert) %")]
        lines = []
        for row in rows:
            line = [row["membership"].municipality.name]
            for cell in row["cells"]:
                line += [
                    de_number(cell["agreed"]),
                    de_number(cell["adopted"]),
                    de_number(cell["applied"]),
                ]
            share = row["share"]
            line += [
                de_number(share.count_pct if share else None),
                de_number(share.value_pct if share else None),
            ]
            lines.append(line)
        return csv_response(f"netzwerk-matrix-{network.slug}.csv", header, lines)
    return render(
        request,
        "procurement/network_matrix.html",
        page_context(
            access,
            groups=groups,
            rows=rows,
            years=years,
            network_years=network_years,
            network_share=shares.get((None, None)),
        ),
    )


# --- tenders ----------------------------------------------------------------------------------


@network_view
def tender_list(request, access, municipality_slug):
    membership = access.membership(municipality_slug)
    tenders = (
        Tender.objects.filter(membership=membership)
        .select_related("product_group")
        .annotate(applied_count=Count("applied_criteria"))
        .order_by("-published_on", "title", "pk")
    )
    year = request.GET.get("jahr", "")
    if not (year.isascii() and year.isdigit() and 1 <= int(year) <= 9999):
        year = ""  # a year the calendar does not have is ignored, not a server error
    if year:
        tenders = tenders.filter(published_on__year=int(year))
    shares = stats.shares_for([membership.pk])
    years = sorted({y for (_m, y) in shares if y is not None})
    page = Paginator(tenders, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/tender_list.html",
        page_context(
            access,
            membership=membership,
            page_obj=page,
            query=f"jahr={year}" if year else "",
            year_shares=[(y, shares[(membership.pk, y)]) for y in years],
            total_share=shares.get((membership.pk, None)),
            can_edit=access.can_edit_membership(membership),
            years=years,
            year=year,
        ),
    )


@network_view
def tender_edit(request, access, municipality_slug, pk=None):
    membership = access.membership(municipality_slug)
    tender = scoped.tender(membership, pk) if pk else Tender(membership=membership)
    access.require(access.can_edit_membership(membership))
    form = TenderForm(request.POST or None, instance=tender)
    if request.method == "POST" and form.is_valid() and form.save_checked():
        messages.success(request, _("Ausschreibung gespeichert."))
        return redirect("procurement:tender_list", access.network.slug, municipality_slug)
    return render(
        request,
        "procurement/tender_form.html",
        page_context(access, form=form, membership=membership, tender=tender if pk else None),
    )


@network_view
def tender_csv(request, access, municipality_slug):
    membership = access.membership(municipality_slug)
    tenders = list(
        Tender.objects.filter(membership=membership)
        .select_related("product_group")
        .prefetch_related("applied_criteria")
    )
    required = stats.agreed_criteria([membership.pk])
    rows = []
    for tender in tenders:
        fact = TenderFacts(  # the rule of the key figure, for this one tender
            membership_id=membership.pk,
            year=tender.published_on.year,
            value=tender.estimated_value,
            required=frozenset(required[(membership.pk, tender.product_group_id)]),
            applied=frozenset(c.pk for c in tender.applied_criteria.all()),
        )
        rows.append(
            [
                tender.published_on.strftime("%d.%m.%Y"),
                tender.reference,
                tender.title,
                tender.product_group.name,
                tender.get_procedure_display(),
                de_number(tender.estimated_value),
                ", ".join(c.title for c in tender.applied_criteria.all()),
                _("ja")
                if fact.compliant
                else (_("nein") if fact.relevant else _("keine Kriterien")),
                _("ja") if tender.evidence_received else _("nein"),
            ]
        )
    header = [
        _("Veröffentlicht am"),
        _("Vergabenummer"),
        _("Titel"),
        _("Warengruppe"),
        _("Verfahren"),
        _("Geschätzter Auftragswert (EUR)"),
        _("Angewendete Kriterien"),
        _("Alle zugestimmten Kriterien angewendet"),
        _("Nachweise eingegangen"),
    ]
    return csv_response(f"ausschreibungen-{membership.municipality.slug}.csv", header, rows)


# --- roadmaps -------------------------------------------------------------------------------


def _roadmap_of(access, municipality_slug, *, create=False):
    """(membership or None, roadmap or None); without a slug: the network's template."""
    if municipality_slug is None:
        if create:
            return None, services.template_roadmap(network=access.network)
        return None, Roadmap.objects.filter(network=access.network, membership=None).first()
    membership = access.membership(municipality_slug)
    if create:
        return membership, services.roadmap_for(membership=membership)
    return membership, Roadmap.objects.filter(membership=membership).first()


def _can_edit_roadmap(access, membership):
    return access.can_edit_membership(membership) if membership else access.can_manage_network()


@network_view
def roadmap(request, access, municipality_slug=None):
    membership, road = _roadmap_of(access, municipality_slug)
    milestones = []
    if road:
        milestones = list(
            road.milestones.select_related("department").prefetch_related(
                "criteria", "action_items"
            )
        )
    today = timezone.localdate()
    if request.GET.get("format") == "csv":
        rows = [
            [
                m.position,
                m.title,
                m.due_on.strftime("%d.%m.%Y") if m.due_on else "",
                m.get_status_display(),
                m.completed_on.strftime("%d.%m.%Y") if m.completed_on else "",
                m.department.name if m.department else "",
                ", ".join(c.title for c in m.criteria.all()),
                _("ja") if m.is_overdue(today) else _("nein"),
            ]
            for m in milestones
        ]
        header = [
            _("Nr."),
            _("Meilenstein"),
            _("Fällig am"),
            _("Status"),
            _("Erledigt am"),
            _("Verantwortlicher Fachbereich"),
            _("Kriterien"),
            _("Überfällig"),
        ]
        slug = membership.municipality.slug if membership else "vorlage"
        return csv_response(f"fahrplan-{slug}.csv", header, rows)
    return render(
        request,
        "procurement/roadmap.html",
        page_context(
            access,
            membership=membership,
            roadmap=road,
            milestones=[(m, m.is_overdue(today)) for m in milestones],
            progress=progress_pct([m.status for m in milestones]),
            can_edit=_can_edit_roadmap(access, membership),
            has_template=membership is not None
            and Roadmap.objects.filter(network=access.network, membership=None).exists(),
        ),
    )


@network_view
@require_POST
def roadmap_start(request, access, municipality_slug):
    membership = access.membership(municipality_slug)
    access.require(access.can_edit_membership(membership))
    services.roadmap_for(membership=membership)
    messages.success(request, _("Fahrplan angelegt."))
    return redirect("procurement:roadmap", access.network.slug, municipality_slug)


@network_view
def milestone_edit(request, access, municipality_slug=None, pk=None):
    membership = access.membership(municipality_slug) if municipality_slug else None
    access.require(_can_edit_roadmap(access, membership))
    # A GET writes nothing: a missing roadmap is made (from the template) only on saving.
    _m, road = _roadmap_of(access, municipality_slug, create=request.method == "POST")
    numbered_by = road
    if road is None:
        road = Roadmap(network=access.network, membership=membership)
        if membership is not None:  # its roadmap will start with the template's steps
            numbered_by = Roadmap.objects.filter(network=access.network, membership=None).first()
    if pk:
        if road.pk is None:
            raise Http404
        milestone = scoped.milestone(road, pk)
    else:
        last = (
            numbered_by.milestones.order_by("-position").values_list("position", flat=True).first()
            if numbered_by
            else None
        )
        milestone = Milestone(roadmap=road, position=(last or 0) + 1)
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid() and form.save_checked():
        messages.success(request, _("Meilenstein gespeichert."))
        if municipality_slug:
            return redirect("procurement:roadmap", access.network.slug, municipality_slug)
        return redirect("procurement:roadmap_template", access.network.slug)
    return render(
        request,
        "procurement/milestone_form.html",
        page_context(access, form=form, membership=membership, milestone=milestone if pk else None),
    )
