"""The criteria catalogue in the portal's search (network.search, hook `search_sources`)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import sees_drafts
from .models import Criterion


class Criteria:
    """The criteria a person reads in each catalogue: the revision in force for members,
    the current revision (drafts too) for the moderation and the experts (procurement.access
    .sees_drafts), as the catalogue list shows them."""

    key = "kriterien"
    label = _("Kriterien")
    network_field = "network_id"
    fields = {"title": "A", "description": "B", "verification": "C", "legal_basis": "C"}
    markdown_fields = set()

    def queryset(self, searcher):
        def rows_of(access):
            criteria = Criterion.objects.filter(network=access.network)
            if sees_drafts(access):
                return criteria.filter(is_current=True)
            return criteria.filter(pk__in=criteria.released().values("pk"))

        return searcher.readable(rows_of).select_related("product_group")

    def title(self, row):
        return row.title

    def detail(self, row):
        if row.status == Criterion.Status.DRAFT:
            return f"{row.product_group.name} · {row.get_status_display()}"
        return row.product_group.name

    def url(self, row, network):
        return reverse("procurement:criterion_detail", args=[network.slug, row.pk])
