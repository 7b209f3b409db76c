"""Guidelines and building projects in the portal's search (network.search, hook
`search_sources`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import BuildingProject, Guideline


class Guidelines:
    """Published guidelines; drafts for those who see them (building.models
    .sees_guideline_drafts, through GuidelineQuerySet.visible_to)."""

    key = "leitlinien"
    label = _("Leitlinien")
    network_field = "network_id"
    fields = {"title": "A", "summary": "B", "body": "C"}
    markdown_fields = {"body"}

    def queryset(self, searcher):
        return searcher.readable(
            lambda access: Guideline.objects.filter(network=access.network).visible_to(access)
        )

    def title(self, row):
        return row.title

    def detail(self, row):
        return row.get_status_display() if row.status == Guideline.Status.DRAFT else ""

    def url(self, row, network):
        return reverse("building:guideline_detail", args=[network.slug, row.pk])


class Projects:
    """Building projects of every member: the network reads all of them."""

    key = "bauvorhaben"
    label = _("Bauvorhaben")
    network_field = "membership__network_id"
    fields = {"name": "A", "address": "B", "description": "C"}
    markdown_fields = set()

    def queryset(self, searcher):
        return searcher.readable(
            lambda access: BuildingProject.objects.of_network(access.network)
        ).select_related("membership__municipality")

    def title(self, row):
        return row.name

    def detail(self, row):
        return row.membership.municipality.name

    def url(self, row, network):
        return reverse("building:project_detail", args=[network.slug, row.pk])
