"""Building projects: list, form, page."""

from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from network import funding
from network.models import Membership
from network.views.common import network_view, page_context, posted
from network.views.edit import form_page

from .. import legal, presentation, services
from ..filters import ProjectFilter
from ..forms import (
    ProjectForm,
)
from ..models import (
    BuildingProject,
    BuildingSettings,
    ScoringBoard,
)
from .common import _project, _projects


@network_view
def project_list(request, access):
    projects = _projects(access).select_related("latest_assessment__board")
    filterset = ProjectFilter(request.GET or None, queryset=projects, network=access.network)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "building/project_list.html",
        page_context(
            access,
            filter=filterset,
            page_obj=page,
            query=query.urlencode(),
            can_create=Membership.objects.filter(access.editable_memberships_q()).exists(),
        ),
    )


@network_view
def project_create(request, access):
    queryset = Membership.objects.filter(access.editable_memberships_q()).select_related(
        "municipality"
    )
    access.require(queryset.exists())

    @transaction.atomic
    def create(form):
        access.require(access.can_edit_membership(form.cleaned_data["membership"]))
        project = form.save()
        services.project_refresh(project=project)
        return project

    return form_page(
        request,
        access,
        ProjectForm(posted(request), memberships=queryset),
        template="building/project_form.html",
        title=_("Bauvorhaben anlegen"),
        actions_top=True,
        back_url=reverse("building:project_list", args=[access.network.slug]),
        save=create,
        success_url=lambda project: _detail_url(access, project),
        message=_("Das Bauvorhaben wurde angelegt."),
    )


def _funding_need(project) -> funding.Need:
    """What a project asks of the funding register: its kind, a new heating, PV, and the
    day of its building application (not applied yet: today); housing is residential."""
    kinds = {project.kind}
    if project.heating_replaced:
        kinds.add(funding.Kind.HEATING)
    if project.pv_peak_kw:
        kinds.add(funding.Kind.PV)
    return funding.Need(
        kinds=frozenset(kinds),
        day=project.application_date or timezone.localdate(),
        residential=project.use in legal.RESIDENTIAL_USES,
    )


@network_view
def project_detail(request, access, pk):
    project = _project(access, pk)
    need = _funding_need(project)
    assessments = project.assessments.select_related("board").order_by("-created_at")
    variants = project.variants.prefetch_related("energy_uses")
    settings_obj = BuildingSettings.for_network(access.network)
    active_boards = ScoringBoard.objects.filter(network=access.network).active()
    records = list(project.history.select_related("history_user").order_by("-history_id")[:11])
    changes = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        fields = []
        if older is not None:
            delta = newer.diff_against(older, excluded_fields=["version", "legal_status"])
            fields = [
                str(BuildingProject._meta.get_field(c.field).verbose_name) for c in delta.changes
            ]
        changes.append((newer, fields))
    return render(
        request,
        "building/project_detail.html",
        page_context(
            access,
            project=project,
            legal_results=project.legal_results(),
            assessments=assessments,
            table=presentation.variant_table(variants, settings_obj.assumptions()),
            settings_obj=settings_obj,
            active_boards=[
                b for b in active_boards if not any(a.board_id == b.pk for a in assessments)
            ],
            can_edit=access.can_edit_membership(project.membership),
            changes=changes[:10],
            funding=funding.programmes_for_many(access.network, [need])[0],
            funding_day=need.day,
        ),
    )


@network_view
def project_edit(request, access, pk):
    project = _project(access, pk)
    access.require(access.can_edit_membership(project.membership))

    @transaction.atomic
    def save(form):
        saved = form.save_checked()
        if saved is not None:  # the legal status and draft results follow the data
            services.project_refresh(project=saved)
        return saved

    return form_page(
        request,
        access,
        ProjectForm(posted(request), instance=project),
        template="building/project_form.html",
        title=_("%(name)s bearbeiten") % {"name": project.name},
        actions_top=True,
        back_url=_detail_url(access, project),
        save=save,
        success_url=_detail_url(access, project),
        message=_("Das Bauvorhaben wurde gespeichert."),
        project=project,
    )


def _detail_url(access, project):
    return reverse("building:project_detail", args=[access.network.slug, project.pk])
